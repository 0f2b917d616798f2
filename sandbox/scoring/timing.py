"""Response time: office minutes between two moments, and the graded timing curve.

Ordinary enquiries are timed in office minutes (a post at 17:25 on Friday answered at 08:40 on
Monday is 15 office minutes late, not 63 hours); emergencies are timed in real minutes, 24/7,
because flooding does not wait for Monday (reply-rules S1/S2).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.scenario.models import WEEKDAYS, OfficeHours, Priority

__all__ = ["office_minutes_between", "response_minutes", "timing_score"]

_MAX_DAYS = 3660  # ten years of office days is plenty; keeps a typo from looping for long


def _zone(tz: str | tzinfo) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _hhmm(value: str) -> time:
    h, m = value.split(":")
    return time(int(h), int(m))


def office_minutes_between(
    start: datetime, end: datetime, hours: OfficeHours, tz: str | tzinfo = "Europe/London"
) -> float:
    """Minutes of staffed office time between ``start`` and ``end`` (0 if end is before start).

    Naive datetimes are taken to be in ``tz``. Daylight-saving changes are handled because each
    day's opening and closing times are built in the local zone.
    """
    zone = _zone(tz)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    if end.tzinfo is None:
        end = end.replace(tzinfo=zone)
    if end <= start:
        return 0.0
    open_days = {WEEKDAYS.index(d) for d in hours.days}
    opens, closes = _hhmm(hours.start), _hhmm(hours.end)
    local_start = start.astimezone(zone)
    local_end = end.astimezone(zone)
    total = 0.0
    day: date = local_start.date()
    last: date = local_end.date()
    steps = 0
    while day <= last and steps < _MAX_DAYS:
        if day.weekday() in open_days:
            day_open = datetime.combine(day, opens, tzinfo=zone)
            day_close = datetime.combine(day, closes, tzinfo=zone)
            lo = max(day_open, start)
            hi = min(day_close, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60.0
        day += timedelta(days=1)
        steps += 1
    return total


def response_minutes(
    posted: datetime,
    responded: datetime,
    *,
    priority: Priority = Priority.normal,
    hours: OfficeHours | None = None,
    tz: str | tzinfo = "Europe/London",
) -> float:
    """Minutes that count against the target: real minutes for emergencies, else office minutes."""
    if priority is Priority.emergency:
        return max(0.0, (responded - posted).total_seconds() / 60.0)
    return office_minutes_between(posted, responded, hours or OfficeHours(), tz)


def timing_score(elapsed: float, target: float, *, zero_at: float = 4.0) -> int:
    """0–100: full marks within the target, sliding linearly to 0 at ``zero_at`` × target."""
    if target <= 0:
        raise ValueError("a response target must be more than 0 minutes")
    if elapsed <= target:
        return 100
    limit = zero_at * target
    if elapsed >= limit:
        return 0
    return round(100 * (limit - elapsed) / (limit - target))
