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

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.orm import Session

from sandbox.store.models import (
    RESPONSE_KIND_VALUES,
    ActionRecord,
    Attempt,
    FindingRecord,
    Profile,
)

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
    "first_reply_minutes",
    "first_reply_times",
    "people_progress",
    "person_progress",
    "top_risk_findings",
    "weekly_family_scores",
]

FAMILIES: tuple[str, ...] = ("risk", "tone", "timing", "action")
# What answers a member of the public, for first-reply time (likes and hides do not): the
# timeline's definition, as stored strings. Reports use ActionRecord.first_response instead.
RESPONSE_KINDS: tuple[str, ...] = RESPONSE_KIND_VALUES
# Severities that count as a risk taken (info is advice, praise is credit).
RISK_SEVERITIES: tuple[str, ...] = ("error", "warning")

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
    # SQLite stores naive UTC text. Count whole weeks from a Monday (Julian day 2440584.5 is
    # Monday 29 December 1969, 00:00 UTC): one date parse per row instead of three.
    monday = 2440584.5
    weeks = cast((func.julianday(column) - monday) / 7, Integer)
    return func.date(monday + 7 * weeks)


def _month_start(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("month", func.timezone("UTC", column)))
    return func.date(column, literal_column("'start of month'"))


def _filters(
    time_column: Any,
    *,
    since: datetime | None,
    until: datetime | None,
    team: str | None,
    scenario_id: str | None,
) -> list[ColumnElement[bool]]:
    """Conditions for a period (on ``time_column``), a scenario and a team."""
    conds: list[ColumnElement[bool]] = []
    if since is not None:
        conds.append(time_column >= since)
    if until is not None:
        conds.append(time_column < until)
    if scenario_id is not None:
        conds.append(A.scenario_id == scenario_id)
    if team is not None:
        conds.append(A.profile_id.in_(select(P.id).where(P.team == team).scalar_subquery()))
    return conds


def _attempt_filters(**kw: Any) -> list[ColumnElement[bool]]:
    """Filters on attempts: the period is when the attempt started."""
    return _filters(A.started_at, **kw)


def _action_filters(**kw: Any) -> list[ColumnElement[bool]]:
    """Filters on actions: the period is when the action was recorded."""
    return _filters(R.wall_at, **kw)


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


def _first_responses_per_person(
    *columns: Any,
    since: datetime | None,
    until: datetime | None,
    team: str | None,
    scenario_id: str | None,
) -> Any:
    """``columns`` aggregated per person over the first responses of the filtered attempts.

    Driven from the attempts (by a filter's index when there is one; unfiltered, in profile
    order via ix_attempt_profile_started, so grouping by person needs no sort) into the
    ``ix_action_first_response`` covering index.
    """
    return (
        select(A.profile_id, *columns)
        .select_from(ATTEMPT)
        .join(ACTION, R.attempt_id == A.id)
        .where(
            R.first_response == true(),
            R.elapsed_minutes.is_not(None),
            *_attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id),
        )
        .group_by(A.profile_id)
    )


