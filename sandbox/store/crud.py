"""Create/read/update functions over the tables: the only way the app writes learner data.

All functions take the session first and everything else by keyword. Writes commit at once —
nothing a learner did may be lost to a later crash — and retry with backoff when another
process holds the SQLite write lock, so "database is locked" never reaches the user. Queries
are built with SQLAlchemy expressions only; no SQL text is ever assembled from user input.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, delete, exists, func, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from sandbox.scenario.models import ActionKind, Family
from sandbox.scoring.types import ScoreCard
from sandbox.store.db import begin_immediate
from sandbox.store.models import (
    RESPONSE_KIND_VALUES,
    ActionRecord,
    Attempt,
    AttemptMode,
    AttemptStatus,
    AuditLog,
    Comment,
    Draft,
    FindingRecord,
    Outcome,
    Profile,
    Role,
    ScoreOverride,
    utcnow,
)

__all__ = [
    "InvalidValue",
    "NotFound",
    "StoreError",
    "abandon_attempt",
    "add_comment",
    "add_override",
    "audit",
    "audit_entry",
    "clear_draft",
    "create_profile",
    "effective_scores",
    "find_profile",
    "find_resumable_attempt",
    "finish_attempt",
    "get_attempt",
    "get_drafts",
    "get_profile",
    "list_actions",
    "list_attempts",
    "list_audit",
    "list_comments",
    "list_findings",
    "list_overrides",
    "list_profiles",
    "mark_first_responses",
    "record_action",
    "save_draft",
    "set_review",
    "start_attempt",
    "update_profile",
    "write_transaction",
]

T = TypeVar("T")

SCORE_FAMILIES: tuple[str, ...] = tuple(f.value for f in Family)
RETRY_SECONDS = 60.0


class StoreError(Exception):
    """A problem with what was asked of the store, worded for the user."""


class NotFound(StoreError, LookupError):
    pass


class InvalidValue(StoreError, ValueError):
    pass


# --------------------------------------------------------------------------- helpers


def _is_transient(exc: Exception) -> bool:
    """Lock contention or a lost race on the action sequence number: worth retrying."""
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OperationalError):
        return any(
            s in text for s in ("database is locked", "database is busy", "deadlock", "serializ")
        )
    if isinstance(exc, IntegrityError):
        return (
            "uq_action_attempt_seq" in text or "action_record.attempt_id, action_record.seq" in text
        )
    return False


def write_transaction(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` in its own committed write transaction, retrying on lock contention.

    On SQLite the transaction takes the write lock up front (BEGIN IMMEDIATE) so concurrent
    writers wait in SQLite's busy handler instead of failing; whatever still fails with
    "database is locked" is retried with jittered exponential backoff for up to a minute.
    """
    deadline = time.monotonic() + RETRY_SECONDS
    delay = 0.01
    while True:
        if session.in_transaction():
            session.commit()
        if session.get_bind().dialect.name == "sqlite":
            begin_immediate(session)
        try:
            result = work()
            session.commit()
            return result
        except (OperationalError, IntegrityError) as exc:
            session.rollback()
            if not _is_transient(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)
        except BaseException:
            # e.g. NotFound or a rejected import half-way: leave nothing pending that a later
            # commit could pick up
            session.rollback()
            raise


