"""Office-time minutes across evenings, weekends and the clock changes."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.scenario.models import OfficeHours
from sandbox.timeline.office_time import (
    is_office_time,
    office_minutes_between,
    real_minutes_between,
)

LONDON = ZoneInfo("Europe/London")
HOURS = OfficeHours()  # Mon–Fri 08:30–17:30


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def test_within_one_office_day() -> None:
    assert office_minutes_between(london(2026, 1, 15, 10), london(2026, 1, 15, 11, 30), HOURS) == 90


def test_evening_is_not_counted() -> None:
    # Thursday 17:00 to Friday 09:00: 30 minutes before close, 30 after opening.
    assert office_minutes_between(london(2026, 1, 15, 17), london(2026, 1, 16, 9), HOURS) == 60


def test_weekend_is_not_counted() -> None:
    # Friday 17:00 to Monday 09:30: 30 + 60.
    assert office_minutes_between(london(2026, 1, 16, 17), london(2026, 1, 19, 9, 30), HOURS) == 90
    # Wholly inside a weekend: nothing.
    assert office_minutes_between(london(2026, 1, 17, 9), london(2026, 1, 18, 17), HOURS) == 0


def test_custom_days_and_hours() -> None:
    hours = OfficeHours(days=["sat"], start="10:00", end="12:00")
    assert office_minutes_between(london(2026, 1, 16, 9), london(2026, 1, 19, 9), hours) == 120


def test_clock_change_week_counts_local_office_hours() -> None:
    # Friday 27 March 2026 (GMT) 17:00 to Monday 30 March (BST) 09:00: the clocks went forward
    # on the Sunday, but office hours are local, so still 30 + 30 minutes.
    start = london(2026, 3, 27, 17)
    end = london(2026, 3, 30, 9)
    assert office_minutes_between(start, end, HOURS) == 60
    # The same instants given in UTC give the same answer.
    assert office_minutes_between(start.astimezone(UTC), end.astimezone(UTC), HOURS) == 60


def test_whole_week_and_reversed_span() -> None:
    monday = london(2026, 1, 12, 0)
    assert office_minutes_between(monday, monday + timedelta(days=7), HOURS) == 5 * 9 * 60
    assert office_minutes_between(monday + timedelta(days=1), monday, HOURS) == 0


def test_real_minutes_run_round_the_clock() -> None:
    assert real_minutes_between(london(2026, 1, 16, 17), london(2026, 1, 19, 9)) == 64 * 60
    assert real_minutes_between(london(2026, 1, 16, 17), london(2026, 1, 16, 16)) == 0


def test_is_office_time() -> None:
    assert is_office_time(london(2026, 1, 15, 8, 30), HOURS)
    assert not is_office_time(london(2026, 1, 15, 17, 30), HOURS)
    assert not is_office_time(london(2026, 1, 17, 12), HOURS)
    # 08:00 UTC in summer is 09:00 in London: open.
    assert is_office_time(datetime(2026, 6, 10, 8, 0, tzinfo=UTC), HOURS)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        office_minutes_between(datetime(2026, 1, 15, 10), datetime(2026, 1, 15, 11), HOURS)


@pytest.mark.skipif(
    importlib.util.find_spec("sandbox.scoring.timing") is None,
    reason="the scorer's timing module is not there yet",
)
def test_agrees_with_the_scorers_office_time() -> None:
    from sandbox.scoring.timing import office_minutes_between as scorer_minutes

    spans = [
        (london(2026, 1, 15, 10), london(2026, 1, 15, 11, 30)),
        (london(2026, 1, 15, 17), london(2026, 1, 16, 9)),
        (london(2026, 1, 16, 17), london(2026, 1, 19, 9, 30)),
        (london(2026, 3, 27, 17), london(2026, 3, 30, 9)),
    ]
    for start, end in spans:
        assert scorer_minutes(start, end, HOURS) == pytest.approx(
            office_minutes_between(start, end, HOURS)
        )


def test_unknown_time_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="tzdata"):
        office_minutes_between(
            london(2026, 1, 15, 10), london(2026, 1, 15, 11), HOURS, "Mars/Olympus"
        )
