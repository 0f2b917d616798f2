"""A reviewable transcript: the attempt replayed on its scenario's timeline.

Why replay: the database stores what the learner did (actions, with score cards as scored at
the time), not the posts. Replaying the actions through the timeline engine with the attempt's
seed gives back exactly the posts the learner saw, including follow-ups their actions set
off, in simulated-time order. If the scenario file is missing, the transcript still shows
every action and score; only the post texts are unavailable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from sandbox.auth import PermissionDenied, can_review, can_see_model_answers
from sandbox.review.scenarios import find_scenario
from sandbox.scenario.models import ActionKind, Priority, Scenario
from sandbox.scenario.timeline_posts import TimelinePost
from sandbox.scoring.types import ScoreCard
from sandbox.store import crud
from sandbox.store.models import ActionRecord, Attempt, Comment, Profile, ScoreOverride

__all__ = [
    "FAMILY_ORDER",
    "ActionView",
    "CommentView",
    "OverrideView",
    "PostView",
    "Transcript",
    "TranscriptEntry",
    "build_transcript",
]

log = logging.getLogger(__name__)

FAMILY_ORDER: tuple[str, ...] = ("overall", "risk", "tone", "timing", "action")


@dataclass(frozen=True, slots=True)
class OverrideView:
    family: str
    original: int | None
    new: int
    reason: str
    reviewer: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CommentView:
    id: str
    author: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PostView:
    """A post as the learner saw it."""

    id: str
    at: timedelta | None  # simulated offset from the scenario start; None if unknown
    clock: datetime | None  # simulated clock time it appeared
    author_name: str
    author_handle: str
    author_kind: str
    text: str
    priority: str
    source: str  # scripted, filler, follow_up, unknown
    needs_answer: bool
    expected_actions: tuple[str, ...] = ()
    target_minutes: int | None = None
    model_answers: tuple[str, ...] = ()  # empty when the viewer may not see them yet
    trainer_notes: str = ""
    in_reply_to: str | None = None


@dataclass(frozen=True, slots=True)
class ActionView:
    """Something the learner did, with its score card and the trainer's changes."""

    id: str
    seq: int
    kind: str
    text: str
    team: str | None
    note: str | None
    sim_at: timedelta
    clock: datetime | None
    elapsed_minutes: float | None  # post → response, office time
    target_minutes: float | None
    card: ScoreCard | None
    original_scores: dict[str, int | None]
    scores: dict[str, int | None]  # after overrides
    overrides: tuple[OverrideView, ...] = ()
    comments: tuple[CommentView, ...] = ()

    @property
    def on_time(self) -> bool | None:
        if self.elapsed_minutes is None or self.target_minutes is None:
            return None
        return self.elapsed_minutes <= self.target_minutes

    @property
    def is_response(self) -> bool:
        return self.kind in ("reply", "private_message", "escalate")


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    post: PostView
    actions: tuple[ActionView, ...]

    @property
    def missed(self) -> bool:
        """Needed an answer and got none (silence is rude)."""
        return self.post.needs_answer and not any(a.is_response for a in self.actions)


@dataclass(frozen=True, slots=True)
class Transcript:
    """Everything the transcript screen and the PDF show about one attempt."""

    attempt_id: str
    trainee_id: str
    trainee_name: str
    trainee_team: str | None
    scenario_id: str
    scenario_title: str
    scenario_version: str
    account_name: str
    mode: str
    status: str
    seed: int
    started_at: datetime
    ended_at: datetime | None
    reviewed: bool
    outcome: str | None
    original_scores: dict[str, int | None]
    scores: dict[str, int | None]
    overrides: tuple[OverrideView, ...]
    comments: tuple[CommentView, ...]
    entries: tuple[TranscriptEntry, ...]
    model_answers_shown: bool
    notice: str | None = None  # e.g. "The scenario file is not in the library…"
    action_ids: frozenset[str] = field(default_factory=frozenset)

    def entry_for_action(self, action_id: str) -> TranscriptEntry | None:
        for e in self.entries:
            if any(a.id == action_id for a in e.actions):
                return e
        return None

    def action(self, action_id: str) -> ActionView | None:
        for e in self.entries:
            for a in e.actions:
                if a.id == action_id:
                    return a
        return None

    @property
    def missed_count(self) -> int:
        return sum(1 for e in self.entries if e.missed)


