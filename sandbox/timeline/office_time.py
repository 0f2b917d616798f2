"""Office-time arithmetic: how many staffed minutes lie between two moments.

Council accounts are staffed in office hours (guidance S2: "within one working day", "48 office
hours"), so a post that arrives at 17:25 on a Friday is not four hours late on Saturday. Local
office hours are read in Europe/London with zoneinfo, so the BST/GMT changes are handled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.scenario.models import WEEKDAYS, OfficeHours

__all__ = ["DEFAULT_TZ", "is_office_time", "office_minutes_between", "real_minutes_between"]

DEFAULT_TZ = "Europe/London"


@lru_cache(maxsize=8)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'time zone "{tz}" is not available on this computer (install the tzdata package)'
        ) from None


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _open_hours(day: date, hours: OfficeHours, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The staffed span of one local day in UTC, or None when the office is closed that day."""
    if WEEKDAYS[day.weekday()] not in hours.days:
        return None
    opens = datetime.combine(day, _hhmm(hours.start), tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, _hhmm(hours.end), tzinfo=zone).astimezone(UTC)
    return opens, closes


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("office-time arithmetic needs timezone-aware datetimes")


def office_minutes_between(
    start: datetime, end: datetime, hours: OfficeHours, tz: str = DEFAULT_TZ
) -> float:
    """Staffed minutes in ``[start, end)``; 0 when ``end`` is not after ``start``."""
    _require_aware(start, end)
    if end <= start:
        return 0.0
    zone = _zone(tz)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start_utc.astimezone(zone).date()
    last = end_utc.astimezone(zone).date()
    seconds = 0.0
    while day <= last:
        span = _open_hours(day, hours, zone)
        if span is not None:
            lo, hi = max(start_utc, span[0]), min(end_utc, span[1])
            if hi > lo:
                seconds += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return seconds / 60.0


def real_minutes_between(start: datetime, end: datetime) -> float:
    """Round-the-clock minutes (emergencies are timed 24/7); 0 when ``end`` is not after ``start``."""
    _require_aware(start, end)
    return max(0.0, (end - start).total_seconds() / 60.0)


def is_office_time(moment: datetime, hours: OfficeHours, tz: str = DEFAULT_TZ) -> bool:
    """Whether the account is staffed at ``moment`` (for an "out of hours" cue)."""
    _require_aware(moment)
    zone = _zone(tz)
    moment_utc = moment.astimezone(UTC)
    span = _open_hours(moment_utc.astimezone(zone).date(), hours, zone)
    return span is not None and span[0] <= moment_utc < span[1]
