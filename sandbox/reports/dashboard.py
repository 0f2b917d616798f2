"""The manager dashboard as plain data: one call gathers every figure for one filter.

Why one object: the screen, the PDF report and the CLI all show the same numbers, so they are
computed once here (Qt-free, testable) and only drawn differently.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.reports import queries as q
from sandbox.reports.framework import Framework
from sandbox.reports.passport import (
    Passport,
    evaluate_passport,
    is_earned,
)
from sandbox.reports.queries import FAMILIES, ReportFilter, RiskFinding
from sandbox.store.models import utcnow

__all__ = [
    "DashboardData",
    "PersonProgress",
    "WeekScores",
    "clear_dashboard_cache",
    "load_dashboard",
    "load_passports",
    "refresh_dashboard",
]


@dataclass(frozen=True)
class WeekScores:
    """Average score per family for attempts started in the week beginning ``week``."""

    week: date
    attempts: int
    averages: dict[str, float | None]


@dataclass(frozen=True)
class PersonProgress:
    profile_id: str
    name: str
    team: str | None
    attempts: int
    finished: int
    assessments: int
    passed: int
    average_overall: float | None
    last_activity: datetime | None
    scenarios_finished: int
    first_reply_median: float | None
    competencies_earned: int | None = None  # None when no framework was given


@dataclass(frozen=True)
class DashboardData:
    filter: ReportFilter
    generated_at: datetime
    counts: dict[str, int]
    replies: int
    first_reply_median: float | None
    first_reply_mean: float | None
    first_reply_count: int
    weekly: list[WeekScores]
    family_averages: dict[str, float | None]
    risks: list[RiskFinding]
    people: list[PersonProgress]
    competencies_total: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        n = self.counts.get("attempts", 0)
        return None if n == 0 else self.counts.get("finished", 0) / n


def _weekly(
    sums: list[tuple[Any, ...]],
    overridden: list[tuple[datetime, dict[str, int | None], dict[str, int]]],
) -> tuple[list[WeekScores], dict[str, float | None]]:
    """Average family scores per week, corrected for trainer overrides.

    The database sums scores as scored; each overridden attempt then swaps its old value for
    the trainer's in its week's sum (and count, when there was no score before).
    """
    weeks: dict[date, dict[str, list[float]]] = {}
    counts: dict[date, int] = {}
    for week, n, *pairs in sums:
        counts[week] = int(n)
        weeks[week] = {
            fam: [float(pairs[2 * i] or 0), float(pairs[2 * i + 1] or 0)]
            for i, fam in enumerate(FAMILIES)
        }
    for started, scored, latest in overridden:
        week = q.week_of(started)
        if week not in weeks:
            continue
        for fam, new in latest.items():
            if fam not in weeks[week]:
                continue  # "overall" is not charted
            total = weeks[week][fam]
            old = scored.get(fam)
            if old is None:
                total[0] += new
                total[1] += 1
            else:
                total[0] += new - old
    weekly = [
        WeekScores(
            week=w,
            attempts=counts[w],
            averages={f: (s / c if c else None) for f, (s, c) in weeks[w].items()},
        )
        for w in sorted(weeks)
    ]
    averages: dict[str, float | None] = {}
    for fam in FAMILIES:
        s = sum(weeks[w][fam][0] for w in weeks)
        c = sum(weeks[w][fam][1] for w in weeks)
        averages[fam] = s / c if c else None
    return weekly, averages


def earned_counts(
    session: Session, framework: Framework, profile_ids: list[str] | None
) -> dict[str, int]:
    """Competencies earned per person (everyone when ``profile_ids`` is None), from
    signed-off assessments only (fast)."""
    scenario_ids = sorted({s for c in framework.competencies for s in c.scenarios})
    facts = q.attempt_facts(
        session, profile_ids=profile_ids, scenario_ids=scenario_ids, signed_off_only=True
    )
    by_person: dict[str, list[Any]] = defaultdict(list)
    for f in facts:
        by_person[f.profile_id].append(f)
    return {
        pid: sum(is_earned(c, items) for c in framework.competencies)
        for pid, items in by_person.items()
    }


def load_passports(
    session: Session,
    framework: Framework,
    *,
    team: str | None = None,
    profile_ids: list[str] | None = None,
) -> list[Passport]:
    """Passports of trainees (optionally one team or some people), sorted by name."""
    P = q.P
    stmt = select(P.id, P.name, P.team).where(P.role == "trainee", P.archived.is_(False))
    if team:
        stmt = stmt.where(P.team == team)
    if profile_ids is not None:
        stmt = stmt.where(P.id.in_(profile_ids))
    people = session.execute(stmt.order_by(P.name)).all()
    facts = q.attempt_facts(session, team=team, profile_ids=profile_ids)
    by_person: dict[str, list[Any]] = defaultdict(list)
    for f in facts:
        by_person[f.profile_id].append(f)
    return [
        evaluate_passport(framework, by_person.get(pid, []), profile_id=pid, name=name, team=t)
        for pid, name, t in people
    ]


# The queries, in two lanes of about equal cost: refresh_dashboard runs them on two
# connections at once (both engines release the GIL while they work), load_dashboard in turn.
# Measured at 100,000 replies on SQLite: first-reply times ~110 ms once the first response is
# stored per action (it was ~230 ms), top risks ~80, passport ~70, people ~25, the rest ~10 each.
_LANE_A = ("first_reply", "replies", "scores", "overrides")
_LANE_B = ("counts", "risks", "people", "passport")


def _run_lane(
    session: Session,
    names: tuple[str, ...],
    flt: ReportFilter,
    framework: Framework | None,
    earned_key: tuple[Any, ...] | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:
    queries: dict[str, Any] = {
        "counts": q.attempt_counts,
        "replies": q.reply_count,
        "scores": q.weekly_score_sums,
        "overrides": q.overridden_attempts,
        "first_reply": q.first_reply_buckets,
        "risks": q.top_risks,
        "people": q.people_rows,
    }
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in names:
        t0 = time.perf_counter()
        if name == "passport":
            people = [r[0] for r in results.get("people") or []]
            if framework is None:
                results[name] = {}
            elif earned_key is None:
                results[name] = earned_counts(session, framework, people)
            else:  # the passport is all-time: one count for everyone serves every filter
                with _CACHE_LOCK:
                    everyone = _EARNED.get(earned_key)
                if everyone is None:
                    everyone = earned_counts(session, framework, None)
                    with _CACHE_LOCK:
                        _EARNED.clear()
                        _EARNED[earned_key] = everyone
                results[name] = {pid: everyone.get(pid, 0) for pid in people}
        else:
            results[name] = queries[name](session, flt)
        timings[name] = (time.perf_counter() - t0) * 1000
    return results, timings


def load_dashboard(
    session: Session, flt: ReportFilter | None = None, *, framework: Framework | None = None
) -> DashboardData:
    """Every dashboard figure for one filter on one session, with how long each query took."""
    flt = flt or ReportFilter()
    results, timings = _run_lane(session, _LANE_A + _LANE_B, flt, framework)
    return _assemble(flt, framework, results, timings)


_CACHE: OrderedDict[tuple[Any, ...], DashboardData] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16
_EARNED: dict[tuple[Any, ...], dict[str, int]] = {}


def clear_dashboard_cache(*, keep_passports: bool = False) -> None:
    """Forget kept figures (``keep_passports``: only the per-filter ones)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        if not keep_passports:
            _EARNED.clear()


