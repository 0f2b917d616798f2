"""Passphrases, the growing delay after failures, and the role checks (no display needed)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from sandbox import auth
from sandbox.auth import PermissionDenied
from sandbox.store.models import Attempt, AuditLog, Profile, utcnow


@pytest.fixture
def trainer(session: Session) -> Profile:
    p = Profile(name="Tess Trainer", role="trainer")
    session.add(p)
    session.commit()
    auth.set_passphrase(
        session, profile=p, passphrase="correct horse battery", repeat="correct horse battery"
    )
    return p


@pytest.fixture
def t0(trainer: Profile) -> datetime:
    """A moment just after the passphrase was set (taken per test: suites can run for minutes)."""
    return utcnow() + timedelta(minutes=1)


def test_hash_is_argon2id_and_never_clear(session: Session, trainer: Profile) -> None:
    assert trainer.passphrase_hash is not None
    assert trainer.passphrase_hash.startswith("$argon2id$")
    assert "correct horse" not in trainer.passphrase_hash
    logs = session.exec(select(AuditLog)).all()
    assert all("correct horse" not in row.details_json for row in logs)


def test_right_and_wrong_passphrase(session: Session, trainer: Profile, t0: datetime) -> None:
    bad = auth.verify_passphrase(session, profile=trainer, passphrase="wrong one", now=t0)
    assert not bad.ok and bad.wait_seconds == 0 and "not right" in bad.message
    good = auth.verify_passphrase(
        session, profile=trainer, passphrase="correct horse battery", now=t0 + timedelta(seconds=1)
    )
    assert good.ok
    events = [r.event for r in session.exec(select(AuditLog).order_by(AuditLog.at)).all()]
    assert events[-2:] == ["auth.failed", "auth.succeeded"]


def test_delay_grows_and_survives_restart(session: Session, trainer: Profile, t0: datetime) -> None:
    now = t0
    waits = []
    for _ in range(6):
        r = auth.verify_passphrase(session, profile=trainer, passphrase="nope nope", now=now)
        assert not r.ok
        waits.append(r.wait_seconds)
        now += timedelta(seconds=r.wait_seconds + 0.5)
    assert waits == [0, 0, 1, 2, 4, 8]
    # A "restart": a fresh session reads the count back from the audit log.
    fresh = Session(session.get_bind())
    assert auth.consecutive_failures(fresh, trainer.id)[0] == 6
    # Trying during the wait is refused without checking, even with the right passphrase.
    early = auth.verify_passphrase(
        fresh, profile=trainer, passphrase="correct horse battery", now=now - timedelta(seconds=7)
    )
    assert not early.ok and early.wait_seconds > 0 and "wait" in early.message
    assert auth.consecutive_failures(fresh, trainer.id)[0] == 6  # not counted
    ok = auth.verify_passphrase(fresh, profile=trainer, passphrase="correct horse battery", now=now)
    assert ok.ok
    assert auth.consecutive_failures(fresh, trainer.id)[0] == 0
    fresh.close()


def test_delay_schedule_is_capped() -> None:
    assert [auth.delay_for(n) for n in range(7)] == [0, 0, 0, 1, 2, 4, 8]
    assert auth.delay_for(100) == auth.MAX_DELAY_SECONDS


def test_new_passphrase_rules() -> None:
    with pytest.raises(auth.PassphraseError, match="at least"):
        auth.check_new_passphrase("short", "short")
    with pytest.raises(auth.PassphraseError, match="do not match"):
        auth.check_new_passphrase("long enough phrase", "long enough phrasE")
    auth.check_new_passphrase("long enough phrase", "long enough phrase")


def test_trainee_cannot_review_or_change_scores() -> None:
    trainee = Profile(name="Tom", role="trainee")
    trainer = Profile(name="Tess", role="trainer")
    manager = Profile(name="Meg", role="manager")
    with pytest.raises(PermissionDenied):
        auth.require_review(trainee)
    with pytest.raises(PermissionDenied):
        auth.require_can_change_scores(trainee)
    with pytest.raises(PermissionDenied):
        auth.require_role(trainee, "trainer", "manager")
    with pytest.raises(PermissionDenied):
        auth.require_review(None)
    auth.require_review(trainer)
    auth.require_can_change_scores(manager)
    auth.require_role(manager, "manager")
    with pytest.raises(PermissionDenied):
        auth.require_role(manager, "trainer")


def test_model_answers_hidden_during_assessment() -> None:
    trainee = Profile(name="Tom", role="trainee")
    other = Profile(name="Ann", role="trainee")
    trainer = Profile(name="Tess", role="trainer")
    running = Attempt(
        profile_id=trainee.id, scenario_id="s", mode="assessment", status="in_progress"
    )
    done = Attempt(profile_id=trainee.id, scenario_id="s", mode="assessment", status="finished")
    practice = Attempt(
        profile_id=trainee.id, scenario_id="s", mode="practice", status="in_progress"
    )
    with pytest.raises(PermissionDenied, match="finished"):
        auth.require_can_see_model_answers(trainee, running)
    assert auth.can_see_model_answers(trainee, done)
    assert auth.can_see_model_answers(trainee, practice)
    assert not auth.can_see_model_answers(other, done)  # someone else's attempt
    assert auth.can_see_model_answers(trainer, running)


def test_first_trainer_free_then_only_by_a_trainer(session: Session) -> None:
    first = auth.create_protected_profile(
        session,
        name="Tess",
        role="trainer",
        passphrase="a long passphrase",
        repeat="a long passphrase",
    )
    assert first.passphrase_hash and first.passphrase_hash.startswith("$argon2id$")
    trainee = Profile(name="Tom", role="trainee")
    session.add(trainee)
    session.commit()
    with pytest.raises(PermissionDenied):
        auth.create_protected_profile(
            session, name="Sneaky", role="trainer", passphrase="x" * 12, actor=trainee
        )
    with pytest.raises(PermissionDenied):
        auth.create_protected_profile(session, name="Nobody", role="manager", passphrase="x" * 12)
    second = auth.create_protected_profile(
        session, name="Meg", role="manager", passphrase="y" * 12, repeat="y" * 12, actor=first
    )
    assert second.role == "manager"
    with pytest.raises(PermissionDenied):
        auth.create_protected_profile(
            session, name="T2", role="trainee", passphrase="z" * 12, actor=first
        )
