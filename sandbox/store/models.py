"""Every database table in one place (SQLModel).

Why these choices:
- Primary keys are UUID strings made by the app, not database counters, so a transcript imported
  on a trainer's machine keeps its ids and importing the same file twice adds nothing.
- Datetimes are stored in UTC and always come back timezone-aware (``UTCDateTime``); SQLite has
  no timezone type, so it stores naive UTC text that still sorts in time order.
- Enumerations are plain strings checked by the CRUD layer, so adding a value never needs a
  PostgreSQL ``ALTER TYPE``.
- Scores are copied onto attempts and actions *as scored at the time*: a later change to the
  rule pack never rewrites history.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from sandbox.timeline.engine import RESPONSE_KINDS

__all__ = [
    "RESPONSE_KIND_VALUES",
    "ActionRecord",
    "Attempt",
    "AttemptMode",
    "AttemptStatus",
    "AuditLog",
    "Comment",
    "Draft",
    "FindingRecord",
    "Outcome",
    "Profile",
    "Role",
    "ScoreOverride",
    "UTCDateTime",
    "new_id",
    "utcnow",
]


def new_id() -> str:
    """A fresh UUID4 string: globally unique so records merge across machines."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that only accepts aware values and always returns aware UTC values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text (e.g. from a hand-written query)
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Action kinds that answer a post, as stored in ActionRecord.kind: the timeline's definition
# (reply, private message, escalation), which first_response and first-reply reports follow.
RESPONSE_KIND_VALUES: tuple[str, ...] = tuple(sorted(k.value for k in RESPONSE_KINDS))


class Role(StrEnum):
    trainee = "trainee"
    trainer = "trainer"
    manager = "manager"


class AttemptMode(StrEnum):
    practice = "practice"  # feedback shown as the learner goes
    assessment = "assessment"  # feedback only at the end


class AttemptStatus(StrEnum):
    in_progress = "in_progress"
    finished = "finished"
    abandoned = "abandoned"


class Outcome(StrEnum):
    passed = "passed"
    not_yet = "not_yet"


def _fk(target: str, *, nullable: bool = False, index: bool = False, cascade: bool = False) -> Any:
    """A foreign-key column of the same type as the UUID primary keys."""
    return Column(
        String(36),
        ForeignKey(target, ondelete="CASCADE" if cascade else None),
        nullable=nullable,
        index=index,
    )


class Profile(SQLModel, table=True):
    """A person using the app: trainee, trainer or manager."""

    __tablename__ = "profile"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=200, index=True)
    role: str = Field(max_length=20)  # Role value
    team: str | None = Field(default=None, max_length=200)  # cohort or team name
    passphrase_hash: str | None = Field(default=None, max_length=500)  # argon2id, trainers
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    archived: bool = Field(default=False)


