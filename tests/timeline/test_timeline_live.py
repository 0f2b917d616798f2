"""LiveTimeline: the clock and the engine kept in step, as the trainee screen uses them."""

from __future__ import annotations

from datetime import timedelta

from sandbox.scenario.models import ActionKind
from sandbox.timeline.engine import PostState
from sandbox.timeline.live import LiveTimeline
from tests.timeline.timeline_factory import build

M = timedelta(minutes=1)

CHASE = {
    "id": "chase",
    "post": "bins",
    "when": {"unanswered_for": "+00:30"},
    "posts": [{"id": "chase-1", "author": "resident", "text": "Hello?"}],
}


def test_ticks_release_posts_as_the_clock_reaches_them() -> None:
    live = LiveTimeline.start(build(clock={"start": "2026-01-15T10:00:00+00:00", "speed": 20}))
    assert live.tick(14) == []  # 14 s × 20 = 4 min 40 s
    assert [p.id for p in live.tick(1)] == ["bins"]  # 5 min
    live.clock.pause()
    assert live.tick(600) == []
    assert live.elapsed == 5 * M


def test_skip_to_next_post_and_to_the_end() -> None:
    live = LiveTimeline.start(build(follow_ups=[CHASE], duration_minutes=60))
    assert [p.id for p in live.skip_to_next_post()] == ["bins"]
    assert [p.id for p in live.skip_to_next_post()] == ["rant"]
    assert [p.id for p in live.skip_to_next_post()] == ["flood"]
    assert [p.id for p in live.skip_to_next_post()] == ["chase-1"]
    assert live.elapsed == 35 * M
    assert live.skip_to_next_post() == []
    assert live.elapsed == 60 * M
    assert live.finished


def test_act_uses_the_clock_and_resume_is_exact() -> None:
    scenario = build(follow_ups=[CHASE])
    live = LiveTimeline.start(scenario, seed=2)
    live.skip_to_next_post()
    live.tick(60)  # one real minute at 1×
    stored = live.act("bins", ActionKind.reply, text="Sorry, we'll look into it")
    assert stored.sim_at == 6 * M
    assert live.engine.state("bins", live.elapsed) is PostState.handled
    live.tick(3600)
    resumed = LiveTimeline.resume(scenario, seed=2, actions=[stored], elapsed=live.elapsed)
    assert resumed.clock.paused
    assert resumed.elapsed == live.elapsed
    assert [p.id for p in resumed.engine.released] == [p.id for p in live.engine.released]
    assert resumed.engine.fired == live.engine.fired == {}


def test_act_before_a_tick_does_not_lose_released_posts() -> None:
    live = LiveTimeline.start(build())
    live.clock.jump_to(20 * M)  # the clock moved but the screen has not ticked yet
    live.act("bins", ActionKind.reply, text="Hi")
    assert [p.id for p in live.tick(0)] == ["bins", "rant", "flood"]