def _scores_of(row: Attempt | ActionRecord) -> dict[str, int | None]:
    return {f: getattr(row, f"score_{f}") for f in FAMILY_ORDER}


def _replay(
    scenario: Scenario, attempt: Attempt, actions: list[ActionRecord]
) -> list[TimelinePost]:
    from sandbox.timeline.engine import LearnerAction, TimelineEngine

    learner = [
        LearnerAction(
            post_id=a.post_id,
            kind=ActionKind(a.kind),
            text=a.text,
            team=a.team,
            note=a.note or "",
            score=crud.action_score_card(a),
            sim_at=timedelta(seconds=a.sim_at_seconds),
        )
        for a in actions
    ]
    last = max((a.sim_at_seconds for a in actions), default=0.0)
    until = timedelta(seconds=max(last, attempt.sim_elapsed_seconds or 0.0))
    engine = TimelineEngine(scenario, seed=attempt.seed)
    if attempt.status == "finished":
        until = max(until, engine.end_at)
    for action in learner:
        engine.record(action)
    engine.advance_to(until)
    return list(engine.released)


def _post_view(post: TimelinePost, scenario: Scenario, show_answers: bool) -> PostView:
    expect = post.expect
    target: int | None = None
    if expect is not None and expect.needs_answer:
        target = expect.target_minutes or scenario.policy.response_targets[Priority(post.priority)]
    return PostView(
        id=post.id,
        at=post.at,
        clock=scenario.clock.start + post.at,
        author_name=post.author.name,
        author_handle=post.author.handle,
        author_kind=post.author.kind.value,
        text=post.text,
        priority=str(post.priority.value if hasattr(post.priority, "value") else post.priority),
        source=post.source,
        needs_answer=post.needs_answer,
        expected_actions=tuple(a.value for a in expect.action) if expect else (),
        target_minutes=target,
        model_answers=tuple(expect.model_answers) if (expect and show_answers) else (),
        trainer_notes=(expect.trainer_notes if (expect and show_answers) else ""),
        in_reply_to=post.in_reply_to,
    )


def _unknown_post(post_id: str) -> PostView:
    return PostView(
        id=post_id,
        at=None,
        clock=None,
        author_name="",
        author_handle="",
        author_kind="",
        text="(This post's text is not available: the scenario file is missing or has changed.)",
        priority="normal",
        source="unknown",
        needs_answer=False,
    )