def refresh_dashboard(
    db: Any,
    flt: ReportFilter | None = None,
    *,
    framework: Framework | None = None,
    use_cache: bool = True,
) -> DashboardData:
    """Like :func:`load_dashboard`, but on two connections at once (what the screen uses).

    ``db`` is an open :class:`sandbox.store.db.Database`. Results are kept per filter while
    :func:`~sandbox.reports.queries.data_fingerprint` says nothing has changed, so pressing
    Refresh, or going back to an earlier filter, costs one small query.
    """
    from concurrent.futures import ThreadPoolExecutor

    flt = flt or ReportFilter()
    key: tuple[Any, ...] | None = None
    earned_key: tuple[Any, ...] | None = None
    if use_cache:
        t0 = time.perf_counter()
        with db.session() as session:
            fingerprint = q.data_fingerprint(session)
        key = (db.url, flt, framework, fingerprint)
        earned_key = (db.url, framework, fingerprint)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
        if hit is not None:
            checked = {"unchanged data (cached)": (time.perf_counter() - t0) * 1000}
            return replace(hit, timings_ms=checked, generated_at=utcnow())

    def lane(names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, float]]:
        with db.session() as session:
            return _run_lane(session, names, flt, framework, earned_key)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard") as pool:
        second = pool.submit(lane, _LANE_B)
        results, timings = lane(_LANE_A)
        more, more_timings = second.result()
    results.update(more)
    timings.update(more_timings)
    data = _assemble(flt, framework, results, timings)
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = data
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return data


def _assemble(
    flt: ReportFilter,
    framework: Framework | None,
    results: dict[str, Any],
    timings: dict[str, float],
) -> DashboardData:
    t0 = time.perf_counter()
    weekly, fam_avgs = _weekly(results["scores"], results["overrides"])
    overall: dict[int, list[float]] = {}
    per_person: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for pid, minute, count, total in results["first_reply"]:
        per_person[pid].append((minute, count, total))
        acc = overall.setdefault(minute, [0, 0.0])
        acc[0] += count
        acc[1] += total
    merged = [(m, int(c), t) for m, (c, t) in overall.items()]
    median, mean = q.median_mean_from_buckets(merged)
    earned: dict[str, int] = results.get("passport") or {}
    people = [
        PersonProgress(
            profile_id=r[0],
            name=r[1],
            team=r[2],
            attempts=int(r[3] or 0),
            finished=int(r[4] or 0),
            assessments=int(r[5] or 0),
            passed=int(r[6] or 0),
            average_overall=float(r[7]) if r[7] is not None else None,
            last_activity=r[8],
            scenarios_finished=int(r[9] or 0),
            first_reply_median=q.median_from_buckets(per_person.get(r[0], [])),
            competencies_earned=earned.get(r[0], 0) if framework is not None else None,
        )
        for r in results["people"]
    ]
    timings["python"] = (time.perf_counter() - t0) * 1000
    return DashboardData(
        filter=flt,
        generated_at=utcnow(),
        counts=results["counts"],
        replies=results["replies"],
        first_reply_median=median,
        first_reply_mean=mean,
        first_reply_count=sum(c for _, c, _ in merged),
        weekly=weekly,
        family_averages=fam_avgs,
        risks=results["risks"],
        people=people,
        competencies_total=len(framework.competencies) if framework else 0,
        timings_ms=timings,
    )
