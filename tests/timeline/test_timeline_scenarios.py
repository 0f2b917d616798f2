"""The shipped scenarios run through the engine: silent and diligent learners."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sandbox.scenario.models import ActionKind, Scenario
from sandbox.timeline.engine import RESPONSE_KINDS, TimelineEngine
from sandbox.timeline.live import LiveTimeline

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def load(path: Path) -> Scenario:
    from sandbox.scenario.loader import load_scenario

    return load_scenario(path)


@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/ folder with YAML files")
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_silent_learner_misses_every_answerable_post(path: Path) -> None:
    scenario = load(path)
    engine = TimelineEngine(scenario)
    released = engine.advance_to(engine.end_at)
    assert released, "nothing appeared"
    assert [p.at for p in released] == sorted(p.at for p in released)
    scripted_due = {p.id for p in scenario.posts if p.at <= engine.end_at}
    assert scripted_due <= {p.id for p in released}
    # Silence sets off every "unanswered" follow-up on a scripted post that falls in time.
    for fu in scenario.follow_ups:
        when = fu.when
        watched = next((p for p in scenario.posts if p.id == fu.post), None)
        if watched is None or when.unanswered_for is None:
            continue
        if watched.at + when.unanswered_for <= engine.end_at:
            assert fu.id in engine.fired, fu.id
    assert {p.id for p in engine.missed_posts(engine.end_at)} == {
        p.id for p in released if p.expect is not None and p.expect.needs_answer
    }


@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/ folder with YAML files")
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_diligent_learner_answers_everything_at_once(path: Path) -> None:
    scenario = load(path)
    live = LiveTimeline.start(scenario, seed=1)
    answered: list[str] = []
    for _ in range(10_000):
        if live.finished:
            break
        for post in live.skip_to_next_post():
            if post.expect is None or not post.expect.needs_answer:
                continue
            kind = next(a for a in post.expect.action if a in RESPONSE_KINDS)
            team = post.expect.team or scenario.teams[0].id if kind is ActionKind.escalate else None
            live.act(post.id, kind, text="Thanks, we're on it.", team=team)
            answered.append(post.id)
    assert live.finished
    engine = live.engine
    assert answered
    assert engine.missed_posts(engine.end_at) == []
    unanswered_kind = {fu.id for fu in scenario.follow_ups if fu.when.unanswered_for is not None}
    assert not unanswered_kind & set(engine.fired)
    replayed = TimelineEngine.replay(scenario, 1, engine.actions, live.elapsed)
    assert [p.id for p in replayed.released] == [p.id for p in engine.released]
    assert replayed.fired == engine.fired
    assert live.elapsed == engine.end_at == timedelta(minutes=scenario.duration_minutes)
