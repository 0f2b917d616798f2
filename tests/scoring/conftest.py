"""Fixtures for scoring tests: the default scorer and a quick way to score a reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.scoring.engine import Scorer, default_scorer
from sandbox.scoring.types import ScoreCard, ScoringContext


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return default_scorer()


@pytest.fixture
def score(scorer: Scorer) -> Callable[..., ScoreCard]:
    def _score(reply: str, post: str = "Hello", **kw: Any) -> ScoreCard:
        return scorer.score(reply, ScoringContext(post_text=post, **kw))

    return _score


def rules_of(card: ScoreCard, *, praise: bool = False) -> set[str]:
    """Rule ids that fired (problems only unless ``praise``)."""
    return {f.rule for f in card.findings if praise or f.severity.value != "praise"}
