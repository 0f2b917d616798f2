"""Passphrases and permissions for trainer and manager profiles (Qt-free).

Why it is built this way:
- Passphrases are hashed with argon2id (``argon2-cffi``); the clear text is never stored or logged.
- Guessing is slowed by a delay that grows after repeated failures (3 free tries, then 1, 2, 4,
  8 … seconds, capped). Failures are written to the audit log, so the count survives a restart
  and is shared by every machine on a PostgreSQL database; no extra table is needed.
- Permission checks live here, below the GUI, and raise :class:`PermissionDenied`, so the rules
  hold for the CLI and tests as well as the screens (which also hide what a role cannot use).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from sandbox.store.models import (
    Attempt,
    AttemptMode,
    AttemptStatus,
    AuditLog,
    Profile,
    Role,
    utcnow,
)

__all__ = [
    "FREE_TRIES",
    "MAX_DELAY_SECONDS",
    "MIN_PASSPHRASE_LENGTH",
    "REVIEW_ROLES",
    "AuthResult",
    "PassphraseError",
    "PermissionDenied",
    "can_review",
    "can_see_model_answers",
    "check_new_passphrase",
    "consecutive_failures",
    "create_protected_profile",
    "delay_for",
    "hash_passphrase",
    "protected_profiles_exist",
    "require_can_change_scores",
    "require_can_see_model_answers",
    "require_review",
    "require_role",
    "seconds_until_next_try",
    "set_passphrase",
    "verify_passphrase",
]

MIN_PASSPHRASE_LENGTH = 10
FREE_TRIES = 3
MAX_DELAY_SECONDS = 300.0
REVIEW_ROLES: tuple[Role, ...] = (Role.trainer, Role.manager)

EVENT_FAILED = "auth.failed"
EVENT_SUCCEEDED = "auth.succeeded"
EVENT_SET = "auth.passphrase_set"

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs


class PermissionDenied(Exception):
    """Raised when a profile tries something its role does not allow (one-line message)."""


class PassphraseError(ValueError):
    """A new passphrase that cannot be accepted (too short, the two entries differ…)."""


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The outcome of one sign-in try, with what the screen should say."""

    ok: bool
    wait_seconds: float  # how long before the next try is accepted (0 when none)
    message: str
    failures: int = 0  # consecutive failures so far (0 after a success)


# ---------------------------------------------------------------- hashing


def hash_passphrase(passphrase: str) -> str:
    """An argon2id hash string (salted, with its parameters) safe to store."""
    return _hasher.hash(passphrase)


def check_new_passphrase(passphrase: str, repeat: str | None = None) -> None:
    """Refuse a passphrase that is too short or was not typed the same twice."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long."
        )
    if repeat is not None and passphrase != repeat:
        raise PassphraseError("The two passphrases do not match. Type the same one twice.")


def set_passphrase(
    session: Session,
    *,
    profile: Profile,
    passphrase: str,
    repeat: str | None = None,
    actor_id: str | None = None,
) -> None:
    """Store the hash of a new passphrase on ``profile`` and note it in the audit log."""
    check_new_passphrase(passphrase, repeat)
    profile.passphrase_hash = hash_passphrase(passphrase)
    session.add(profile)
    _audit(session, EVENT_SET, profile.id, actor_id=actor_id or profile.id)
    session.commit()


def protected_profiles_exist(session: Session) -> bool:
    """Whether any trainer or manager profile exists yet (the first one may be made freely)."""
    stmt = select(Profile.id).where(col(Profile.role).in_([r.value for r in REVIEW_ROLES])).limit(1)
    return session.exec(stmt).first() is not None


def create_protected_profile(
    session: Session,
    *,
    name: str,
    role: Role | str,
    passphrase: str,
    repeat: str | None = None,
    team: str | None = None,
    actor: Profile | None = None,
) -> Profile:
    """Create a trainer or manager profile with its passphrase.

    The very first one can be made by anybody (someone has to set the app up); after that only
    a signed-in trainer or manager may add another, so a trainee cannot make themself a trainer.
    """
    role = Role(role)
    if role not in REVIEW_ROLES:
        raise PermissionDenied("Only trainer and manager profiles have a passphrase.")
    if protected_profiles_exist(session) and not can_review(actor):
        raise PermissionDenied(
            "Only a signed-in trainer or manager can add another trainer or manager."
        )
    name = name.strip()
    if not name:
        raise PassphraseError("Give the profile a name.")
    check_new_passphrase(passphrase, repeat)
    profile = Profile(name=name, role=role.value, team=(team or "").strip() or None)
    profile.passphrase_hash = hash_passphrase(passphrase)
    session.add(profile)
    session.flush()
    _audit(
        session,
        "profile.created",
        profile.id,
        actor_id=actor.id if actor else None,
        role=role.value,
    )
    _audit(session, EVENT_SET, profile.id, actor_id=actor.id if actor else profile.id)
    session.commit()
    return profile


# ---------------------------------------------------------------- delay after failures


def delay_for(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive wrong passphrases: 0,0,0,1,2,4,8…"""
    if failures < FREE_TRIES:
        return 0.0
    return float(min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_TRIES)))


