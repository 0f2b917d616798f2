"""Small builders for review tests: people and finished attempts straight through crud."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from sandbox import auth
from sandbox.store import crud
from sandbox.store.models import Attempt, Profile

PASSPHRASE = "kettle biscuit lantern"
T_START = datetime(2026, 2, 9, 9, 0, tzinfo=UTC)


def make_trainer(session: Session, name: str = "Tess Trainer") -> Profile:
    return auth.create_protected_profile(
        session, name=name, role="trainer", passphrase=PASSPHRASE, repeat=PASSPHRASE
    )


def make_trainee(session: Session, name: str, team: str | None = "Team North") -> Profile:
    return crud.create_profile(session, name=name, role="trainee", team=team)


def make_attempt(
    session: Session,
    trainee: Profile,
    *,
    scenario_id: str = "flood-rumours",
    title: str = "River Wendle flooding",
    score: int | None = 70,
    mode: str = "practice",
    day: int = 0,
    finished: bool = True,
) -> Attempt:
    attempt = crud.start_attempt(
        session,
        profile_id=trainee.id,
        scenario_id=scenario_id,
        scenario_title=title,
        mode=mode,
        started_at=T_START + timedelta(days=day),
    )
    if finished:
        attempt = crud.finish_attempt(
            session,
            attempt_id=attempt.id,
            score_overall=score,
            score_risk=score,
            score_tone=score,
            score_timing=score,
            score_action=score,
            ended_at=T_START + timedelta(days=day, hours=1),
        )
    return attempt
