"""The review list: attempts filtered and sorted in SQL, fetched a page at a time.

Why paged: a shared database can hold tens of thousands of attempts; the screen asks for the
count and the first page (a few hundred rows) and fetches more only as the trainer scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, func, nulls_last
from sqlmodel import Session, col, select

from sandbox.auth import require_review
from sandbox.store.models import Attempt, AttemptStatus, Profile, Role, ScoreOverride

__all__ = [
    "PAGE_SIZE",
    "FilterChoices",
    "ReviewFilter",
    "ReviewRow",
    "ReviewStatus",
    "SortKey",
    "count_attempts",
    "fetch_page",
    "filter_choices",
]

PAGE_SIZE = 200


class ReviewStatus(StrEnum):
    any = "any"
    unreviewed = "unreviewed"
    reviewed = "reviewed"
    passed = "passed"
    not_yet = "not_yet"


class SortKey(StrEnum):
    started = "started"
    score = "score"
    trainee = "trainee"
    scenario = "scenario"
    mode = "mode"
    reviewed = "reviewed"


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """What the trainer has chosen to see. ``None`` means "any"."""

    trainee_id: str | None = None
    team: str | None = None
    scenario_id: str | None = None
    date_from: date | None = None  # on or after this day (UTC)
    date_to: date | None = None  # on or before this day (UTC)
    mode: str | None = None
    review_status: ReviewStatus = ReviewStatus.any
    include_in_progress: bool = False  # unfinished attempts have nothing to review yet
    sort: SortKey = SortKey.started
    descending: bool = True

    def sorted_by(self, key: SortKey, descending: bool) -> ReviewFilter:
        return replace(self, sort=key, descending=descending)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One line of the review list."""

    attempt_id: str
    profile_id: str
    trainee: str
    team: str | None
    scenario_id: str
    scenario_title: str
    mode: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    score_overall: int | None  # after any trainer override of the overall score
    original_overall: int | None  # as scored at the time
    reviewed: bool
    outcome: str | None
    overridden: bool


def _conditions(f: ReviewFilter) -> list[Any]:
    conds: list[Any] = []
    if f.trainee_id:
        conds.append(col(Attempt.profile_id) == f.trainee_id)
    if f.team:
        conds.append(col(Profile.team) == f.team)
    if f.scenario_id:
        conds.append(col(Attempt.scenario_id) == f.scenario_id)
    if f.date_from:
        conds.append(col(Attempt.started_at) >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        end = datetime.combine(f.date_to, time(), UTC) + timedelta(days=1)
        conds.append(col(Attempt.started_at) < end)
    if f.mode:
        conds.append(col(Attempt.mode) == f.mode)
    if not f.include_in_progress:
        conds.append(col(Attempt.status) != AttemptStatus.in_progress.value)
    status = f.review_status
    if status is ReviewStatus.unreviewed:
        conds.append(col(Attempt.reviewed).is_(False))
    elif status is ReviewStatus.reviewed:
        conds.append(col(Attempt.reviewed).is_(True))
    elif status in (ReviewStatus.passed, ReviewStatus.not_yet):
        conds.append(col(Attempt.outcome) == status.value)
    return conds


def _base(f: ReviewFilter) -> Any:
    return (
        select(Attempt, Profile)
        .join(Profile, col(Profile.id) == col(Attempt.profile_id))
        .where(and_(True, *_conditions(f)))
    )


def count_attempts(session: Session, viewer: Profile, f: ReviewFilter) -> int:
    """How many attempts match (for the status line and the lazy model's row count)."""
    require_review(viewer)
    stmt = (
        select(func.count())
        .select_from(Attempt)
        .join(Profile, col(Profile.id) == col(Attempt.profile_id))
        .where(and_(True, *_conditions(f)))
    )
    return int(session.exec(stmt).one())


def _effective_overall() -> Any:
    """The overall score after the latest trainer override of it, else as scored."""
    latest = (
        select(col(ScoreOverride.new))
        .where(col(ScoreOverride.attempt_id) == col(Attempt.id))
        .where(col(ScoreOverride.action_id).is_(None))
        .where(col(ScoreOverride.family) == "overall")
        .order_by(col(ScoreOverride.at).desc())
        .limit(1)
        .correlate(Attempt)
        .scalar_subquery()
    )
    return func.coalesce(latest, col(Attempt.score_overall))


_SORT_COLUMNS: dict[SortKey, Any] = {
    SortKey.started: col(Attempt.started_at),
    SortKey.score: _effective_overall(),
    SortKey.trainee: func.lower(col(Profile.name)),
    SortKey.scenario: col(Attempt.scenario_title),
    SortKey.mode: col(Attempt.mode),
    SortKey.reviewed: col(Attempt.reviewed),
}


def fetch_page(
    session: Session, viewer: Profile, f: ReviewFilter, *, offset: int = 0, limit: int = PAGE_SIZE
) -> list[ReviewRow]:
    """One page of matching attempts in the chosen order (ties broken by newest first)."""
    require_review(viewer)
    key = _SORT_COLUMNS[f.sort]
    order = nulls_last(key.desc()) if f.descending else nulls_last(key.asc())
    overridden = exists().where(col(ScoreOverride.attempt_id) == col(Attempt.id)).correlate(Attempt)
    stmt = (
        select(Attempt, Profile, overridden.label("overridden"), _effective_overall())
        .join(Profile, col(Profile.id) == col(Attempt.profile_id))
        .where(and_(True, *_conditions(f)))
        .order_by(order, col(Attempt.started_at).desc(), col(Attempt.id))
        .offset(offset)
        .limit(limit)
    )
    rows: list[ReviewRow] = []
    for attempt, profile, was_overridden, overall in session.exec(stmt):
        rows.append(
            ReviewRow(
                attempt_id=attempt.id,
                profile_id=profile.id,
                trainee=profile.name,
                team=profile.team,
                scenario_id=attempt.scenario_id,
                scenario_title=attempt.scenario_title or attempt.scenario_id,
                mode=attempt.mode,
                status=attempt.status,
                started_at=attempt.started_at,
                ended_at=attempt.ended_at,
                score_overall=overall,
                original_overall=attempt.score_overall,
                reviewed=attempt.reviewed,
                outcome=attempt.outcome,
                overridden=bool(was_overridden),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filter boxes offer: trainees (id, name, team) and scenarios (id, title)."""

    trainees: list[tuple[str, str, str | None]]
    scenarios: list[tuple[str, str]]
    teams: list[str]


def filter_choices(session: Session, viewer: Profile) -> FilterChoices:
    """The people and scenarios present in the database, for the filter drop-downs."""
    require_review(viewer)
    people = session.exec(
        select(Profile)
        .where(col(Profile.role) == Role.trainee.value)
        .where(col(Profile.archived).is_(False))
        .order_by(func.lower(col(Profile.name)))
    ).all()
    scen = session.exec(
        select(col(Attempt.scenario_id), func.max(col(Attempt.scenario_title)))
        .group_by(col(Attempt.scenario_id))
        .order_by(func.max(col(Attempt.scenario_title)))
    ).all()
    teams = sorted({p.team for p in people if p.team})
    return FilterChoices(
        trainees=[(p.id, p.name, p.team) for p in people],
        scenarios=[(sid, title or sid) for sid, title in scen],
        teams=teams,
    )