def _auth_events(session: Session, profile_id: str, limit: int = 64) -> list[AuditLog]:
    stmt = (
        select(AuditLog)
        .where(AuditLog.target_type == "profile")
        .where(AuditLog.target_id == profile_id)
        .where(col(AuditLog.event).in_([EVENT_FAILED, EVENT_SUCCEEDED, EVENT_SET]))
        .order_by(col(AuditLog.at).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def consecutive_failures(session: Session, profile_id: str) -> tuple[int, datetime | None]:
    """Wrong tries since the last success (or new passphrase), and when the last one was."""
    count = 0
    last: datetime | None = None
    for ev in _auth_events(session, profile_id):
        if ev.event != EVENT_FAILED:
            break
        count += 1
        if last is None:
            last = ev.at
    return count, last


def seconds_until_next_try(
    session: Session, profile_id: str, *, now: datetime | None = None
) -> float:
    """How long the sign-in screen must wait before it may check another passphrase."""
    failures, last = consecutive_failures(session, profile_id)
    if last is None:
        return 0.0
    now = now or utcnow()
    ready_at = last + timedelta(seconds=delay_for(failures))
    return max(0.0, (ready_at - now).total_seconds())


def verify_passphrase(
    session: Session, *, profile: Profile, passphrase: str, now: datetime | None = None
) -> AuthResult:
    """Check a passphrase, honouring and updating the delay; every try is audited.

    A try made while the delay is running is refused without being checked or counted, so
    hammering the button gains nothing and does not lengthen the wait.
    """
    now = now or utcnow()
    if not profile.passphrase_hash:
        return AuthResult(False, 0.0, "This profile has no passphrase yet. Ask an administrator.")
    wait = seconds_until_next_try(session, profile.id, now=now)
    if wait > 0:
        failures, _ = consecutive_failures(session, profile.id)
        return AuthResult(False, wait, _wait_message(wait), failures)
    try:
        _hasher.verify(profile.passphrase_hash, passphrase)
    except VerifyMismatchError:
        ok = False
    except (VerificationError, InvalidHashError):
        ok = False
    else:
        ok = True
    if ok:
        if _hasher.check_needs_rehash(profile.passphrase_hash):
            profile.passphrase_hash = hash_passphrase(passphrase)
            session.add(profile)
        _audit(session, EVENT_SUCCEEDED, profile.id, actor_id=profile.id, at=now)
        session.commit()
        return AuthResult(True, 0.0, "Signed in.", 0)
    failures, _ = consecutive_failures(session, profile.id)
    failures += 1
    _audit(session, EVENT_FAILED, profile.id, actor_id=None, at=now, failures=failures)
    session.commit()
    wait = delay_for(failures)
    if wait > 0:
        message = "That passphrase is not right. " + _wait_message(wait)
    else:
        left = FREE_TRIES - failures
        message = (
            "That passphrase is not right. "
            + (
                f"{left} more {'try' if left == 1 else 'tries'} before a short wait."
                if left
                else ""
            )
        ).strip()
    return AuthResult(False, wait, message, failures)


def _wait_message(wait: float) -> str:
    secs = max(1, round(wait))
    return (
        f"Too many wrong tries: wait {secs} second{'s' if secs != 1 else ''} before trying again."
    )


def _audit(
    session: Session,
    event: str,
    profile_id: str,
    *,
    actor_id: str | None,
    at: datetime | None = None,
    **details: object,
) -> None:
    session.add(
        AuditLog(
            at=at or utcnow(),
            actor_id=actor_id,
            event=event,
            target_type="profile",
            target_id=profile_id,
            details_json=json.dumps(details, sort_keys=True),
        )
    )


# ---------------------------------------------------------------- permissions


def _role(profile: Profile | None) -> Role | None:
    if profile is None:
        return None
    try:
        return Role(profile.role)
    except ValueError:
        return None


def require_role(profile: Profile | None, *roles: Role | str | Iterable[Role | str]) -> None:
    """Raise :class:`PermissionDenied` unless ``profile`` has one of ``roles``."""
    wanted: set[str] = set()
    for r in roles:
        if isinstance(r, str):  # Role is a StrEnum, so this covers both
            wanted.add(str(r))
        else:
            wanted.update(str(x) for x in r)
    role = _role(profile)
    if role is None or role.value not in wanted:
        names = " or ".join(sorted(wanted))
        raise PermissionDenied(f"Only a {names} can do this.")


def can_review(profile: Profile | None) -> bool:
    """Trainers and managers may open the review screens; trainees may not."""
    return _role(profile) in REVIEW_ROLES


def require_review(profile: Profile | None) -> None:
    """Guard for every review screen and review query."""
    if not can_review(profile):
        raise PermissionDenied("Only a trainer or manager can open the review screens.")


def require_can_change_scores(profile: Profile | None) -> None:
    """Guard for overrides, comments and marking attempts reviewed."""
    if not can_review(profile):
        raise PermissionDenied("Only a trainer or manager can change scores or review attempts.")


def can_see_model_answers(profile: Profile | None, attempt: Attempt | None) -> bool:
    """Model answers are hidden from a trainee during an assessment until it is finished.

    Practice attempts show feedback as the learner goes, so their model answers are open.
    A trainee never sees model answers for somebody else's attempt.
    """
    role = _role(profile)
    if role in REVIEW_ROLES:
        return True
    if role is not Role.trainee or profile is None:
        return False
    if attempt is None:
        return True  # browsing a scenario outside any attempt (practice material)
    if attempt.profile_id != profile.id:
        return False
    if attempt.mode == AttemptMode.assessment.value:
        return attempt.status == AttemptStatus.finished.value
    return True


def require_can_see_model_answers(profile: Profile | None, attempt: Attempt | None) -> None:
    """Raise unless :func:`can_see_model_answers`; used before any model answer is shown."""
    if not can_see_model_answers(profile, attempt):
        raise PermissionDenied("Model answers are shown when the assessment is finished.")
