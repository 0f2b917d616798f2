"""The aggregate queries the manager screens need, as plain data.

Why the shape: each function is one SQL statement (two for risk examples) that the database
aggregates itself, so a dashboard over 100,000 replies moves a few dozen rows, not the replies.
Medians and week buckets are computed in SQL with constructs both SQLite (3.25+) and
PostgreSQL understand (window functions; a per-dialect week expression). Weeks start on
Monday, in UTC. ``bench/bench_store.py`` times every function here against 100,000 replies.

Filters: ``since``/``until`` bound attempt start (attempt queries) or action time (reply
queries) as [since, until); ``team`` is the profile's team; ``scenario_id`` the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from sandbox.store.models import ActionRecord, Attempt, FindingRecord, Profile

__all__ = [
    "FAMILIES",
    "PersonProgress",
    "PersonTiming",
    "ProgressPoint",
    "RiskExample",
    "RiskFinding",
    "ScenarioCount",
    "WeeklyScores",
    "attempts_per_period",
    "attempts_per_scenario",
    "first_reply_times",
    "people_progress",
    "person_progress",
    "top_risk_findings",
    "weekly_family_scores",
]

FAMILIES: tuple[str, ...] = ("risk", "tone", "timing", "action")
# What answers a member of the public, for first-reply time (likes and hides do not).
RESPONSE_KINDS: tuple[str, ...] = ("reply", "private_message", "escalate")

A = Attempt.__table__.c  # type: ignore[attr-defined]
R = ActionRecord.__table__.c  # type: ignore[attr-defined]
F = FindingRecord.__table__.c  # type: ignore[attr-defined]
P = Profile.__table__.c  # type: ignore[attr-defined]
ATTEMPT = Attempt.__table__  # type: ignore[attr-defined]
ACTION = ActionRecord.__table__  # type: ignore[attr-defined]
FINDING = FindingRecord.__table__  # type: ignore[attr-defined]
PROFILE = Profile.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class ScenarioCount:
    scenario_id: str
    title: str
    attempts: int
    finished: int
    people: int
    average_overall: float | None


@dataclass(frozen=True)
class WeeklyScores:
    week_start: date  # a Monday
    replies: int
    overall: float | None
    risk: float | None
    tone: float | None
    timing: float | None
    action: float | None


@dataclass(frozen=True)
class PersonTiming:
    profile_id: str
    name: str
    team: str | None
    posts_answered: int
    median_minutes: float | None
    mean_minutes: float | None


@dataclass(frozen=True)
class RiskExample:
    text: str
    match: str
    person: str
    scenario_id: str
    at: datetime


@dataclass(frozen=True)
class RiskFinding:
    rule: str
    count: int
    people: int
    message: str
    examples: tuple[RiskExample, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProgressPoint:
    attempt_id: str
    scenario_id: str
    mode: str
    started_at: datetime
    overall: int | None
    risk: int | None
    tone: int | None
    timing: int | None
    action: int | None


@dataclass(frozen=True)
class PersonProgress:
    profile_id: str
    name: str
    team: str | None
    attempts: int
    finished: int
    first_overall: float | None  # average of their earliest finished attempt(s) of the period
    average_overall: float | None
    best_overall: int | None
    last_attempt_at: datetime | None


# --------------------------------------------------------------------------- helpers


def _aware(value: Any) -> Any:
    """Aggregates (MAX) of a datetime come back as text/naive from SQLite: make them aware."""
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _week_start(session: Session, column: Any) -> ColumnElement[Any]:
    """The Monday (UTC) of the week a timestamp falls in, per dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    # SQLite stores naive UTC text; weekday 0 is Sunday, so step back (w + 6) % 7 days.
    offset = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, func.printf("-%d days", offset))


def _month_start(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("month", func.timezone("UTC", column)))
    return func.date(column, literal_column("'start of month'"))


