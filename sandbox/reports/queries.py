"""Report-specific database queries: the dashboard, the passport facts and the reply export.

Why the shape: every dashboard figure is one aggregate query (or one narrow fetch) filtered the
same way, so a refresh over 100,000 replies stays a handful of index-friendly statements on both
SQLite and PostgreSQL. Weekly buckets, medians and trainer overrides are applied in Python on
small result sets, which keeps the SQL portable between the two engines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    Select,
    Table,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.orm import Session

from sandbox.reports.passport import AttemptFacts, FindingFact, OverrideFact
from sandbox.store import queries as store_queries
from sandbox.store.models import (
    RESPONSE_KIND_VALUES,
    ActionRecord,
    Attempt,
    FindingRecord,
    Profile,
    ScoreOverride,
)
from sandbox.store.queries import RiskExample, RiskFinding

__all__ = [
    "FAMILIES",
    "REPLY_COLUMNS",
    "RESPONSE_KINDS",
    "ReportFilter",
    "RiskExample",
    "RiskFinding",
    "attempt_facts",
    "count_reply_rows",
    "filter_options",
    "first_reply_buckets",
    "iter_reply_rows",
]

LONDON = ZoneInfo("Europe/London")
FAMILIES: tuple[str, ...] = ("risk", "tone", "timing", "action")
# A "reply" for first-reply time: anything that answers the person (Sprout/Zendesk count these);
# the timeline's definition, which ActionRecord.first_response is stored by.
RESPONSE_KINDS: tuple[str, ...] = RESPONSE_KIND_VALUES

ATTEMPT: Table = Attempt.__table__  # type: ignore[attr-defined]
ACTION: Table = ActionRecord.__table__  # type: ignore[attr-defined]
FINDING: Table = FindingRecord.__table__  # type: ignore[attr-defined]
PROFILE: Table = Profile.__table__  # type: ignore[attr-defined]
OVERRIDE: Table = ScoreOverride.__table__  # type: ignore[attr-defined]
A = ATTEMPT.c
R = ACTION.c
F = FINDING.c
P = PROFILE.c
O = OVERRIDE.c  # noqa: E741


@dataclass(frozen=True)
class ReportFilter:
    """What a manager narrowed the report to. Dates are local (Europe/London), inclusive."""

    team: str | None = None
    scenario_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = [
            f"team {self.team}" if self.team else "all teams",
            f"scenario {self.scenario_id}" if self.scenario_id else "all scenarios",
        ]
        if self.date_from or self.date_to:
            a = self.date_from.strftime("%d %b %Y") if self.date_from else "the start"
            b = self.date_to.strftime("%d %b %Y") if self.date_to else "today"
            parts.append(f"{a} to {b}")
        else:
            parts.append("all dates")
        return ", ".join(parts)

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC instants: [start of date_from, start of the day after date_to)."""
        lo = hi = None
        if self.date_from:
            lo = datetime.combine(self.date_from, time(0), LONDON).astimezone(UTC)
        if self.date_to:
            hi = datetime.combine(self.date_to + timedelta(days=1), time(0), LONDON).astimezone(UTC)
        return lo, hi


def apply_filter(stmt: Any, flt: ReportFilter) -> Any:
    """Restrict a statement that already selects from ``attempt`` (joined as needed)."""
    conds = []
    if flt.scenario_id:
        conds.append(A.scenario_id == flt.scenario_id)
    lo, hi = flt.bounds()
    if lo is not None:
        conds.append(A.started_at >= lo)
    if hi is not None:
        conds.append(A.started_at < hi)
    if flt.team:
        conds.append(A.profile_id.in_(select(P.id).where(P.team == flt.team).scalar_subquery()))
    return stmt.where(and_(*conds)) if conds else stmt


