"""Response-time figures, measured the way social customer-care tools report them.

First-reply time per post (the first reply, private message or escalation), then the median and
the mean across posts that were answered (guidance S4: Sprout Social's team report, Zendesk's
first-reply-time SLA). Business-hours time is the default; ``office_time=False`` gives the
round-the-clock figure that tools show beside it. Posts never answered are not in these figures;
they are counted by :meth:`TimelineEngine.missed_posts` instead.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sandbox.timeline.engine import TimelineEngine

__all__ = ["ResponseSummary", "response_times", "summary"]


@dataclass(frozen=True, slots=True)
class ResponseSummary:
    """Median and mean first-reply time in minutes (None when nothing was answered), and how
    many posts they cover. Unpacks as ``median, mean, count = summary(...)``."""

    median: float | None
    mean: float | None
    count: int

    def __iter__(self) -> Iterator[float | int | None]:
        return iter((self.median, self.mean, self.count))


def response_times(engine: TimelineEngine, *, office_time: bool = True) -> dict[str, float]:
    """Post id -> minutes from the post appearing to its first response, in release order.

    With ``office_time`` (the default), minutes outside office hours do not count, except for
    emergencies, which are timed round the clock.
    """
    times: dict[str, float] = {}
    for post in engine.released:
        first = engine.first_response(post.id)
        if first is None:
            continue
        if office_time:
            times[post.id] = engine.elapsed_minutes(post.id, first.sim_at)
        else:
            times[post.id] = max(0.0, (first.sim_at - post.at).total_seconds() / 60.0)
    return times


def summary(times: Mapping[str, float] | Iterable[float]) -> ResponseSummary:
    """Median, mean and count of first-reply times (minutes)."""
    values = list(times.values()) if isinstance(times, Mapping) else list(times)
    if not values:
        return ResponseSummary(None, None, 0)
    return ResponseSummary(statistics.median(values), statistics.fmean(values), len(values))
