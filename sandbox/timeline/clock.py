"""The simulated clock: scenario time that runs faster than real time, or not at all.

Pure arithmetic on purpose: the GUI feeds it real seconds from a timer, tests feed it numbers,
so nothing about the timeline ever depends on the wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["SPEEDS", "SimClock"]

# The speeds a trainee can pick (1×, 5×, 20×); scenarios may start at any speed up to 120×.
SPEEDS: tuple[int, ...] = (1, 5, 20)


class SimClock:
    """Simulated time as ``start + elapsed``; ``elapsed`` only moves forward.

    ``tick`` is called with real seconds since the last tick and advances ``elapsed`` by
    ``real_seconds * speed`` unless paused; ``jump_to`` moves straight to a later point
    ("skip to the next post"). With ``until`` set (the scenario's end) it never runs past it.
    """

    __slots__ = ("_elapsed", "_speed", "paused", "start", "until")

    def __init__(
        self,
        start: datetime,
        speed: float = 1.0,
        *,
        elapsed: timedelta = timedelta(0),
        paused: bool = False,
        until: timedelta | None = None,
    ) -> None:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("the clock's start time must include a timezone")
        if elapsed < timedelta(0):
            raise ValueError("the clock cannot start before its start time")
        self.start = start
        self._speed = 1.0
        self.speed = speed
        self._elapsed = elapsed if until is None else min(elapsed, until)
        self.paused = paused
        self.until = until

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if not value > 0:
            raise ValueError(f"clock speed must be above zero, got {value}")
        self._speed = float(value)

    @property
    def elapsed(self) -> timedelta:
        """Simulated time since the scenario started."""
        return self._elapsed

    @property
    def now(self) -> datetime:
        """The simulated wall-clock time (timezone-aware, in the start's timezone)."""
        return self.start + self._elapsed

    def tick(self, real_seconds: float) -> timedelta:
        """Advance by ``real_seconds`` of real time; returns the simulated time that passed."""
        if self.paused or real_seconds <= 0:
            return timedelta(0)
        step = timedelta(seconds=real_seconds * self._speed)
        if self.until is not None:
            step = max(timedelta(0), min(step, self.until - self._elapsed))
        self._elapsed += step
        return step

    def jump_to(self, elapsed: timedelta) -> timedelta:
        """Move straight to ``elapsed`` (never backwards, never past ``until``); returns the
        simulated time skipped."""
        if elapsed < self._elapsed:
            raise ValueError("the simulated clock cannot go backwards")
        if self.until is not None:
            elapsed = min(elapsed, self.until)
        step = elapsed - self._elapsed
        self._elapsed = elapsed
        return step

    @property
    def at_end(self) -> bool:
        """Whether the clock has reached ``until`` (always False without one)."""
        return self.until is not None and self._elapsed >= self.until

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def toggle_pause(self) -> bool:
        """Flip paused/running; returns the new paused state (for a single pause key)."""
        self.paused = not self.paused
        return self.paused

    def __repr__(self) -> str:
        state = "paused" if self.paused else f"{self._speed:g}×"
        return f"SimClock(now={self.now.isoformat()}, elapsed={self._elapsed}, {state})"