# --------------------------------------------------------------------------- freshness


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap summary that changes whenever a dashboard figure could change.

    New replies and attempts change counts and latest times; finishing or abandoning an attempt
    sets its end time; reviews, overrides, profile changes and imports are audited.
    """
    audit = table("audit_log", column("at"))
    row = session.execute(
        select(
            select(func.count()).select_from(ACTION).scalar_subquery(),
            select(func.max(R.wall_at)).scalar_subquery(),
            select(func.count()).select_from(ATTEMPT).scalar_subquery(),
            select(func.max(A.started_at)).scalar_subquery(),
            select(func.max(A.ended_at)).scalar_subquery(),
            select(func.count())
            .select_from(ATTEMPT)
            .where(A.status == "finished")
            .scalar_subquery(),
            select(func.count()).select_from(OVERRIDE).scalar_subquery(),
            select(func.count()).select_from(PROFILE).scalar_subquery(),
            select(func.count()).select_from(audit).scalar_subquery(),
            select(func.max(audit.c.at)).scalar_subquery(),
        )
    ).one()
    return tuple(str(v) for v in row)


# --------------------------------------------------------------------------- options


def filter_options(session: Session) -> tuple[list[str], list[tuple[str, str]]]:
    """Teams (of trainees) and scenarios (id, title) that appear in the data."""
    teams = [
        t
        for (t,) in session.execute(
            select(P.team)
            .where(P.team.is_not(None), P.role == "trainee")
            .distinct()
            .order_by(P.team)
        )
    ]
    rows = session.execute(
        select(A.scenario_id, func.max(A.scenario_title))
        .group_by(A.scenario_id)
        .order_by(A.scenario_id)
    ).all()
    return teams, [(sid, title or sid) for sid, title in rows]


# --------------------------------------------------------------------------- dashboard pieces


def attempt_counts(session: Session, flt: ReportFilter) -> dict[str, int]:
    """Attempts by status, assessments, assessments signed off as passed, and the people."""
    stmt = select(
        func.count(),
        func.sum(case((A.status == "finished", 1), else_=0)),
        func.sum(case((A.status == "in_progress", 1), else_=0)),
        func.sum(case((A.status == "abandoned", 1), else_=0)),
        func.sum(case((A.mode == "assessment", 1), else_=0)),
        func.sum(case((and_(A.mode == "assessment", A.outcome == "passed"), 1), else_=0)),
        func.count(func.distinct(A.profile_id)),
    ).select_from(ATTEMPT)
    row = session.execute(apply_filter(stmt, flt)).one()
    keys = ("attempts", "finished", "in_progress", "abandoned", "assessments", "passed", "people")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def _week_start(session: Session, column: Any) -> Any:
    """The Monday (UTC) of the week a timestamp falls in, per dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    # SQLite stores naive UTC text; %w is 0 on Sunday, so step back (w + 6) % 7 days.
    offset = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, func.printf("-%d days", offset))


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of a moment's week, as :func:`_week_start` computes it in SQL."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def weekly_score_sums(session: Session, flt: ReportFilter) -> list[tuple[Any, ...]]:
    """Per week of finished attempts: (week, attempts, then sum and count of each family)."""
    bucket = _week_start(session, A.started_at).label("bucket")
    cols: list[Any] = [bucket, func.count()]
    for fam in FAMILIES:
        column = getattr(A, f"score_{fam}")
        cols += [func.sum(column), func.count(column)]
    stmt = (
        select(*cols)
        .where(A.status == "finished")
        .group_by(literal_column("bucket"))
        .order_by(literal_column("bucket"))
    )
    return [(_as_date(r[0]), *r[1:]) for r in session.execute(apply_filter(stmt, flt))]


def overridden_attempts(
    session: Session, flt: ReportFilter
) -> list[tuple[datetime, dict[str, int | None], dict[str, int]]]:
    """Finished attempts with attempt-level overrides: (started, as scored, latest overrides)."""
    stmt = (
        select(A.id, A.started_at, *[getattr(A, f"score_{f}") for f in FAMILIES], O.family, O.new)
        .select_from(OVERRIDE)
        .join(ATTEMPT, A.id == O.attempt_id)
        .where(O.action_id.is_(None), A.status == "finished")
        .order_by(O.at)
    )
    found: dict[str, tuple[datetime, dict[str, int | None], dict[str, int]]] = {}
    for row in session.execute(apply_filter(stmt, flt)):
        aid, started = row[0], row[1]
        if aid not in found:
            found[aid] = (started, dict(zip(FAMILIES, row[2:6], strict=True)), {})
        found[aid][2][row[6]] = int(row[7])  # ordered by time: the latest wins
    return list(found.values())


