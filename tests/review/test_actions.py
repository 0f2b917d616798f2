"""Overrides (reason required, audited), comments and verdicts; only trainers and managers."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from sandbox.auth import PermissionDenied
from sandbox.review import actions
from sandbox.store import crud

from .helpers import make_attempt, make_trainee, make_trainer


def test_override_needs_reason_and_is_audited(session: Session) -> None:
    trainer = make_trainer(session)
    ann = make_trainee(session, "Ann")
    attempt = make_attempt(session, ann, score=40)
    with pytest.raises(crud.InvalidValue, match="reason"):
        actions.override_score(
            session, reviewer=trainer, attempt_id=attempt.id, family="tone", new=80, reason="   "
        )
    ov = actions.override_score(
        session,
        reviewer=trainer,
        attempt_id=attempt.id,
        family="tone",
        new=80,
        reason="Friendly and clear for this resident.",
    )
    assert ov.original == 40 and ov.new == 80
    # The original stays stored; the effective score shows the change.
    stored = crud.get_attempt(session, attempt_id=attempt.id)
    assert stored is not None and stored.score_tone == 40
    assert crud.effective_scores(session, attempt_id=attempt.id)["tone"] == 80
    log = crud.list_audit(session, target_id=attempt.id, events=["score.override"])
    assert len(log) == 1 and log[0].actor_id == trainer.id
    details = json.loads(log[0].details_json)
    assert details["original"] == 40 and details["new"] == 80
    assert details["reason"] == "Friendly and clear for this resident."


def test_comment_and_verdict(session: Session) -> None:
    trainer = make_trainer(session)
    ann = make_trainee(session, "Ann")
    attempt = make_attempt(session, ann)
    with pytest.raises(crud.InvalidValue):
        actions.add_comment(session, reviewer=trainer, attempt_id=attempt.id, text=" ")
    actions.add_comment(session, reviewer=trainer, attempt_id=attempt.id, text="Nice and calm.")
    assert [c.text for c in crud.list_comments(session, attempt_id=attempt.id)] == [
        "Nice and calm."
    ]
    done = actions.mark_reviewed(
        session, reviewer=trainer, attempt_id=attempt.id, outcome="not_yet"
    )
    assert done.reviewed and done.outcome == "not_yet"
    events = [e.event for e in crud.list_audit(session, target_id=attempt.id)]
    assert "attempt.reviewed" in events and "comment.added" in events


def test_trainee_cannot_change_anything(session: Session) -> None:
    ann = make_trainee(session, "Ann")
    attempt = make_attempt(session, ann, score=30)
    with pytest.raises(PermissionDenied):
        actions.override_score(
            session,
            reviewer=ann,
            attempt_id=attempt.id,
            family="overall",
            new=100,
            reason="I think I did well",
        )
    with pytest.raises(PermissionDenied):
        actions.add_comment(session, reviewer=ann, attempt_id=attempt.id, text="great job me")
    with pytest.raises(PermissionDenied):
        actions.mark_reviewed(session, reviewer=ann, attempt_id=attempt.id, outcome="passed")
    stored = crud.get_attempt(session, attempt_id=attempt.id)
    assert stored is not None and stored.score_overall == 30 and not stored.reviewed
    assert crud.list_overrides(session, attempt_id=attempt.id) == []