def _attempt_filters(
    *,
    since: datetime | None,
    until: datetime | None,
    team: str | None,
    scenario_id: str | None,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if since is not None:
        conds.append(A.started_at >= since)
    if until is not None:
        conds.append(A.started_at < until)
    if scenario_id is not None:
        conds.append(A.scenario_id == scenario_id)
    if team is not None:
        conds.append(A.profile_id.in_(select(P.id).where(P.team == team).scalar_subquery()))
    return conds


def _action_filters(
    *,
    since: datetime | None,
    until: datetime | None,
    team: str | None,
    scenario_id: str | None,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if since is not None:
        conds.append(R.wall_at >= since)
    if until is not None:
        conds.append(R.wall_at < until)
    if scenario_id is not None:
        conds.append(A.scenario_id == scenario_id)
    if team is not None:
        conds.append(A.profile_id.in_(select(P.id).where(P.team == team).scalar_subquery()))
    return conds


def _avg(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


# --------------------------------------------------------------------------- attempts


def attempts_per_scenario(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
) -> list[ScenarioCount]:
    """Attempts, finishes, people and average overall score per scenario, busiest first."""
    finished = A.status == "finished"
    stmt = (
        select(
            A.scenario_id,
            func.max(A.scenario_title),
            func.count(),
            func.sum(case((finished, 1), else_=0)),
            func.count(func.distinct(A.profile_id)),
            func.avg(case((finished, A.score_overall), else_=None)),
        )
        .where(and_(True, *_attempt_filters(since=since, until=until, team=team, scenario_id=None)))
        .group_by(A.scenario_id)
        .order_by(func.count().desc(), A.scenario_id)
    )
    return [
        ScenarioCount(sid, title or sid, int(n), int(done or 0), int(people), _avg(avg))
        for sid, title, n, done, people, avg in session.execute(stmt)
    ]


def attempts_per_period(
    session: Session,
    *,
    period: str = "week",
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> list[tuple[date, int]]:
    """(period start, attempts started) for each week (Monday) or month with any attempts."""
    if period not in ("week", "month"):
        raise ValueError("period must be 'week' or 'month'")
    bucket = (_week_start if period == "week" else _month_start)(session, A.started_at)
    stmt = (
        select(bucket.label("bucket"), func.count())
        .where(
            and_(
                True,
                *_attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id),
            )
        )
        .group_by(literal_column("bucket"))
        .order_by(literal_column("bucket"))
    )
    return [(_as_date(b), int(n)) for b, n in session.execute(stmt)]


# --------------------------------------------------------------------------- replies


def weekly_family_scores(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> list[WeeklyScores]:
    """Average score of each family over the replies made each week (as scored at the time)."""
    bucket = _week_start(session, R.wall_at)
    stmt = (
        select(
            bucket.label("bucket"),
            func.count(),
            func.avg(R.score_overall),
            *[func.avg(getattr(R, f"score_{f}")) for f in FAMILIES],
        )
        .select_from(ACTION)
        .where(R.score_overall.is_not(None))
    )
    conds = _action_filters(since=since, until=until, team=team, scenario_id=scenario_id)
    if team is not None or scenario_id is not None:
        stmt = stmt.join(ATTEMPT, A.id == R.attempt_id)
    stmt = stmt.where(and_(True, *conds))
    stmt = stmt.group_by(literal_column("bucket")).order_by(literal_column("bucket"))
    return [
        WeeklyScores(_as_date(b), int(n), _avg(o), _avg(r), _avg(t), _avg(ti), _avg(ac))
        for b, n, o, r, t, ti, ac in session.execute(stmt)
    ]


def first_reply_times(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> list[PersonTiming]:
    """Per person: median and mean office-time minutes to the first response to each post.

    The first response to a post is the earliest reply, private message or escalation in that
    attempt; posts never answered do not count. Slowest median first.
    """
    firsts = (
        select(A.profile_id.label("profile_id"), func.min(R.elapsed_minutes).label("m"))
        .select_from(ACTION)
        .join(ATTEMPT, A.id == R.attempt_id)
        .where(
            R.kind.in_(RESPONSE_KINDS),
            R.elapsed_minutes.is_not(None),
            *_attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id),
        )
        .group_by(R.attempt_id, R.post_id, A.profile_id)
        .subquery("firsts")
    )
    ranked = select(
        firsts.c.profile_id,
        firsts.c.m,
        func.row_number().over(partition_by=firsts.c.profile_id, order_by=firsts.c.m).label("rn"),
        func.count().over(partition_by=firsts.c.profile_id).label("n"),
    ).subquery("ranked")
    # the middle one (odd n) or the mean of the middle two (even n); integer division
    lo = (ranked.c.n + 1) // 2
    hi = (ranked.c.n + 2) // 2
    per_person = (
        select(
            ranked.c.profile_id,
            func.count().label("n"),
            func.avg(case((ranked.c.rn.in_([lo, hi]), ranked.c.m), else_=None)).label("median"),
            func.avg(ranked.c.m).label("mean"),
        )
        .group_by(ranked.c.profile_id)
        .subquery("per_person")
    )
    stmt = (
        select(P.id, P.name, P.team, per_person.c.n, per_person.c.median, per_person.c.mean)
        .join(per_person, per_person.c.profile_id == P.id)
        .order_by(per_person.c.median.desc(), P.name)
    )
    return [
        PersonTiming(pid, name, team_name, int(n), _avg(med), _avg(mean))
        for pid, name, team_name, n, med, mean in session.execute(stmt)
    ]


def top_risk_findings(
    session: Session,
    *,
    limit: int = 10,
    examples: int = 3,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> list[RiskFinding]:
    """The most frequent risk findings (errors and warnings) with the latest examples of each."""
    conds = [
        F.family == "risk",
        F.severity.in_(("error", "warning")),
        *_attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id),
    ]
    stmt = (
        select(
            F.rule,
            func.count(),
            func.count(func.distinct(A.profile_id)),
            func.max(F.message),
        )
        .select_from(FINDING)
        .join(ATTEMPT, A.id == F.attempt_id)
        .where(*conds)
        .group_by(F.rule)
        .order_by(func.count().desc(), F.rule)
        .limit(limit)
    )
    tops = session.execute(stmt).all()
    if not tops or examples <= 0:
        return [RiskFinding(r, int(n), int(p), m or "") for r, n, p, m in tops]
    rules = [r for r, *_ in tops]
    ranked = (
        select(
            F.rule.label("rule"),
            F.match.label("match"),
            F.action_id.label("action_id"),
            A.profile_id.label("profile_id"),
            A.scenario_id.label("scenario_id"),
            func.row_number()
            .over(partition_by=F.rule, order_by=(A.started_at.desc(), F.id))
            .label("rn"),
        )
        .select_from(FINDING)
        .join(ATTEMPT, A.id == F.attempt_id)
        .where(F.rule.in_(rules), *conds)
        .subquery("ranked")
    )
    ex_stmt = (
        select(ranked.c.rule, R.text, ranked.c.match, P.name, ranked.c.scenario_id, R.wall_at)
        .select_from(ranked)
        .join(ACTION, R.id == ranked.c.action_id)
        .join(PROFILE, P.id == ranked.c.profile_id)
        .where(ranked.c.rn <= examples)
        .order_by(ranked.c.rule, ranked.c.rn)
    )
    found: dict[str, list[RiskExample]] = {}
    for rule, text, match, person, sid, at in session.execute(ex_stmt):
        found.setdefault(rule, []).append(RiskExample(text, match, person, sid, _aware(at)))
    return [
        RiskFinding(rule, int(n), int(p), m or "", tuple(found.get(rule, ())))
        for rule, n, p, m in tops
    ]


# --------------------------------------------------------------------------- people


def people_progress(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> list[PersonProgress]:
    """One row per person with attempts in the period: how many, and how their scores moved."""
    finished = A.status == "finished"
    conds = _attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id)
    first_started = (
        select(A.profile_id.label("pid"), func.min(A.started_at).label("first"))
        .where(finished, *conds)
        .group_by(A.profile_id)
        .subquery("first_started")
    )
    first_score = (
        select(first_started.c.pid, func.avg(A.score_overall).label("score"))
        .join(
            ATTEMPT,
            and_(A.profile_id == first_started.c.pid, A.started_at == first_started.c.first),
        )
        .where(finished)
        .group_by(first_started.c.pid)
        .subquery("first_score")
    )
    stmt = (
        select(
            P.id,
            P.name,
            P.team,
            func.count(A.id),
            func.sum(case((finished, 1), else_=0)),
            func.max(first_score.c.score),
            func.avg(case((finished, A.score_overall), else_=None)),
            func.max(case((finished, A.score_overall), else_=None)),
            func.max(A.started_at),
        )
        .select_from(ATTEMPT)
        .join(PROFILE, P.id == A.profile_id)
        .outerjoin(first_score, first_score.c.pid == P.id)
        .where(*conds)
        .group_by(P.id, P.name, P.team)
        .order_by(P.name, P.id)
    )
    return [
        PersonProgress(
            pid,
            name,
            team_name,
            int(n),
            int(done or 0),
            _avg(first),
            _avg(avg),
            None if best is None else int(best),
            _aware(last),
        )
        for pid, name, team_name, n, done, first, avg, best, last in session.execute(stmt)
    ]


def person_progress(session: Session, *, profile_id: str) -> list[ProgressPoint]:
    """One person's finished attempts in time order: the line on their progress chart."""
    stmt = (
        select(
            A.id,
            A.scenario_id,
            A.mode,
            A.started_at,
            A.score_overall,
            *[getattr(A, f"score_{f}") for f in FAMILIES],
        )
        .where(A.profile_id == profile_id, A.status == "finished")
        .order_by(A.started_at, A.id)
    )
    return [
        ProgressPoint(aid, sid, mode, _aware(at), o, r, t, ti, ac)
        for aid, sid, mode, at, o, r, t, ti, ac in session.execute(stmt)
    ]
