"""Passport evidence on top of the demo data, so the passport screen shows every status.

The shared demo (``sandbox.demo.seed_demo``) has each trainee sit one assessment; a passport
needs more. This plays further assessments through the same real timeline engine and scorer
(``sandbox.demo.play_attempt``), has the demo trainer sign them off, and records one trainer
override that lowers a score, so "earned", "missing" and "revoked" all appear.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["PassportDemo", "add_passport_evidence"]


@dataclass
class PassportDemo:
    star_id: str  # the trainee given signed-off assessments
    revoked_id: str  # the trainee whose pre-election pass was revoked by an override
    attempt_ids: list[str]


def add_passport_evidence(
    db: Any, *, scenarios_dir: Path | None = None, seed: int = 11, now: datetime | None = None
) -> PassportDemo:
    from sqlmodel import col, select

    from sandbox.demo import _load_scenarios, play_attempt
    from sandbox.scoring.engine import default_scorer
    from sandbox.store import crud
    from sandbox.store.models import Attempt, Profile

    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    wanted = (
        "flood-rumours",
        "traffic-light-down",
        "bins-flytipping",
        "gritting-potholes",
        "pre-election-share",
    )
    scenarios = {s.id: s for s in _load_scenarios(scenarios_dir, wanted)}
    scorer = default_scorer()
    with db.session() as s:
        trainer = s.execute(select(Profile).where(col(Profile.role) == "trainer")).scalars().first()
        trainees = (
            s.execute(
                select(Profile).where(col(Profile.role) == "trainee").order_by(col(Profile.name))
            )
            .scalars()
            .all()
        )
        if trainer is None or len(trainees) < 2:
            raise RuntimeError("Seed the demo data first (a trainer and two trainees are needed).")

        def best(p: Profile) -> float:
            scores = [
                a.score_overall
                for a in s.execute(select(Attempt).where(col(Attempt.profile_id) == p.id)).scalars()
                if a.score_overall
            ]
            return sum(scores) / len(scores) if scores else 0.0

        ranked = sorted(trainees, key=best, reverse=True)
        star, other = ranked[0], ranked[1]
        made: list[str] = []

        def sit(person: Profile, sid: str, days_ago: int, skill: float) -> str | None:
            sc = scenarios.get(sid)
            if sc is None:
                return None
            aid, _ = play_attempt(
                s,
                scenario=sc,
                scorer=scorer.for_scenario(sc),
                profile_id=person.id,
                seed=rng.randint(1, 10_000),
                skill=skill,
                mode="assessment",
                started_at=now - timedelta(days=days_ago, hours=rng.randint(1, 5)),
                rng=rng,
            )
            crud.set_review(
                s, attempt_id=aid, reviewed=True, outcome="passed", reviewer_id=trainer.id
            )
            made.append(aid)
            return aid

        for i, sid in enumerate(
            ("flood-rumours", "traffic-light-down", "bins-flytipping", "gritting-potholes")
        ):
            sit(star, sid, 6 - i, 0.97)
        revoked = sit(other, "pre-election-share", 2, 0.97)
        if revoked is not None:
            attempt = crud.get_attempt(s, attempt_id=revoked)
            before = attempt.score_risk if attempt is not None else None
            crud.add_override(
                s,
                attempt_id=revoked,
                family="risk",
                new=60,
                original=before,
                reason="Liked the candidate's post during the pre-election period",
                reviewer_id=trainer.id,
            )
    return PassportDemo(star_id=star.id, revoked_id=other.id, attempt_ids=made)
