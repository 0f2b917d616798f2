"""SimClock: simulated time is pure arithmetic on the real seconds it is fed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.timeline.clock import SPEEDS, SimClock

START = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def test_tick_advances_by_real_seconds_times_speed() -> None:
    clock = SimClock(START, speed=5)
    assert clock.tick(2.0) == timedelta(seconds=10)
    assert clock.elapsed == timedelta(seconds=10)
    assert clock.now == START + timedelta(seconds=10)
    clock.speed = 20
    clock.tick(0.5)
    assert clock.elapsed == timedelta(seconds=20)


def test_paused_clock_does_not_move() -> None:
    clock = SimClock(START)
    clock.pause()
    assert clock.tick(60) == timedelta(0)
    assert clock.elapsed == timedelta(0)
    assert clock.toggle_pause() is False
    clock.tick(1)
    assert clock.elapsed == timedelta(seconds=1)


def test_jump_to_moves_forward_only() -> None:
    clock = SimClock(START, speed=1)
    assert clock.jump_to(timedelta(minutes=30)) == timedelta(minutes=30)
    assert clock.now == START + timedelta(minutes=30)
    with pytest.raises(ValueError, match="backwards"):
        clock.jump_to(timedelta(minutes=5))


def test_clock_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="timezone"):
        SimClock(datetime(2026, 1, 15, 10, 0))
    with pytest.raises(ValueError, match="above zero"):
        SimClock(START, speed=0)
    clock = SimClock(START)
    assert clock.tick(-3) == timedelta(0)


def test_speeds_offered_to_the_trainee() -> None:
    assert SPEEDS == (1, 5, 20)
    assert "paused" in repr(SimClock(START, paused=True))


def test_clock_stops_at_until() -> None:
    clock = SimClock(START, speed=20, until=timedelta(minutes=1))
    assert clock.tick(2) == timedelta(seconds=40)
    assert clock.tick(2) == timedelta(seconds=20)
    assert clock.elapsed == timedelta(minutes=1)
    assert clock.at_end
    assert clock.tick(2) == timedelta(0)
    assert clock.jump_to(timedelta(minutes=5)) == timedelta(0)
    assert not SimClock(START).at_end