class Attempt(SQLModel, table=True):
    """One run of one scenario by one person."""

    __tablename__ = "attempt"
    __table_args__ = (
        Index("ix_attempt_profile_started", "profile_id", "started_at"),
        Index("ix_attempt_scenario_started", "scenario_id", "started_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    profile_id: str = Field(sa_column=_fk("profile.id"))
    scenario_id: str = Field(max_length=200)
    scenario_title: str = Field(default="", max_length=500)
    scenario_version: str = Field(default="", max_length=50)
    scenario_hash: str = Field(default="", max_length=128)  # content hash of the scenario file
    seed: int = Field(default=0)
    mode: str = Field(default=AttemptMode.practice.value, max_length=20)
    status: str = Field(default=AttemptStatus.in_progress.value, max_length=20, index=True)
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sim_elapsed_seconds: float | None = Field(default=None)
    score_overall: int | None = Field(default=None)
    score_risk: int | None = Field(default=None)
    score_tone: int | None = Field(default=None)
    score_timing: int | None = Field(default=None)
    score_action: int | None = Field(default=None)
    reviewed: bool = Field(default=False)
    outcome: str | None = Field(default=None, max_length=20)  # Outcome value or None
    app_version: str = Field(
        default="", max_length=50, sa_column_kwargs={"server_default": ""}
    )  # the app that recorded it (support)


class ActionRecord(SQLModel, table=True):
    """Something the learner did to a post, with its score card as scored at the time."""

    __tablename__ = "action_record"
    __table_args__ = (
        UniqueConstraint("attempt_id", "seq", name="uq_action_attempt_seq"),
        Index("ix_action_wall_at", "wall_at"),
        # finding an earlier response to the same post (record_action, imports, the backfill)
        Index("ix_action_first_reply", "attempt_id", "post_id", "kind", "elapsed_minutes"),
        # covering index for first-reply times: an attempt's first responses and their minutes
        Index("ix_action_first_response", "attempt_id", "first_response", "elapsed_minutes"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    attempt_id: str = Field(sa_column=_fk("attempt.id", cascade=True))
    seq: int  # 1, 2, 3… within the attempt, in the order the learner acted
    post_id: str = Field(max_length=200)
    kind: str = Field(max_length=30)  # ActionKind value
    text: str = Field(default="", sa_column=Column(Text(), nullable=False, default=""))
    team: str | None = Field(default=None, max_length=200)  # for escalate
    note: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    sim_at_seconds: float = Field(default=0.0)
    wall_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    elapsed_minutes: float | None = Field(default=None)  # office-time minutes post → response
    # The attempt's first response (reply, private message, escalation) to this post, stored at
    # write time so first-reply reports are plain aggregates instead of a per-post MIN.
    first_response: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    target_minutes: float | None = Field(default=None)
    score_card_json: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    score_overall: int | None = Field(default=None)
    score_risk: int | None = Field(default=None)
    score_tone: int | None = Field(default=None)
    score_timing: int | None = Field(default=None)
    score_action: int | None = Field(default=None)


class FindingRecord(SQLModel, table=True):
    """One finding of one action's score card, as rows so managers can count frequent risks."""

    __tablename__ = "finding_record"
    # covering index for the top-risks report: count by rule without reading the rows
    __table_args__ = (Index("ix_finding_family_rule", "family", "rule", "severity", "attempt_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    action_id: str = Field(sa_column=_fk("action_record.id", index=True, cascade=True))
    attempt_id: str = Field(sa_column=_fk("attempt.id", index=True, cascade=True))
    rule: str = Field(max_length=200)
    family: str = Field(max_length=20)
    severity: str = Field(max_length=20)
    start: int = Field(default=0)
    end: int = Field(default=0)
    match: str = Field(default="", sa_column=Column(Text(), nullable=False, default=""))
    message: str = Field(default="", sa_column=Column(Text(), nullable=False, default=""))
    suggestion: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    source: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    points: float = Field(default=0.0)


class Draft(SQLModel, table=True):
    """Autosaved text of a reply being written, so a crash loses at most a few keystrokes."""

    __tablename__ = "draft"

    attempt_id: str = Field(
        sa_column=Column(String(36), ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True)
    )
    post_id: str = Field(primary_key=True, max_length=200)
    text: str = Field(default="", sa_column=Column(Text(), nullable=False, default=""))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ScoreOverride(SQLModel, table=True):
    """A trainer's change to a family score, with the reason (required) and who made it."""

    __tablename__ = "score_override"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    attempt_id: str = Field(sa_column=_fk("attempt.id", index=True, cascade=True))
    action_id: str | None = Field(
        default=None, sa_column=_fk("action_record.id", nullable=True, cascade=True)
    )
    family: str = Field(max_length=20)  # Family value, or "overall"
    original: int | None = Field(default=None)
    new: int
    reason: str = Field(sa_column=Column(Text(), nullable=False))
    reviewer_id: str = Field(sa_column=_fk("profile.id"))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Comment(SQLModel, table=True):
    """A trainer's comment on an attempt or on one action in it."""

    __tablename__ = "comment"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    attempt_id: str = Field(sa_column=_fk("attempt.id", index=True, cascade=True))
    action_id: str | None = Field(
        default=None, sa_column=_fk("action_record.id", nullable=True, cascade=True)
    )
    author_id: str = Field(sa_column=_fk("profile.id"))
    text: str = Field(sa_column=Column(Text(), nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class AuditLog(SQLModel, table=True):
    """Who changed what and when: reviews, overrides, imports, key changes."""

    __tablename__ = "audit_log"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    actor_id: str | None = Field(default=None, max_length=36)  # a Profile id; None = the system
    event: str = Field(max_length=100)
    target_type: str = Field(default="", max_length=50)
    target_id: str = Field(default="", max_length=200)
    details_json: str = Field(default="{}", sa_column=Column(Text(), nullable=False, default="{}"))