def first_reply_buckets(session: Session, flt: ReportFilter) -> list[tuple[str, int, int, float]]:
    """First-reply times as a per-person histogram: (profile_id, whole minute, count, sum).

    The first response to a post is the earliest reply, private message or escalation to it in
    an attempt, flagged when stored (``ActionRecord.first_response``, as
    ``sandbox.store.queries.first_reply_times`` uses it), so this is one aggregate over the
    ``ix_action_first_response`` covering index. Returning one row per person and minute
    instead of one per post keeps the transfer small at 100,000 replies; means stay exact
    (sums) and medians are exact to within a minute. (On SQLite, fetching each person's
    minutes in one row and counting them in Python measured ~10% slower than this.)
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    # On SQLite, joining on ``attempt.id || ''`` (same value, no index) makes the planner walk
    # the attempts a filter selects and seek their first responses, instead of scanning every
    # first response and looking up its attempt (half the time for "last 90 days").
    attempt_key: Any = A.id.op("||")(literal("")) if sqlite else A.id
    firsts = (
        select(A.profile_id.label("pid"), R.elapsed_minutes.label("m"))
        .select_from(ATTEMPT)
        .join(ACTION, R.attempt_id == attempt_key)
        .where(R.first_response == true(), R.elapsed_minutes.is_not(None))
    )
    firsts = apply_filter(firsts, flt).subquery("firsts")
    if not sqlite:
        minute: Any = cast(func.floor(firsts.c.m), Integer)
    else:  # SQLite's CAST truncates, which is floor for these non-negative minutes
        minute = cast(firsts.c.m, Integer)
    stmt = select(
        firsts.c.pid, minute.label("minute"), func.count(), func.sum(firsts.c.m)
    ).group_by(firsts.c.pid, literal_column("minute"))
    return [(pid, int(b), int(n), float(total)) for pid, b, n, total in session.execute(stmt)]


def median_from_buckets(buckets: Sequence[tuple[int, int, float]]) -> float | None:
    """Median of values summarised as (whole minute, count, sum) buckets.

    A value at a given rank is taken as its bucket's mean: exact when the bucket holds one
    distinct value, and never more than a minute out.
    """
    ordered = sorted(buckets)
    n = sum(c for _, c, _ in ordered)
    if n == 0:
        return None

    def at(rank: int) -> float:
        seen = 0
        for _, count, total in ordered:
            seen += count
            if rank < seen:
                return total / count
        return ordered[-1][2] / ordered[-1][1]

    lo, hi = (n - 1) // 2, n // 2
    return at(lo) if lo == hi else (at(lo) + at(hi)) / 2


def reply_count(session: Session, flt: ReportFilter) -> int:
    """Actions recorded in the filtered attempts."""
    if not (flt.team or flt.scenario_id or flt.date_from or flt.date_to):
        # every filter is on the attempt; with none, the actions alone (a smaller index) answer
        return int(session.execute(select(func.count()).select_from(ACTION)).scalar_one() or 0)
    stmt = select(func.count()).select_from(ACTION).join(ATTEMPT, A.id == R.attempt_id)
    return int(session.execute(apply_filter(stmt, flt)).scalar_one() or 0)


def top_risks(
    session: Session, flt: ReportFilter, *, limit: int = 8, examples: int = 2
) -> list[RiskFinding]:
    """The most frequent risk findings (errors and warnings) with their latest examples.

    The storage layer's query (``sandbox.store.queries.top_risk_findings``), with our filter.
    """
    lo, hi = flt.bounds()
    return store_queries.top_risk_findings(
        session,
        limit=limit,
        examples=examples,
        since=lo,
        until=hi,
        team=flt.team,
        scenario_id=flt.scenario_id,
    )


def people_rows(session: Session, flt: ReportFilter) -> list[tuple[Any, ...]]:
    """Per person: id, name, team, attempts, finished, assessments, passed, avg overall, last."""
    stmt = (
        select(
            P.id,
            P.name,
            P.team,
            func.count(A.id),
            func.sum(case((A.status == "finished", 1), else_=0)),
            func.sum(case((A.mode == "assessment", 1), else_=0)),
            func.sum(case((and_(A.mode == "assessment", A.outcome == "passed"), 1), else_=0)),
            func.avg(case((A.status == "finished", A.score_overall), else_=None)),
            func.max(A.started_at),
            func.count(func.distinct(case((A.status == "finished", A.scenario_id), else_=None))),
        )
        .select_from(ATTEMPT)
        .join(PROFILE, P.id == A.profile_id)
        .group_by(P.id, P.name, P.team)
        .order_by(P.name)
    )
    rows = session.execute(apply_filter(stmt, flt)).all()
    out = []
    for r in rows:
        last = r[8]
        if isinstance(last, str):  # SQLite returns MAX() of a typed column as raw text
            last = datetime.fromisoformat(last)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        out.append((*r[:8], last, r[9]))
    return out


# --------------------------------------------------------------------------- passport facts


def attempt_facts(
    session: Session,
    *,
    profile_ids: Sequence[str] | None = None,
    team: str | None = None,
    scenario_ids: Sequence[str] | None = None,
    signed_off_only: bool = False,
) -> list[AttemptFacts]:
    """Everything the passport needs: attempts with overrides and serious findings.

    Practice attempts carry no findings (they never count), which keeps this light.
    ``signed_off_only`` fetches only finished assessments a trainer passed: enough to tell
    what is *earned* (the dashboard's count), not why something is missing.
    """
    stmt = select(
        A.id,
        A.profile_id,
        A.scenario_id,
        A.scenario_title,
        A.mode,
        A.status,
        A.started_at,
        A.ended_at,
        A.score_overall,
        A.score_risk,
        A.score_tone,
        A.score_timing,
        A.score_action,
        A.reviewed,
        A.outcome,
    )
    if profile_ids is not None:
        stmt = stmt.where(A.profile_id.in_(list(profile_ids)))
    if scenario_ids is not None:
        stmt = stmt.where(A.scenario_id.in_(list(scenario_ids)))
    if signed_off_only:
        stmt = stmt.where(A.mode == "assessment", A.status == "finished", A.outcome == "passed")
    if team:
        stmt = stmt.where(A.profile_id.in_(select(P.id).where(P.team == team).scalar_subquery()))
    rows = session.execute(stmt).all()
    assessed = [r[0] for r in rows if r[4] == "assessment" and r[5] == "finished"]
    overrides: dict[str, list[OverrideFact]] = defaultdict(list)
    findings: dict[str, list[FindingFact]] = defaultdict(list)
    for chunk_start in range(0, len(assessed), 500):
        ids = assessed[chunk_start : chunk_start + 500]
        for aid, fam, new, orig, at, reason, reviewer in session.execute(
            select(O.attempt_id, O.family, O.new, O.original, O.at, O.reason, P.name)
            .join(PROFILE, P.id == O.reviewer_id)
            .where(O.attempt_id.in_(ids), O.action_id.is_(None))
        ):
            overrides[aid].append(
                OverrideFact(fam, int(new), orig, at, reason or "", reviewer or "")
            )
        for aid, rule, fam, sev, match in session.execute(
            select(F.attempt_id, F.rule, F.family, F.severity, F.match).where(
                F.attempt_id.in_(ids), F.severity == "error"
            )
        ):
            findings[aid].append(FindingFact(rule, fam, sev, match or ""))
    out = []
    for r in rows:
        scores = dict(zip(("overall", *FAMILIES), r[8:13], strict=True))
        out.append(
            AttemptFacts(
                id=r[0],
                profile_id=r[1],
                scenario_id=r[2],
                scenario_title=r[3] or r[2],
                mode=r[4],
                status=r[5],
                started_at=r[6],
                ended_at=r[7],
                scores=scores,
                overrides=tuple(overrides.get(r[0], ())),
                findings=tuple(findings.get(r[0], ())),
                reviewed=bool(r[13]),
                outcome=r[14],
            )
        )
    return out


# --------------------------------------------------------------------------- reply export

REPLY_COLUMNS: tuple[str, ...] = (
    "Started (UK time)",
    "Person",
    "Team",
    "Scenario",
    "Mode",
    "Attempt status",
    "Trainer outcome",
    "Post",
    "Action",
    "Escalated to",
    "Reply text",
    "Minutes to respond",
    "Target minutes",
    "Overall",
    "Risk",
    "Tone",
    "Timing",
    "Action score",
    "Findings",
)


def _reply_stmt(flt: ReportFilter) -> Select[Any]:
    stmt = (
        select(
            R.id,
            A.started_at,
            P.name,
            P.team,
            A.scenario_id,
            A.mode,
            A.status,
            A.outcome,
            R.post_id,
            R.kind,
            R.team,
            R.text,
            R.elapsed_minutes,
            R.target_minutes,
            R.score_overall,
            R.score_risk,
            R.score_tone,
            R.score_timing,
            R.score_action,
        )
        .select_from(ACTION)
        .join(ATTEMPT, A.id == R.attempt_id)
        .join(PROFILE, P.id == A.profile_id)
        .order_by(A.started_at, A.id, R.seq)
    )
    return apply_filter(stmt, flt)


def count_reply_rows(session: Session, flt: ReportFilter) -> int:
    return reply_count(session, flt)


def iter_reply_rows(
    session: Session, flt: ReportFilter, *, chunk_size: int = 2000
) -> Iterator[list[tuple[Any, ...]]]:
    """Reply rows in chunks (streamed from the server), each with its findings' rule ids."""
    result = session.execute(
        _reply_stmt(flt), execution_options={"stream_results": True, "yield_per": chunk_size}
    )
    for part in result.partitions(chunk_size):
        ids = [r[0] for r in part]
        rules: dict[str, list[str]] = defaultdict(list)
        for aid, rule, sev in session.execute(
            select(F.action_id, F.rule, F.severity).where(
                F.action_id.in_(ids), F.severity != "praise"
            )
        ):
            rules[aid].append(f"{rule} ({sev})")
        yield [(*tuple(r[1:]), "; ".join(sorted(rules.get(r[0], [])))) for r in part]


def median_mean_from_buckets(
    buckets: Sequence[tuple[int, int, float]],
) -> tuple[float | None, float | None]:
    n = sum(c for _, c, _ in buckets)
    if n == 0:
        return None, None
    return median_from_buckets(buckets), sum(t for _, _, t in buckets) / n
