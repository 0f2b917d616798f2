"""The manager dashboard as plain data: one call gathers every figure for one filter.

Why one object: the screen, the PDF report and the CLI all show the same numbers, so they are
computed once here (Qt-free, testable) and only drawn differently.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.reports import queries as q
from sandbox.reports.framework import Framework
from sandbox.reports.passport import CompetencyStatus, Passport, evaluate_passport
from sandbox.reports.queries import FAMILIES, LONDON, ReportFilter, RiskCount

__all__ = [
    "DashboardData",
    "PersonProgress",
    "WeekScores",
    "load_dashboard",
    "load_passports",
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
    risks: list[RiskCount]
    people: list[PersonProgress]
    competencies_total: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        n = self.counts.get("attempts", 0)
        return None if n == 0 else self.counts.get("finished", 0) / n


def _week_start(moment: datetime) -> date:
    local = moment.astimezone(LONDON).date()
    return local - timedelta(days=local.weekday())


def _weekly(
    rows: list[tuple[Any, ...]], overrides: dict[str, list[tuple[str, int, datetime]]]
) -> tuple[list[WeekScores], dict[str, float | None]]:
    """Average family scores per week, after trainer overrides."""
    sums: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[date, int] = defaultdict(int)
    overall: dict[str, list[int]] = defaultdict(list)
    for aid, _pid, started, *scores in rows:
        by_family = dict(zip(("overall", *FAMILIES), scores, strict=True))
        for fam, new, _at in overrides.get(aid, ()):
            by_family[fam] = new
        week = _week_start(started)
        counts[week] += 1
        for fam in FAMILIES:
            s = by_family.get(fam)
            if s is not None:
                sums[week][fam].append(s)
                overall[fam].append(s)
    weekly = [
        WeekScores(
            week=w,
            attempts=counts[w],
            averages={f: (sum(v) / len(v) if (v := sums[w].get(f)) else None) for f in FAMILIES},
        )
        for w in sorted(counts)
    ]
    averages = {f: (sum(v) / len(v) if (v := overall.get(f)) else None) for f in FAMILIES}
    return weekly, averages


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


def load_dashboard(
    session: Session, flt: ReportFilter | None = None, *, framework: Framework | None = None
) -> DashboardData:
    """Every dashboard figure for one filter, with how long each query took."""
    flt = flt or ReportFilter()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        result = fn(*args)
        timings[name] = (time.perf_counter() - t0) * 1000
        return result

    counts = timed("counts", q.attempt_counts, session, flt)
    replies = timed("replies", q.reply_count, session, flt)
    score_rows = timed("scores", q.attempt_score_rows, session, flt)
    overrides = timed("overrides", q.attempt_overrides, session, flt)
    firsts = timed("first_reply", q.first_reply_minutes, session, flt)
    risks = timed("risks", q.top_risks, session, flt)
    people_raw = timed("people", q.people_rows, session, flt)

    t0 = time.perf_counter()
    weekly, fam_avgs = _weekly(score_rows, overrides)
    median, mean = q.median_mean([m for _, m in firsts])
    per_person: dict[str, list[float]] = defaultdict(list)
    for pid, minutes in firsts:
        per_person[pid].append(minutes)
    timings["python"] = (time.perf_counter() - t0) * 1000

    earned: dict[str, int] = {}
    if framework is not None:
        passports = timed(
            "passport",
            lambda: load_passports(
                session, framework, team=flt.team, profile_ids=[r[0] for r in people_raw]
            ),
        )
        earned = {p.profile_id: len(p.with_status(CompetencyStatus.earned)) for p in passports}

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
            first_reply_median=q.median_mean(per_person.get(r[0], []))[0],
            competencies_earned=earned.get(r[0], 0) if framework is not None else None,
        )
        for r in people_raw
    ]
    from sandbox.store.models import utcnow

    return DashboardData(
        filter=flt,
        generated_at=utcnow(),
        counts=counts,
        replies=replies,
        first_reply_median=median,
        first_reply_mean=mean,
        first_reply_count=len(firsts),
        weekly=weekly,
        family_averages=fam_avgs,
        risks=risks,
        people=people,
        competencies_total=len(framework.competencies) if framework else 0,
        timings_ms=timings,
    )
