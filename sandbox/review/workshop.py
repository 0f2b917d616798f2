"""Workshop mode: every trainee's reply to one post, side by side, best first.

Why one reply per trainee: in a workshop the room compares approaches, so each person's
latest attempt at the scenario stands for them. Names can be hidden for projecting; the
letters follow the order people started (the first to start is Trainee A), so they stay put
as more results arrive during a live session.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from sandbox.auth import require_review
from sandbox.scenario.models import Scenario
from sandbox.scoring.types import Finding
from sandbox.store import crud
from sandbox.store.models import ActionRecord, Attempt, AttemptStatus, Profile, ScoreOverride

__all__ = [
    "WorkshopPost",
    "WorkshopReply",
    "anonymous_label",
    "compare_replies",
    "workshop_posts",
    "workshop_scenarios",
]

_RESPONSES = ("reply", "private_message", "escalate")


def anonymous_label(index: int) -> str:
    """ "Trainee A" … "Trainee Z", then "Trainee AA", "Trainee AB" …"""
    letters = string.ascii_uppercase
    name = ""
    n = index
    while True:
        name = letters[n % 26] + name
        n = n // 26 - 1
        if n < 0:
            break
    return f"Trainee {name}"


@dataclass(frozen=True, slots=True)
class WorkshopPost:
    id: str
    author: str
    text: str
    at: timedelta
    source: str  # scripted or follow_up
    replies: int  # how many attempts acted on it (in the chosen period)
    model_answers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkshopReply:
    label: str  # the person's name, or "Trainee A" when names are hidden
    profile_id: str
    attempt_id: str
    action_id: str | None
    kind: str | None  # None: no response yet / missed
    text: str
    team: str | None
    minutes_after: float | None  # simulated minutes from the post to the response
    target_minutes: float | None
    office_minutes: float | None  # the time the scorer judged (office hours; emergencies 24/7)
    score: int | None  # overall, after any trainer override
    scores: dict[str, int | None]
    findings: tuple[Finding, ...]
    missed: bool  # the attempt is over and this post got no response
    in_progress: bool

    @property
    def on_time(self) -> bool | None:
        """Judged as the scorer judged it: office time against the target."""
        judged = self.office_minutes if self.office_minutes is not None else self.minutes_after
        if judged is None or self.target_minutes is None:
            return None
        return judged <= self.target_minutes


def workshop_scenarios(
    session: Session, viewer: Profile, *, since: datetime | None = None
) -> list[tuple[str, str, int]]:
    """Scenarios with attempts (in the period): (id, title, attempts), most played first."""
    require_review(viewer)
    stmt = select(
        col(Attempt.scenario_id), func.max(col(Attempt.scenario_title)), func.count()
    ).group_by(col(Attempt.scenario_id))
    if since is not None:
        stmt = stmt.where(col(Attempt.started_at) >= since)
    rows = session.exec(stmt).all()
    return sorted(((sid, t or sid, int(n)) for sid, t, n in rows), key=lambda r: (-r[2], r[1]))


def workshop_posts(
    session: Session, viewer: Profile, scenario: Scenario, *, since: datetime | None = None
) -> list[WorkshopPost]:
    """The scenario's posts that expect something (scripted, then follow-ups), with counts."""
    require_review(viewer)
    stmt = (
        select(col(ActionRecord.post_id), func.count(func.distinct(col(ActionRecord.attempt_id))))
        .join(Attempt, col(Attempt.id) == col(ActionRecord.attempt_id))
        .where(col(Attempt.scenario_id) == scenario.id)
        .group_by(col(ActionRecord.post_id))
    )
    if since is not None:
        stmt = stmt.where(col(Attempt.started_at) >= since)
    counts = {pid: int(n) for pid, n in session.exec(stmt).all()}
    names = {p.id: p.name for p in scenario.personas}
    out: list[WorkshopPost] = []
    for p in sorted(scenario.posts, key=lambda p: p.at):
        if p.expect is None:
            continue
        out.append(
            WorkshopPost(
                p.id,
                names.get(p.author, p.author),
                p.text,
                p.at,
                "scripted",
                counts.get(p.id, 0),
                tuple(p.expect.model_answers),
            )
        )
    for fu in scenario.follow_ups:
        for fp in fu.posts:
            if fp.expect is None:
                continue
            out.append(
                WorkshopPost(
                    fp.id,
                    names.get(fp.author, fp.author),
                    fp.text,
                    fp.at,
                    "follow_up",
                    counts.get(fp.id, 0),
                    tuple(fp.expect.model_answers),
                )
            )
    return out