def first_reply_minutes(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    team: str | None = None,
    scenario_id: str | None = None,
) -> dict[str, list[float]]:
    """Per person: the office-time minutes of each first response in the filtered attempts.

    One row per person carrying that person's minutes as text (``'%!.17g'`` round-trips a
    double exactly): a few hundred rows instead of ~90,000 at 100,000 replies, which keeps
    row handling off the clock. For SQLite, which has no median aggregate (PostgreSQL callers
    aggregate in SQL instead); works on both engines.
    """
    if session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(cast(R.elapsed_minutes, Text), ",")  # shortest exact text
    else:
        joined = func.group_concat(func.printf("%!.17g", R.elapsed_minutes))
    stmt = _first_responses_per_person(
        joined, since=since, until=until, team=team, scenario_id=scenario_id
    )
    return {pid: list(map(float, got.split(","))) for pid, got in session.execute(stmt).all()}


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
    attempt (``ActionRecord.first_response``, stored when the action is written); posts never
    answered do not count. Slowest median first.

    One aggregate over the ``ix_action_first_response`` covering index: no per-post
    grouping. PostgreSQL takes exact medians itself (``percentile_cont``); SQLite, which has
    no median aggregate, hands back each person's minutes in one row and the median is taken
    here.
    """

    stats: dict[str, tuple[int, float | None, float | None]] = {}
    if session.get_bind().dialect.name == "postgresql":
        stmt = _first_responses_per_person(
            func.count(),
            func.percentile_cont(0.5).within_group(R.elapsed_minutes),
            func.avg(R.elapsed_minutes),
            since=since,
            until=until,
            team=team,
            scenario_id=scenario_id,
        )
        for pid, n, median, mean in session.execute(stmt):
            stats[pid] = (int(n), _avg(median), _avg(mean))
    else:
        minutes = first_reply_minutes(
            session, since=since, until=until, team=team, scenario_id=scenario_id
        )
        for pid, values in minutes.items():
            stats[pid] = (
                len(values),
                _avg(statistics.median(values)),
                _avg(statistics.fmean(values)),
            )
    if not stats:
        return []
    names = {
        pid: (name, team_name)
        for pid, name, team_name in session.execute(
            select(P.id, P.name, P.team).where(P.id.in_(list(stats)))
        )
    }
    out = [
        PersonTiming(pid, names[pid][0], names[pid][1], n, median, mean)
        for pid, (n, median, mean) in stats.items()
    ]
    out.sort(key=lambda t: (-(t.median_minutes or 0.0), t.name, t.profile_id))
    return out


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
    finding_conds = [F.family == "risk", F.severity.in_(RISK_SEVERITIES)]
    attempt_conds = _attempt_filters(since=since, until=until, team=team, scenario_id=scenario_id)
    conds = [*finding_conds, *attempt_conds]
    stmt = (
        select(
            F.rule,
            func.count(),
            func.count(func.distinct(A.profile_id)),
        )
        .select_from(FINDING)
        .join(ATTEMPT, A.id == F.attempt_id)
        .where(*conds)
        .group_by(F.rule)
        .order_by(func.count().desc(), F.rule)
        .limit(limit)
    )
    # The count reads only the covering index (plus the attempt for its person); the message
    # of each top rule is one index seek each rather than MAX(message) over every row.
    tops = session.execute(stmt).all()
    messages = {
        rule: session.execute(
            select(F.message).where(F.family == "risk", F.rule == rule).limit(1)
        ).scalar()
        or ""
        for rule, _n, _p in tops
    }
    if not tops or examples <= 0:
        return [RiskFinding(r, int(n), int(p), messages[r]) for r, n, p in tops]
    rules = [r for r, *_ in tops]
    picked = _latest_examples(session, rules, attempt_conds, finding_conds, examples)
    action_ids = [c[2] for chosen in picked.values() for c in chosen]
    texts: dict[str, str] = {}
    if action_ids:
        texts = {i: t for i, t in session.execute(select(R.id, R.text).where(R.id.in_(action_ids)))}
    pids = {c[3] for chosen in picked.values() for c in chosen}
    names: dict[str, str] = {}
    if pids:
        names = {i: n for i, n in session.execute(select(P.id, P.name).where(P.id.in_(list(pids))))}
    found: dict[str, list[RiskExample]] = {
        rule: [
            RiskExample(texts.get(aid, ""), match, names.get(pid, ""), sid, _aware(at))
            for _rule, match, aid, pid, sid, at in chosen
        ]
        for rule, chosen in picked.items()
    }
    return [
        RiskFinding(rule, int(n), int(p), messages[rule], tuple(found.get(rule, ())))
        for rule, n, p in tops
    ]


def _latest_examples(
    session: Session,
    rules: list[str],
    attempt_conds: list[ColumnElement[bool]],
    finding_conds: list[ColumnElement[bool]],
    per_rule: int,
) -> dict[str, list[tuple[Any, ...]]]:
    """Up to ``per_rule`` findings of each rule from the most recent attempts.

    Looks at the most recent few hundred attempts first (``started_at`` index), which finds
    examples of common rules without sorting every finding; a rule still short of examples
    (a rare one) gets its own query.
    """
    cols = (F.rule, F.match, F.action_id, A.profile_id, A.scenario_id, A.started_at)
    picked: dict[str, list[tuple[Any, ...]]] = {r: [] for r in rules}
    recent = (
        select(A.id)
        .where(*attempt_conds)
        .order_by(A.started_at.desc())
        .limit(max(200, per_rule * len(rules) * 10))
        .subquery("recent")
    )
    # Only the join on attempt_id in SQL, so the planner drives from the recent attempts;
    # the few thousand findings of those attempts are sorted out here.
    window = (
        select(*cols, F.family, F.severity)
        .select_from(recent)
        .join(ATTEMPT, A.id == recent.c.id)
        .join(FINDING, F.attempt_id == A.id)
        .order_by(A.started_at.desc(), F.id)
    )
    for row in session.execute(window):
        chosen = picked.get(row[0])
        if chosen is None or row[6] != "risk" or row[7] not in RISK_SEVERITIES:
            continue
        if len(chosen) < per_rule:
            chosen.append(tuple(row[:6]))
    base = (
        select(*cols)
        .select_from(ATTEMPT)
        .join(FINDING, F.attempt_id == A.id)
        .where(*attempt_conds, *finding_conds)
    )
    for rule, chosen in picked.items():
        if len(chosen) < per_rule:
            stmt = base.where(F.rule == rule).order_by(A.started_at.desc(), F.id).limit(per_rule)
            picked[rule] = [tuple(r) for r in session.execute(stmt)]
    return picked


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
