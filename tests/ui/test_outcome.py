"""Results maths: silence is a failure, response times are first-reply times."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sandbox.scenario.models import ActionKind
from sandbox.ui.trainee.outcome import build_outcome


def _setup(flood_path: Path) -> tuple[Any, Any]:
    from sandbox.scenario.loader import load_scenario
    from sandbox.timeline.engine import TimelineEngine
    from sandbox.ui.trainee.launch import scorer_for

    scenario = load_scenario(flood_path)
    return TimelineEngine(scenario, seed=scenario.filler.seed), scorer_for(scenario, flood_path)


def test_missed_posts_are_failures_and_answers_are_timed(flood_path: Path) -> None:
    from sandbox.timeline.engine import LearnerAction

    engine, scorer = _setup(flood_path)
    engine.advance_to(engine.end_at)
    silent = build_outcome(engine, engine.end_at, scorer.score_missed, scorer.weights)
    answerable = engine.answerable_posts()
    assert silent.missed == len(answerable) > 0
    assert all(p.missed for p in silent.posts)
    assert silent.answered == 0 and silent.median_minutes is None

    engine2, _ = _setup(flood_path)
    engine2.advance_to(timedelta(minutes=10))
    first = engine2.answerable_posts()[0]
    at = first.at + timedelta(minutes=6)
    engine2.advance_to(at)
    context = engine2.scoring_context(first.id, ActionKind.reply, None, at)
    answer = (
        first.expect.model_answers[0] if first.expect.model_answers else "Thank you for telling us."
    )
    card = scorer.score(answer, context)
    engine2.record(
        LearnerAction(post_id=first.id, kind=ActionKind.reply, text=answer, score=card, sim_at=at)
    )
    engine2.advance_to(engine2.end_at)
    better = build_outcome(engine2, engine2.end_at, scorer.score_missed, scorer.weights)
    missed_then = {p.post.id for p in silent.posts if p.missed}
    missed_now = {p.post.id for p in better.posts if p.missed}
    assert first.id in missed_then and first.id not in missed_now
    assert better.answered == 1 and better.median_minutes == better.mean_minutes
    assert better.response_minutes[first.id] == better.median_minutes
    assert better.overall > silent.overall
    post = next(p for p in better.posts if p.post.id == first.id)
    assert not post.missed and post.actions[0].text == answer
    assert set(better.weights) == set(scorer.weights)