def compare_replies(
    session: Session,
    viewer: Profile,
    *,
    scenario_id: str,
    post_id: str,
    hide_names: bool = False,
    since: datetime | None = None,
    post_at: timedelta | None = None,
) -> list[WorkshopReply]:
    """Each trainee's response to ``post_id`` in their latest attempt, best score first.

    People whose attempt is over without a response come last as "missed"; people still
    playing who have not reached the post yet are left out.
    """
    require_review(viewer)
    stmt = (
        select(Attempt, Profile)
        .join(Profile, col(Profile.id) == col(Attempt.profile_id))
        .where(col(Attempt.scenario_id) == scenario_id)
        .order_by(col(Attempt.started_at), col(Attempt.id))
    )
    if since is not None:
        stmt = stmt.where(col(Attempt.started_at) >= since)
    latest: dict[str, tuple[Attempt, Profile]] = {}
    first_start: dict[str, datetime] = {}
    for attempt, profile in session.exec(stmt).all():
        first_start.setdefault(profile.id, attempt.started_at)
        latest[profile.id] = (attempt, profile)  # ordered by start: the last one wins
    if not latest:
        return []
    attempt_ids = [a.id for a, _ in latest.values()]
    actions: dict[str, list[ActionRecord]] = {}
    for row in session.exec(
        select(ActionRecord)
        .where(col(ActionRecord.attempt_id).in_(attempt_ids))
        .where(col(ActionRecord.post_id) == post_id)
        .order_by(col(ActionRecord.seq))
    ).all():
        actions.setdefault(row.attempt_id, []).append(row)
    overrides: dict[str, list[ScoreOverride]] = {}
    for ov in session.exec(
        select(ScoreOverride)
        .where(col(ScoreOverride.attempt_id).in_(attempt_ids))
        .order_by(col(ScoreOverride.at))
    ).all():
        if ov.action_id:
            overrides.setdefault(ov.action_id, []).append(ov)

    order = sorted(latest, key=lambda pid: (first_start[pid], pid))
    letters = {pid: anonymous_label(i) for i, pid in enumerate(order)}
    out: list[WorkshopReply] = []
    for pid in order:
        attempt, profile = latest[pid]
        label = letters[pid] if hide_names else profile.name
        done = attempt.status != AttemptStatus.in_progress.value
        acted = actions.get(attempt.id, [])
        response = next((a for a in acted if a.kind in _RESPONSES), acted[0] if acted else None)
        if response is None:
            if not done:
                continue
            out.append(
                WorkshopReply(
                    label=label,
                    profile_id=pid,
                    attempt_id=attempt.id,
                    action_id=None,
                    kind=None,
                    text="",
                    team=None,
                    minutes_after=None,
                    target_minutes=None,
                    office_minutes=None,
                    score=None,
                    scores={},
                    findings=(),
                    missed=True,
                    in_progress=False,
                )
            )
            continue
        scores = {
            f: getattr(response, f"score_{f}")
            for f in ("overall", "risk", "tone", "timing", "action")
        }
        for ov in overrides.get(response.id, []):
            scores[ov.family] = ov.new
        card = crud.action_score_card(response)
        minutes = None
        if post_at is not None:
            minutes = max(0.0, (response.sim_at_seconds - post_at.total_seconds()) / 60)
        elif response.elapsed_minutes is not None:
            minutes = response.elapsed_minutes
        text = response.text or (response.note or "")
        out.append(
            WorkshopReply(
                label=label,
                profile_id=pid,
                attempt_id=attempt.id,
                action_id=response.id,
                kind=response.kind,
                text=text,
                team=response.team,
                minutes_after=minutes,
                target_minutes=response.target_minutes,
                office_minutes=response.elapsed_minutes,
                score=scores.get("overall"),
                scores=scores,
                findings=card.findings if card else (),
                missed=False,
                in_progress=not done,
            )
        )
    out.sort(key=lambda r: (r.missed, r.score is None, -(r.score or 0), r.label))
    return out