def _enum(value: str | None, enum: Any, what: str) -> str:
    try:
        return str(enum(value).value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidValue(f"{what} must be one of {allowed}, not {value!r}.") from None


def _need_attempt(session: Session, attempt_id: str) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(f"No attempt with id {attempt_id}.")
    return attempt


def _need_profile(session: Session, profile_id: str) -> Profile:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(f"No profile with id {profile_id}.")
    return profile


def _score_columns(card: ScoreCard | None) -> dict[str, int | None]:
    out: dict[str, int | None] = {"score_overall": None}
    if card is None:
        return out | {f"score_{f}": None for f in SCORE_FAMILIES}
    out["score_overall"] = int(card.overall)
    for fam in Family:
        value = card.scores.get(fam)
        out[f"score_{fam.value}"] = None if value is None else int(value)
    return out


def audit_entry(
    *,
    event: str,
    actor_id: str | None,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None,
) -> AuditLog:
    return AuditLog(
        actor_id=actor_id,
        event=event,
        target_type=target_type,
        target_id=target_id,
        details_json=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
    )


# --------------------------------------------------------------------------- profiles


def create_profile(
    session: Session,
    *,
    name: str,
    role: str | Role = Role.trainee,
    team: str | None = None,
    passphrase_hash: str | None = None,
    id: str | None = None,
) -> Profile:
    """Add a person. Names need not be unique (two Sam Smiths in different teams)."""
    name = name.strip()
    if not name:
        raise InvalidValue("A profile needs a name.")
    role_value = _enum(role, Role, "Role")

    def work() -> Profile:
        profile = Profile(
            name=name,
            role=role_value,
            team=(team or "").strip() or None,
            passphrase_hash=passphrase_hash,
        )
        if id:
            profile.id = id
        session.add(profile)
        return profile

    return write_transaction(session, work)


def get_profile(session: Session, *, profile_id: str) -> Profile | None:
    return session.get(Profile, profile_id)


def find_profile(session: Session, *, name_or_id: str) -> Profile | None:
    """A profile by id, else by exact name (case-insensitive); ``InvalidValue`` if ambiguous."""
    profile = session.get(Profile, name_or_id)
    if profile is not None:
        return profile
    matches = session.exec(
        select(Profile).where(func.lower(Profile.name) == name_or_id.strip().lower())
    ).all()
    if len(matches) > 1:
        raise InvalidValue(
            f"{len(matches)} profiles are called {name_or_id!r}; use the profile id instead."
        )
    return matches[0] if matches else None


def list_profiles(
    session: Session,
    *,
    role: str | Role | None = None,
    team: str | None = None,
    include_archived: bool = False,
) -> list[Profile]:
    stmt = select(Profile)
    if role is not None:
        stmt = stmt.where(Profile.role == _enum(role, Role, "Role"))
    if team is not None:
        stmt = stmt.where(Profile.team == team)
    if not include_archived:
        stmt = stmt.where(col(Profile.archived).is_(False))
    stmt = stmt.order_by(func.lower(Profile.name), col(Profile.created_at))
    return list(session.exec(stmt).all())


_UNSET: Any = object()


def update_profile(
    session: Session,
    *,
    profile_id: str,
    name: str | None = None,
    role: str | Role | None = None,
    team: str | None = _UNSET,
    passphrase_hash: str | None = _UNSET,
    archived: bool | None = None,
    actor_id: str | None = None,
) -> Profile:
    """Change a profile; pass only what changes. Audited (without the passphrase hash)."""

    def work() -> Profile:
        profile = _need_profile(session, profile_id)
        changed: list[str] = []
        if name is not None:
            if not name.strip():
                raise InvalidValue("A profile needs a name.")
            profile.name = name.strip()
            changed.append("name")
        if role is not None:
            profile.role = _enum(role, Role, "Role")
            changed.append("role")
        if team is not _UNSET:
            profile.team = (team or "").strip() or None
            changed.append("team")
        if passphrase_hash is not _UNSET:
            profile.passphrase_hash = passphrase_hash
            changed.append("passphrase")
        if archived is not None:
            profile.archived = archived
            changed.append("archived")
        session.add(profile)
        session.add(
            audit_entry(
                event="profile.updated",
                actor_id=actor_id,
                target_type="profile",
                target_id=profile_id,
                details={"changed": changed},
            )
        )
        return profile

    return write_transaction(session, work)


# --------------------------------------------------------------------------- attempts


def start_attempt(
    session: Session,
    *,
    profile_id: str,
    scenario_id: str,
    scenario_title: str = "",
    scenario_version: str = "",
    scenario_hash: str = "",
    seed: int = 0,
    mode: str | AttemptMode = AttemptMode.practice,
    app_version: str | None = None,
    started_at: datetime | None = None,
) -> Attempt:
    """Begin a scenario run for a person; committed before the first post is shown."""
    mode_value = _enum(mode, AttemptMode, "Mode")
    if app_version is None:
        from sandbox import __version__ as app_version

    def work() -> Attempt:
        _need_profile(session, profile_id)
        attempt = Attempt(
            profile_id=profile_id,
            scenario_id=scenario_id,
            scenario_title=scenario_title,
            scenario_version=str(scenario_version),
            scenario_hash=scenario_hash,
            seed=int(seed),
            mode=mode_value,
            status=AttemptStatus.in_progress.value,
            app_version=str(app_version),
        )
        if started_at is not None:
            attempt.started_at = started_at
        session.add(attempt)
        return attempt

    return write_transaction(session, work)


def get_attempt(session: Session, *, attempt_id: str) -> Attempt | None:
    return session.get(Attempt, attempt_id)


def finish_attempt(
    session: Session,
    *,
    attempt_id: str,
    score_overall: int | None = None,
    score_risk: int | None = None,
    score_tone: int | None = None,
    score_timing: int | None = None,
    score_action: int | None = None,
    sim_elapsed_seconds: float | None = None,
    ended_at: datetime | None = None,
) -> Attempt:
    """Mark an attempt finished with its scores as scored at the time."""

    def work() -> Attempt:
        attempt = _need_attempt(session, attempt_id)
        attempt.status = AttemptStatus.finished.value
        attempt.ended_at = ended_at or utcnow()
        attempt.score_overall = score_overall
        attempt.score_risk = score_risk
        attempt.score_tone = score_tone
        attempt.score_timing = score_timing
        attempt.score_action = score_action
        attempt.sim_elapsed_seconds = sim_elapsed_seconds
        session.add(attempt)
        session.execute(delete(Draft).where(col(Draft.attempt_id) == attempt_id))
        return attempt

    return write_transaction(session, work)


def abandon_attempt(
    session: Session, *, attempt_id: str, sim_elapsed_seconds: float | None = None
) -> Attempt:
    """The learner gave up (or chose not to resume): kept for the record, never resumed."""

    def work() -> Attempt:
        attempt = _need_attempt(session, attempt_id)
        attempt.status = AttemptStatus.abandoned.value
        attempt.ended_at = utcnow()
        if sim_elapsed_seconds is not None:
            attempt.sim_elapsed_seconds = sim_elapsed_seconds
        session.add(attempt)
        return attempt

    return write_transaction(session, work)


def list_attempts(
    session: Session,
    *,
    profile_id: str | None = None,
    scenario_id: str | None = None,
    status: str | AttemptStatus | None = None,
    mode: str | AttemptMode | None = None,
    reviewed: bool | None = None,
    team: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> list[Attempt]:
    """Attempts matching every filter given; ``since``/``until`` bound ``started_at`` [since, until)."""
    stmt = select(Attempt)
    if profile_id is not None:
        stmt = stmt.where(Attempt.profile_id == profile_id)
    if scenario_id is not None:
        stmt = stmt.where(Attempt.scenario_id == scenario_id)
    if status is not None:
        stmt = stmt.where(Attempt.status == _enum(status, AttemptStatus, "Status"))
    if mode is not None:
        stmt = stmt.where(Attempt.mode == _enum(mode, AttemptMode, "Mode"))
    if reviewed is not None:
        stmt = stmt.where(col(Attempt.reviewed).is_(reviewed))
    if team is not None:
        stmt = stmt.join(Profile, col(Profile.id) == col(Attempt.profile_id)).where(
            Profile.team == team
        )
    if since is not None:
        stmt = stmt.where(col(Attempt.started_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Attempt.started_at) < until)
    order = col(Attempt.started_at).desc() if newest_first else col(Attempt.started_at).asc()
    stmt = stmt.order_by(order, col(Attempt.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def find_resumable_attempt(
    session: Session, *, profile_id: str, scenario_id: str | None = None
) -> Attempt | None:
    """The person's most recent unfinished attempt (offered as "Resume" after a crash)."""
    stmt = select(Attempt).where(
        Attempt.profile_id == profile_id, Attempt.status == AttemptStatus.in_progress.value
    )
    if scenario_id is not None:
        stmt = stmt.where(Attempt.scenario_id == scenario_id)
    stmt = stmt.order_by(col(Attempt.started_at).desc()).limit(1)
    return session.exec(stmt).first()


# --------------------------------------------------------------------------- actions


def record_action(
    session: Session,
    *,
    attempt_id: str,
    post_id: str,
    kind: str | ActionKind,
    text: str = "",
    team: str | None = None,
    note: str | None = None,
    sim_at_seconds: float = 0.0,
    elapsed_minutes: float | None = None,
    target_minutes: float | None = None,
    score_card: ScoreCard | None = None,
    wall_at: datetime | None = None,
) -> ActionRecord:
    """Store what the learner did to a post, with its findings, and commit before returning.

    The action gets the next sequence number in its attempt; the draft for that post is
    cleared in the same transaction (it has been sent).
    """
    kind_value = _enum(kind, ActionKind, "Action")
    columns = _score_columns(score_card)
    card_json = (
        json.dumps(score_card.to_dict(), sort_keys=True, ensure_ascii=False)
        if score_card is not None
        else None
    )

    def work() -> ActionRecord:
        # Lock the attempt row (PostgreSQL) so concurrent writers to one attempt get distinct
        # sequence numbers; SQLite already holds the database write lock here.
        attempt = session.exec(
            select(Attempt).where(Attempt.id == attempt_id).with_for_update()
        ).first()
        if attempt is None:
            raise NotFound(f"No attempt with id {attempt_id}.")
        last = session.exec(
            select(func.max(ActionRecord.seq)).where(ActionRecord.attempt_id == attempt_id)
        ).one()
        # Under the same lock: is this the attempt's first response to the post? (One seek in
        # ix_action_first_reply; the lock means no concurrent write can answer it first.)
        first_response = kind_value in RESPONSE_KIND_VALUES and (
            session.exec(
                select(ActionRecord.id)
                .where(
                    ActionRecord.attempt_id == attempt_id,
                    ActionRecord.post_id == post_id,
                    col(ActionRecord.kind).in_(RESPONSE_KIND_VALUES),
                )
                .limit(1)
            ).first()
            is None
        )
        action = ActionRecord(
            attempt_id=attempt_id,
            seq=(last or 0) + 1,
            post_id=post_id,
            kind=kind_value,
            text=text,
            team=team,
            note=note,
            sim_at_seconds=float(sim_at_seconds),
            elapsed_minutes=elapsed_minutes,
            target_minutes=target_minutes,
            first_response=first_response,
            score_card_json=card_json,
        )
        for name, value in columns.items():
            setattr(action, name, value)
        if wall_at is not None:
            action.wall_at = wall_at
        session.add(action)
        if score_card is not None:
            for finding in score_card.findings:
                session.add(
                    FindingRecord(
                        action_id=action.id,
                        attempt_id=attempt_id,
                        rule=finding.rule,
                        family=finding.family.value,
                        severity=finding.severity.value,
                        start=finding.start,
                        end=finding.end,
                        match=finding.match,
                        message=finding.message,
                        suggestion=finding.suggestion,
                        source=finding.source,
                        points=float(finding.points),
                    )
                )
        session.execute(
            delete(Draft).where(col(Draft.attempt_id) == attempt_id, col(Draft.post_id) == post_id)
        )
        return action

    return write_transaction(session, work)


def mark_first_responses(session: Session, *, attempt_ids: Sequence[str] | None = None) -> int:
    """Recompute ``ActionRecord.first_response`` for these attempts (all when None).

    For actions written other than by :func:`record_action` (transcript import, bulk loads):
    one set-based UPDATE per chunk, inside the caller's transaction, giving the same answer
    however often it runs. Returns the number of rows whose flag changed.
    """
    action = ActionRecord.__table__  # type: ignore[attr-defined]
    earlier = action.alias("earlier")
    kinds = list(RESPONSE_KIND_VALUES)
    is_first = and_(
        action.c.kind.in_(kinds),
        ~exists().where(
            earlier.c.attempt_id == action.c.attempt_id,
            earlier.c.post_id == action.c.post_id,
            earlier.c.kind.in_(kinds),
            earlier.c.seq < action.c.seq,
        ),
    )
    changed = 0
    chunks: list[list[str] | None] = (
        [None]
        if attempt_ids is None
        else [list(attempt_ids[i : i + 500]) for i in range(0, len(attempt_ids), 500)]
    )
    for chunk in chunks:
        # only rows whose flag is wrong are written, so a second run changes nothing
        for value, cond in ((True, is_first), (False, ~is_first)):
            stmt = update(action).where(action.c.first_response.is_(not value), cond)
            if chunk is not None:
                stmt = stmt.where(action.c.attempt_id.in_(chunk))
            result = session.execute(stmt.values(first_response=value))
            changed += int(getattr(result, "rowcount", 0) or 0)
    # actions loaded in this session still hold the old flag: reload it when next read
    wanted = None if attempt_ids is None else set(attempt_ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ActionRecord) and (wanted is None or obj.attempt_id in wanted):
            session.expire(obj, ["first_response"])
    return changed


def list_actions(session: Session, *, attempt_id: str) -> list[ActionRecord]:
    """An attempt's actions in the order the learner took them."""
    stmt = select(ActionRecord).where(ActionRecord.attempt_id == attempt_id)
    return list(session.exec(stmt.order_by(col(ActionRecord.seq))).all())


def action_score_card(action: ActionRecord) -> ScoreCard | None:
    """The score card stored with an action, as it was at the time."""
    if not action.score_card_json:
        return None
    return ScoreCard.from_dict(json.loads(action.score_card_json))


def list_findings(
    session: Session, *, attempt_id: str | None = None, action_id: str | None = None
) -> list[FindingRecord]:
    if attempt_id is None and action_id is None:
        raise InvalidValue("list_findings needs an attempt_id or an action_id.")
    stmt = select(FindingRecord)
    if attempt_id is not None:
        stmt = stmt.where(FindingRecord.attempt_id == attempt_id)
    if action_id is not None:
        stmt = stmt.where(FindingRecord.action_id == action_id)
    stmt = stmt.join(ActionRecord, col(ActionRecord.id) == col(FindingRecord.action_id))
    return list(session.exec(stmt.order_by(col(ActionRecord.seq), col(FindingRecord.start))).all())


# --------------------------------------------------------------------------- drafts


def save_draft(session: Session, *, attempt_id: str, post_id: str, text: str) -> Draft:
    """Autosave the reply being written to a post (one draft per post, last write wins)."""

    def work() -> Draft:
        draft = session.get(Draft, (attempt_id, post_id))
        if draft is None:
            draft = Draft(attempt_id=attempt_id, post_id=post_id, text=text)
        else:
            draft.text = text
            draft.updated_at = utcnow()
        session.add(draft)
        return draft

    return write_transaction(session, work)


def get_drafts(session: Session, *, attempt_id: str) -> dict[str, str]:
    """Unsent drafts of an attempt as {post_id: text}."""
    rows = session.exec(select(Draft).where(Draft.attempt_id == attempt_id)).all()
    return {d.post_id: d.text for d in rows}


def clear_draft(session: Session, *, attempt_id: str, post_id: str) -> None:
    def work() -> None:
        session.execute(
            delete(Draft).where(col(Draft.attempt_id) == attempt_id, col(Draft.post_id) == post_id)
        )

    write_transaction(session, work)


# --------------------------------------------------------------------------- review


def add_override(
    session: Session,
    *,
    attempt_id: str,
    family: str,
    new: int,
    reason: str,
    reviewer_id: str,
    action_id: str | None = None,
    original: int | None = _UNSET,
) -> ScoreOverride:
    """A trainer changes a score. The reason is required; the change is audited.

    ``family`` is a score family or ``"overall"``. ``original`` defaults to the stored score
    of the action (or attempt) being overridden.
    """
    if family not in (*SCORE_FAMILIES, "overall"):
        allowed = ", ".join((*SCORE_FAMILIES, "overall"))
        raise InvalidValue(f"Family must be one of {allowed}, not {family!r}.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidValue("Give a reason for changing the score.")
    if not 0 <= int(new) <= 100:
        raise InvalidValue(f"A score must be between 0 and 100, not {new}.")

    def work() -> ScoreOverride:
        attempt = _need_attempt(session, attempt_id)
        _need_profile(session, reviewer_id)
        target: Attempt | ActionRecord = attempt
        if action_id is not None:
            action = session.get(ActionRecord, action_id)
            if action is None or action.attempt_id != attempt_id:
                raise NotFound(f"No action {action_id} in attempt {attempt_id}.")
            target = action
        before = getattr(target, f"score_{family}") if original is _UNSET else original
        override = ScoreOverride(
            attempt_id=attempt_id,
            action_id=action_id,
            family=family,
            original=before,
            new=int(new),
            reason=reason,
            reviewer_id=reviewer_id,
        )
        session.add(override)
        session.add(
            audit_entry(
                event="score.override",
                actor_id=reviewer_id,
                target_type="action" if action_id else "attempt",
                target_id=action_id or attempt_id,
                details={
                    "attempt_id": attempt_id,
                    "family": family,
                    "original": before,
                    "new": int(new),
                    "reason": reason,
                },
            )
        )
        return override

    return write_transaction(session, work)


def list_overrides(session: Session, *, attempt_id: str) -> list[ScoreOverride]:
    stmt = select(ScoreOverride).where(ScoreOverride.attempt_id == attempt_id)
    return list(session.exec(stmt.order_by(col(ScoreOverride.at), col(ScoreOverride.id))).all())


def effective_scores(
    session: Session, *, attempt_id: str, action_id: str | None = None
) -> dict[str, int | None]:
    """Scores after trainer overrides (the latest override of each family wins).

    For the attempt as a whole when ``action_id`` is None, else for that action.
    """
    target: Attempt | ActionRecord | None = (
        session.get(ActionRecord, action_id) if action_id else session.get(Attempt, attempt_id)
    )
    if target is None:
        raise NotFound(f"No {'action' if action_id else 'attempt'} with that id.")
    scores: dict[str, int | None] = {
        name: getattr(target, f"score_{name}") for name in ("overall", *SCORE_FAMILIES)
    }
    for ov in list_overrides(session, attempt_id=attempt_id):
        if ov.action_id == action_id:
            scores[ov.family] = ov.new
    return scores


def add_comment(
    session: Session, *, attempt_id: str, author_id: str, text: str, action_id: str | None = None
) -> Comment:
    text = (text or "").strip()
    if not text:
        raise InvalidValue("A comment cannot be empty.")

    def work() -> Comment:
        _need_attempt(session, attempt_id)
        _need_profile(session, author_id)
        if action_id is not None:
            action = session.get(ActionRecord, action_id)
            if action is None or action.attempt_id != attempt_id:
                raise NotFound(f"No action {action_id} in attempt {attempt_id}.")
        comment = Comment(
            attempt_id=attempt_id, action_id=action_id, author_id=author_id, text=text
        )
        session.add(comment)
        session.add(
            audit_entry(
                event="comment.added",
                actor_id=author_id,
                target_type="action" if action_id else "attempt",
                target_id=action_id or attempt_id,
                details={"attempt_id": attempt_id, "comment_id": comment.id},
            )
        )
        return comment

    return write_transaction(session, work)


def list_comments(session: Session, *, attempt_id: str) -> list[Comment]:
    stmt = select(Comment).where(Comment.attempt_id == attempt_id)
    return list(session.exec(stmt.order_by(col(Comment.at), col(Comment.id))).all())


def set_review(
    session: Session,
    *,
    attempt_id: str,
    reviewed: bool,
    outcome: str | Outcome | None,
    reviewer_id: str,
) -> Attempt:
    """Record a trainer's verdict on an attempt (passed / not yet / none) and audit it."""
    outcome_value = None if outcome is None else _enum(outcome, Outcome, "Outcome")

    def work() -> Attempt:
        attempt = _need_attempt(session, attempt_id)
        _need_profile(session, reviewer_id)
        before = {"reviewed": attempt.reviewed, "outcome": attempt.outcome}
        attempt.reviewed = bool(reviewed)
        attempt.outcome = outcome_value
        session.add(attempt)
        session.add(
            audit_entry(
                event="attempt.reviewed",
                actor_id=reviewer_id,
                target_type="attempt",
                target_id=attempt_id,
                details={"before": before, "reviewed": bool(reviewed), "outcome": outcome_value},
            )
        )
        return attempt

    return write_transaction(session, work)


# --------------------------------------------------------------------------- audit


def audit(
    session: Session,
    *,
    event: str,
    actor_id: str | None = None,
    target_type: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Append an audit entry (its own committed transaction)."""

    def work() -> AuditLog:
        row = audit_entry(
            event=event,
            actor_id=actor_id,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
        session.add(row)
        return row

    return write_transaction(session, work)


def list_audit(
    session: Session,
    *,
    target_id: str | None = None,
    actor_id: str | None = None,
    events: Iterable[str] | None = None,
    limit: int = 500,
) -> list[AuditLog]:
    """Audit entries, newest first."""
    stmt = select(AuditLog)
    if target_id is not None:
        stmt = stmt.where(AuditLog.target_id == target_id)
    if actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if events is not None:
        stmt = stmt.where(col(AuditLog.event).in_(list(events)))
    stmt = stmt.order_by(col(AuditLog.at).desc(), col(AuditLog.id)).limit(limit)
    return list(session.exec(stmt).all())