def build_transcript(
    session: Session,
    viewer: Profile,
    attempt_id: str,
    *,
    scenarios_dir: Path | None = None,
    scenario: Scenario | None = None,
) -> Transcript:
    """The transcript of one attempt, as ``viewer`` may see it.

    Trainers and managers see any attempt, with model answers. A trainee may see only their
    own, and model answers of an assessment only once it is finished.
    """
    attempt = crud.get_attempt(session, attempt_id=attempt_id)
    if attempt is None:
        raise crud.NotFound(f"No attempt with id {attempt_id}.")
    if not can_review(viewer) and (viewer is None or viewer.id != attempt.profile_id):
        raise PermissionDenied("Only a trainer or manager can open other people's transcripts.")
    show_answers = can_see_model_answers(viewer, attempt)
    trainee = crud.get_profile(session, profile_id=attempt.profile_id)
    actions = crud.list_actions(session, attempt_id=attempt_id)
    overrides = crud.list_overrides(session, attempt_id=attempt_id)
    comments = crud.list_comments(session, attempt_id=attempt_id)
    names: dict[str, str] = {}

    def name_of(profile_id: str) -> str:
        if profile_id not in names:
            p = crud.get_profile(session, profile_id=profile_id)
            names[profile_id] = p.name if p else "(unknown)"
        return names[profile_id]

    def ov_view(o: ScoreOverride) -> OverrideView:
        return OverrideView(o.family, o.original, o.new, o.reason, name_of(o.reviewer_id), o.at)

    def cm_view(c: Comment) -> CommentView:
        return CommentView(c.id, name_of(c.author_id), c.text, c.at)

    notice: str | None = None
    if scenario is None:
        scenario = find_scenario(attempt.scenario_id, scenarios_dir)
    released: list[TimelinePost] = []
    if scenario is None:
        notice = (
            f'The scenario "{attempt.scenario_id}" is not in the scenario library on this '
            "computer, so the posts' text cannot be shown; the learner's actions and scores are."
        )
    else:
        if attempt.scenario_version and attempt.scenario_version != scenario.version:
            notice = (
                f"This attempt was made on version {attempt.scenario_version} of the scenario; "
                f"the library has version {scenario.version}, so posts may differ slightly."
            )
        try:
            released = _replay(scenario, attempt, actions)
        except Exception as exc:
            log.warning("replaying attempt %s failed: %r", attempt_id, exc)
            notice = (
                "The scenario has changed since this attempt, so the timeline could not be "
                "rebuilt exactly; posts are shown where they could be found."
            )
            from sandbox.scenario.filler import build_timeline

            try:
                released = build_timeline(scenario, seed=attempt.seed)
            except Exception:
                released = []

    action_views: dict[str, list[ActionView]] = {}
    start = scenario.clock.start if scenario else None
    for a in actions:
        card = crud.action_score_card(a)
        original = _scores_of(a)
        effective = dict(original)
        mine = [o for o in overrides if o.action_id == a.id]
        for o in mine:
            effective[o.family] = o.new
        sim_at = timedelta(seconds=a.sim_at_seconds)
        action_views.setdefault(a.post_id, []).append(
            ActionView(
                id=a.id,
                seq=a.seq,
                kind=a.kind,
                text=a.text,
                team=a.team,
                note=a.note,
                sim_at=sim_at,
                clock=(start + sim_at) if start else None,
                elapsed_minutes=a.elapsed_minutes,
                target_minutes=a.target_minutes,
                card=card,
                original_scores=original,
                scores=effective,
                overrides=tuple(ov_view(o) for o in mine),
                comments=tuple(cm_view(c) for c in comments if c.action_id == a.id),
            )
        )

    entries: list[TranscriptEntry] = []
    seen: set[str] = set()
    for post in released:
        if post.id in seen:
            continue
        acted = action_views.get(post.id, [])
        if post.expect is None and not acted:
            continue  # background filler nobody touched
        seen.add(post.id)
        assert scenario is not None
        entries.append(TranscriptEntry(_post_view(post, scenario, show_answers), tuple(acted)))
    orphans = [pid for pid in action_views if pid not in seen]
    for pid in sorted(orphans, key=lambda p: action_views[p][0].sim_at):
        entries.append(TranscriptEntry(_unknown_post(pid), tuple(action_views[pid])))
    entries.sort(
        key=lambda e: (
            e.post.at
            if e.post.at is not None
            else (e.actions[0].sim_at if e.actions else timedelta.max)
        )
    )

    attempt_scores = _scores_of(attempt)
    effective = dict(attempt_scores)
    top = [o for o in overrides if o.action_id is None]
    for o in top:
        effective[o.family] = o.new
    return Transcript(
        attempt_id=attempt.id,
        trainee_id=attempt.profile_id,
        trainee_name=trainee.name if trainee else "(unknown)",
        trainee_team=trainee.team if trainee else None,
        scenario_id=attempt.scenario_id,
        scenario_title=attempt.scenario_title
        or (scenario.title if scenario else attempt.scenario_id),
        scenario_version=attempt.scenario_version,
        account_name=scenario.account.name if scenario else "",
        mode=attempt.mode,
        status=attempt.status,
        seed=attempt.seed,
        started_at=attempt.started_at,
        ended_at=attempt.ended_at,
        reviewed=attempt.reviewed,
        outcome=attempt.outcome,
        original_scores=attempt_scores,
        scores=effective,
        overrides=tuple(ov_view(o) for o in top),
        comments=tuple(cm_view(c) for c in comments if c.action_id is None),
        entries=tuple(entries),
        model_answers_shown=show_answers,
        notice=notice,
        action_ids=frozenset(a.id for a in actions),
    )
