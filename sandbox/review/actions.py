"""What a trainer changes while reviewing: overrides, comments and the verdict.

Thin wrappers over ``sandbox.store.crud`` that check the acting profile first, so a trainee
can never change a score whichever screen or command asks.
"""

from __future__ import annotations

from sqlmodel import Session

from sandbox.auth import require_can_change_scores
from sandbox.store import crud
from sandbox.store.models import Attempt, Comment, Outcome, Profile, ScoreOverride

__all__ = ["FAMILIES", "add_comment", "mark_reviewed", "override_score"]

FAMILIES: tuple[str, ...] = ("overall", "risk", "tone", "timing", "action")


def override_score(
    session: Session,
    *,
    reviewer: Profile,
    attempt_id: str,
    family: str,
    new: int,
    reason: str,
    action_id: str | None = None,
) -> ScoreOverride:
    """Change one family's score of an attempt (or of one reply in it); reason required.

    The original score stays stored on the attempt/action; the override and an audit entry
    record who changed what, when and why.
    """
    require_can_change_scores(reviewer)
    return crud.add_override(
        session,
        attempt_id=attempt_id,
        family=family,
        new=new,
        reason=reason,
        reviewer_id=reviewer.id,
        action_id=action_id,
    )


def add_comment(
    session: Session,
    *,
    reviewer: Profile,
    attempt_id: str,
    text: str,
    action_id: str | None = None,
) -> Comment:
    """A trainer's comment on the attempt or on one reply in it."""
    require_can_change_scores(reviewer)
    return crud.add_comment(
        session, attempt_id=attempt_id, author_id=reviewer.id, text=text, action_id=action_id
    )


def mark_reviewed(
    session: Session,
    *,
    reviewer: Profile,
    attempt_id: str,
    outcome: Outcome | str | None,
    reviewed: bool = True,
) -> Attempt:
    """Mark the attempt reviewed with a verdict: passed, not yet, or none."""
    require_can_change_scores(reviewer)
    return crud.set_review(
        session, attempt_id=attempt_id, reviewed=reviewed, outcome=outcome, reviewer_id=reviewer.id
    )
