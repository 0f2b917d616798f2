"""A clock and an engine kept in step: the one object a timeline screen drives.

The screen's timer calls :meth:`LiveTimeline.tick` with the real seconds since the last call and
shows the posts it returns; buttons call :meth:`skip_to_next_post` and :meth:`act`. Keeping the
engine advanced to the clock before every action is what makes :meth:`resume` exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sandbox.scenario.models import ActionKind, Scenario
from sandbox.scenario.timeline_posts import TimelinePost
from sandbox.scoring.types import ScoreCard
from sandbox.timeline.clock import SimClock
from sandbox.timeline.engine import LearnerAction, TimelineEngine

__all__ = ["LiveTimeline"]


class LiveTimeline:
    """A :class:`SimClock` (stopping at the scenario's end) driving a :class:`TimelineEngine`."""

    def __init__(self, engine: TimelineEngine, clock: SimClock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SimClock(
            engine.start, engine.scenario.clock.speed, until=engine.end_at
        )

    @classmethod
    def start(cls, scenario: Scenario, *, seed: int | None = None) -> LiveTimeline:
        """A fresh attempt, with the clock at the scenario's start and its speed."""
        return cls(TimelineEngine(scenario, seed=seed))

    @classmethod
    def resume(
        cls,
        scenario: Scenario,
        *,
        seed: int | None,
        actions: Iterable[LearnerAction],
        elapsed: timedelta,
        speed: float | None = None,
    ) -> LiveTimeline:
        """An interrupted attempt rebuilt from its stored actions, paused where it stopped."""
        engine = TimelineEngine.replay(scenario, seed, actions, elapsed)
        clock = SimClock(
            engine.start,
            speed or scenario.clock.speed,
            elapsed=elapsed,
            paused=True,
            until=engine.end_at,
        )
        return cls(engine, clock)

    @property
    def elapsed(self) -> timedelta:
        return self.clock.elapsed

    @property
    def finished(self) -> bool:
        """The scenario's time is up."""
        return self.engine.is_finished(self.clock.elapsed)

    def tick(self, real_seconds: float) -> list[TimelinePost]:
        """Let ``real_seconds`` of real time pass; returns the posts that appeared."""
        self.clock.tick(real_seconds)
        return self.engine.advance_to(self.clock.elapsed)

    def skip_to_next_post(self) -> list[TimelinePost]:
        """Jump the clock to the next post (or the end); returns the posts that appeared."""
        target = self.engine.next_event_at()
        if target is None:
            target = self.engine.end_at
        if target > self.clock.elapsed:
            self.clock.jump_to(target)
        return self.engine.advance_to(self.clock.elapsed)

    def act(
        self,
        post_id: str,
        kind: ActionKind,
        *,
        text: str = "",
        team: str | None = None,
        note: str = "",
        score: ScoreCard | None = None,
    ) -> LearnerAction:
        """Record an action now on the simulated clock; returns it as stored (persist that)."""
        # record() first brings the engine up to the clock; anything that releases is still
        # returned by the next tick, so the screen misses nothing.
        action = LearnerAction(
            post_id, kind, text=text, team=team, note=note, score=score, sim_at=self.clock.elapsed
        )
        return self.engine.record(action)
