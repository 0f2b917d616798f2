"""Office-hours arithmetic and the graded timing curve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.scenario.models import OfficeHours, Priority
from sandbox.scoring.timing import office_minutes_between, response_minutes, timing_score

LONDON = ZoneInfo("Europe/London")
HOURS = OfficeHours()  # Mon–Fri 08:30–17:30


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def test_same_day_inside_hours() -> None:
    assert office_minutes_between(at(2026, 1, 14, 9), at(2026, 1, 14, 10, 30), HOURS) == 90


def test_friday_evening_to_monday_morning_counts_only_office_time() -> None:
    # Fri 17:25 -> Mon 08:40: 5 minutes on Friday + 10 on Monday
    assert office_minutes_between(at(2026, 1, 16, 17, 25), at(2026, 1, 19, 8, 40), HOURS) == 15


def test_outside_hours_and_reversed_spans_are_zero() -> None:
    assert office_minutes_between(at(2026, 1, 17, 10), at(2026, 1, 17, 16), HOURS) == 0  # Saturday
    assert office_minutes_between(at(2026, 1, 14, 12), at(2026, 1, 14, 11), HOURS) == 0


def test_daylight_saving_change_keeps_local_office_hours() -> None:
    # Clocks go forward on Sunday 29 March 2026; Monday opens at 08:30 BST (07:30 UTC).
    start = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)  # Fri 17:00 GMT
    end = datetime(2026, 3, 30, 8, 30, tzinfo=UTC)  # Mon 09:30 BST
    assert office_minutes_between(start, end, HOURS) == 30 + 60


def test_naive_datetimes_are_taken_as_local() -> None:
    assert (
        office_minutes_between(datetime(2026, 1, 14, 9), datetime(2026, 1, 14, 9, 45), HOURS) == 45
    )


def test_custom_days_and_hours() -> None:
    weekend = OfficeHours(days=["sat", "sun"], start="10:00", end="12:00")
    assert office_minutes_between(at(2026, 1, 16, 0), at(2026, 1, 19, 0), weekend) == 240


def test_emergencies_count_real_minutes() -> None:
    posted, answered = at(2026, 1, 17, 22), at(2026, 1, 17, 22, 20)  # Saturday night
    assert response_minutes(posted, answered, priority=Priority.emergency) == 20
    assert response_minutes(posted, answered, priority=Priority.normal, hours=HOURS) == 0


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [(0, 100), (60, 100), (90, 83), (120, 67), (180, 33), (240, 0), (1000, 0)],
)
def test_graded_curve(elapsed: float, expected: int) -> None:
    assert timing_score(elapsed, 60) == expected


def test_curve_rejects_a_zero_target() -> None:
    with pytest.raises(ValueError, match="more than 0"):
        timing_score(10, 0)


def test_long_spans_are_bounded() -> None:
    start = at(2026, 1, 1, 9)
    assert office_minutes_between(start, start + timedelta(days=365), HOURS) > 0
