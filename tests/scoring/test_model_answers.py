"""Every scenario's model answers stay free of risk errors and warnings.

The model answers are what trainers show as good practice, so a detector that flags one is a
false alarm by definition. This guards the broadened rule lists against over-reach.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.scenario.loader import load_scenario
from sandbox.scenario.models import ActionKind, Expectation, Scenario
from sandbox.scoring.engine import Scorer, default_scorer
from sandbox.scoring.types import ScoringContext, Severity

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _answers(scenario: Scenario) -> list[tuple[str, str, str | None, Expectation, str]]:
    """(post id, post text, author kind, expectation, model answer) for every model answer."""
    kinds = {p.id: p.kind.value for p in scenario.personas}
    posts = list(scenario.posts) + [fp for fu in scenario.follow_ups for fp in fu.posts]
    out = []
    for post in posts:
        if post.expect is None:
            continue
        for answer in post.expect.model_answers:
            out.append((post.id, post.text, kinds.get(post.author), post.expect, answer))
    return out


def model_answer_alarms(scorer: Scorer, path: Path) -> list[str]:
    """Risk errors and warnings raised by one scenario file's model answers."""
    scenario = load_scenario(path)
    custom = scorer.for_scenario(scenario, base_dir=path.parent)
    alarms: list[str] = []
    for post_id, text, kind, expect, answer in _answers(scenario):
        action = ActionKind.reply if ActionKind.reply in expect.action else expect.action[0]
        card = custom.score(
            answer,
            ScoringContext(
                post_text=text,
                action=action,
                team=expect.team,
                pre_election=scenario.policy.pre_election,
                author_kind=kind,
                expectation=expect,
            ),
        )
        for f in card.findings:
            if f.family.value == "risk" and f.severity in (Severity.error, Severity.warning):
                alarms.append(f"{path.name}:{post_id}: {f.rule} {f.match!r} in {answer!r}")
    return alarms


def _files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml")) if SCENARIOS.is_dir() else []


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_model_answers_have_no_risk_alarms(path: Path) -> None:
    alarms = model_answer_alarms(default_scorer(), path)
    assert alarms == []


def test_the_library_has_model_answers() -> None:
    if not SCENARIOS.is_dir():
        pytest.skip("scenarios/ folder is not present")
    total = sum(len(_answers(load_scenario(p))) for p in _files())
    assert total >= 20
