"""The timeline engine: releases posts as simulated time passes and fires follow-ups.

Driven only by ``advance_to(elapsed)`` and ``record(action)`` calls, never by the wall clock, so
a run is a pure function of (scenario, seed, actions): tests need no real time, and an attempt
interrupted by a crash is rebuilt exactly by :meth:`TimelineEngine.replay`.

Pending work is kept sorted (the scenario's sorted timeline walked with a cursor, plus heaps for
follow-up posts and follow-up deadlines), so releasing 10,000 posts is a single linear pass.
Filler posts are ordered from their ids and times alone; their text and authors are made as they
are released (:class:`~sandbox.scenario.filler.FillerPlan`), so starting costs milliseconds and
needs no Faker, and the posts released are exactly those :func:`build_timeline` lists.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sandbox.scenario.filler import FillerPlan, scripted_posts
from sandbox.scenario.models import ActionKind, FollowUp, OfficeHours, Priority, Scenario
from sandbox.scenario.timeline_posts import TimelinePost
from sandbox.scoring.types import ScoreCard, ScoringContext
from sandbox.timeline.office_time import DEFAULT_TZ, real_minutes_between

__all__ = [
    "RESPONSE_KINDS",
    "SCORED_KINDS",
    "LearnerAction",
    "PostState",
    "TimelineEngine",
]

# Actions that count as answering a post (first-reply time, "unanswered_for", overdue).
RESPONSE_KINDS: frozenset[ActionKind] = frozenset(
    {ActionKind.reply, ActionKind.private_message, ActionKind.escalate}
)
# Actions whose text is scored, so score_below / score_at_least triggers can look at them.
SCORED_KINDS: frozenset[ActionKind] = frozenset({ActionKind.reply, ActionKind.private_message})

OfficeMinutesFn = Callable[[datetime, datetime, OfficeHours, str], float]


class PostState(StrEnum):
    """What a released post asks of the learner at a given moment."""

    needs_answer = "needs_answer"  # expects a response and has none yet
    overdue = "overdue"  # ... and is past its reply-time target
    handled = "handled"  # responded to (or, for posts needing no answer, acted on)
    no_action_needed = "no_action_needed"  # filler and leave-alone posts left alone


@dataclass(frozen=True, slots=True)
class LearnerAction:
    """One thing the learner did with a post, at a point on the simulated clock."""

    post_id: str
    kind: ActionKind
    text: str = ""
    team: str | None = None
    note: str = ""
    score: ScoreCard | None = None
    sim_at: timedelta = field(kw_only=True)

    @property
    def is_response(self) -> bool:
        """Whether this answers the post (reply, private message or escalation)."""
        return self.kind in RESPONSE_KINDS

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (for storage and transcripts)."""
        return {
            "post_id": self.post_id,
            "kind": self.kind.value,
            "text": self.text,
            "team": self.team,
            "note": self.note,
            "sim_at_seconds": self.sim_at.total_seconds(),
            "score": None if self.score is None else self.score.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LearnerAction:
        return cls(
            post_id=d["post_id"],
            kind=ActionKind(d["kind"]),
            text=d.get("text", ""),
            team=d.get("team"),
            note=d.get("note", ""),
            score=None if d.get("score") is None else ScoreCard.from_dict(d["score"]),
            sim_at=timedelta(seconds=float(d["sim_at_seconds"])),
        )


def _office_minutes_fn() -> OfficeMinutesFn:
    """The scorer's office-time function when it exists (so the badge and the score agree),
    else this package's own."""
    try:
        from sandbox.scoring.timing import office_minutes_between as scorers
    except ModuleNotFoundError as exc:
        if exc.name != "sandbox.scoring.timing":
            raise
        from sandbox.timeline.office_time import office_minutes_between as own

        return own
    return scorers


# Event kinds, in the order they are handled when they fall at the same instant.
_POST, _DEADLINE = 0, 1


class TimelineEngine:
    """Releases the scenario's posts over simulated time and reacts to the learner's actions.

    Follow-ups fire at most once: ``unanswered_for`` and ``action_not_taken`` at a deadline after
    the watched post appeared; ``action_taken`` and ``score_*`` when the action is recorded.
    Their posts appear at ``fire time + delay + post.at``. A follow-up whose watched post never
    appeared never fires.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        timeline: Sequence[TimelinePost] | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        # The timeline as slots in release order: a post, or the index of a filler post that
        # the plan makes when it is released (its id and time are known now, its text later).
        # Same order as build_timeline: by time, scripted (in file order) before filler on ties.
        if timeline is None:
            posts = scripted_posts(scenario)
            self._filler: FillerPlan | None = FillerPlan(scenario, seed)
            filler_times = self._filler.times
        else:
            posts, self._filler, filler_times = list(timeline), None, ()
        order = sorted(
            [(p.at, 0, i) for i, p in enumerate(posts)]
            + [(at, 1, n) for n, at in enumerate(filler_times)]
        )
        self._times: list[timedelta] = [at for at, _, _ in order]
        self._slots: list[TimelinePost | int] = [
            posts[i] if kind == 0 else i for _, kind, i in order
        ]
        self._cursor = 0
        self._now = timedelta(0)
        self._seq = itertools.count(len(self._slots))
        self._pending_posts: list[tuple[timedelta, int, TimelinePost]] = []
        self._deadlines: list[tuple[timedelta, int, FollowUp]] = []
        self._personas = {p.id: p for p in scenario.personas}
        self._watchers: dict[str, list[FollowUp]] = {}
        for follow_up in scenario.follow_ups:
            self._watchers.setdefault(follow_up.post, []).append(follow_up)
        self._check_ids_and_authors()

        self.released: list[TimelinePost] = []
        self._reported = 0
        self._by_id: dict[str, TimelinePost] = {}
        self._replies: dict[str, list[TimelinePost]] = {}
        self._answerable: list[TimelinePost] = []
        self._actions: list[LearnerAction] = []
        self._actions_by_post: dict[str, list[LearnerAction]] = {}
        self._first_response: dict[str, LearnerAction] = {}
        self._fired: dict[str, timedelta] = {}
        self._office_fn: OfficeMinutesFn | None = None

    # ------------------------------------------------------------------ set-up

    def _check_ids_and_authors(self) -> None:
        seen: set[str] = set()
        duplicates: list[str] = []
        follow_up_ids = (p.id for fu in self.scenario.follow_ups for p in fu.posts)
        timeline_ids = (
            slot.id if isinstance(slot, TimelinePost) else self._filler_id(slot)
            for slot in self._slots
        )
        for post_id in itertools.chain(timeline_ids, follow_up_ids):
            if post_id in seen:
                duplicates.append(post_id)
            seen.add(post_id)
        if duplicates:
            raise ValueError(
                "post ids must be unique; repeated: " + ", ".join(sorted(set(duplicates)))
            )
        for fu in self.scenario.follow_ups:
            for p in fu.posts:
                if p.author not in self._personas:
                    raise ValueError(
                        f'follow-up "{fu.id}": post "{p.id}" has unknown author "{p.author}"'
                    )

    def _filler_id(self, n: int) -> str:
        assert self._filler is not None
        return self._filler.ids[n]

    def _slot_post(self, index: int) -> TimelinePost:
        slot = self._slots[index]
        if isinstance(slot, TimelinePost):
            return slot
        assert self._filler is not None
        return self._filler.post(slot)

    def prepare_filler(self) -> None:
        """Make filler text cheap to release later (loads the name pools: Faker unless cached).

        Optional: releases work without it. The app calls it on a worker thread after the first
        paint, so the first filler post released later does not stall the clock.
        """
        if self._filler is not None:
            self._filler.prepare()

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> timedelta:
        """How far the engine has been advanced."""
        return self._now

    @property
    def start(self) -> datetime:
        """The scenario's simulated start (timezone-aware)."""
        return self.scenario.clock.start

    @property
    def end_at(self) -> timedelta:
        """When the scenario is over (its duration)."""
        return timedelta(minutes=self.scenario.duration_minutes)

    def is_finished(self, now: timedelta) -> bool:
        return now >= self.end_at

    def advance_to(self, elapsed: timedelta) -> list[TimelinePost]:
        """Release everything due by ``elapsed``, firing deadlines on the way.

        Returns the posts released since the previous ``advance_to`` (including any released by
        :meth:`record`), in release order. Going backwards releases nothing.
        """
        self._advance(elapsed)
        new = self.released[self._reported :]
        self._reported = len(self.released)
        return new

    def _advance(self, elapsed: timedelta) -> None:
        if elapsed > self._now:
            self._now = elapsed
        times, n = self._times, len(self._times)
        pending, deadlines = self._pending_posts, self._deadlines
        while True:
            # The earliest of: next scripted/filler post, next follow-up post, next deadline.
            best: tuple[timedelta, int, int] | None = None
            if self._cursor < n:
                best = (times[self._cursor], _POST, self._cursor)
            if pending:
                cand = (pending[0][0], _POST, pending[0][1])
                if best is None or cand < best:
                    best = cand
            if deadlines:
                cand = (deadlines[0][0], _DEADLINE, deadlines[0][1])
                if best is None or cand < best:
                    best = cand
            if best is None or best[0] > elapsed:
                return
            if best[1] == _DEADLINE:
                at, _, follow_up = heapq.heappop(deadlines)
                self._on_deadline(follow_up, at)
            elif self._cursor < n and best[2] == self._cursor:
                self._release(self._slot_post(self._cursor))
                self._cursor += 1
            else:
                self._release(heapq.heappop(pending)[2])

    def next_event_at(self) -> timedelta | None:
        """When the next post will appear if the learner does nothing ("skip to next post").

        Counts follow-ups that a pending deadline will fire given the actions so far.
        """
        candidates: list[timedelta] = []
        if self._cursor < len(self._times):
            candidates.append(self._times[self._cursor])
        if self._pending_posts:
            candidates.append(self._pending_posts[0][0])
        for at, _, follow_up in self._deadlines:
            if follow_up.id not in self._fired and self._deadline_fires(follow_up, at):
                candidates.append(at + follow_up.delay + min(p.at for p in follow_up.posts))
        return min(candidates) if candidates else None

    # ------------------------------------------------------------------ releases and follow-ups

    def _release(self, post: TimelinePost) -> None:
        self.released.append(post)
        self._by_id[post.id] = post
        if post.in_reply_to is not None:
            self._replies.setdefault(post.in_reply_to, []).append(post)
        if post.expect is not None and post.expect.needs_answer:
            self._answerable.append(post)
        for follow_up in self._watchers.get(post.id, ()):
            when = follow_up.when
            if when.unanswered_for is not None:
                span = when.unanswered_for
            elif when.action_not_taken is not None and when.by is not None:
                span = when.by
            else:
                continue  # fires on a recorded action instead
            heapq.heappush(self._deadlines, (post.at + span, next(self._seq), follow_up))

    def _deadline_fires(self, follow_up: FollowUp, at: timedelta) -> bool:
        when, watched = follow_up.when, follow_up.post
        if when.unanswered_for is not None:
            first = self._first_response.get(watched)
            return first is None or first.sim_at > at
        kind = when.action_not_taken
        return not any(
            a.kind is kind and a.sim_at <= at for a in self._actions_by_post.get(watched, ())
        )

    def _on_deadline(self, follow_up: FollowUp, at: timedelta) -> None:
        if follow_up.id not in self._fired and self._deadline_fires(follow_up, at):
            self._fire(follow_up, at)

    def _fire(self, follow_up: FollowUp, at: timedelta) -> None:
        self._fired[follow_up.id] = at
        for p in follow_up.posts:
            release_at = at + follow_up.delay + p.at
            post = TimelinePost(
                id=p.id,
                at=release_at,
                author=self._personas[p.author],
                text=p.text,
                priority=p.priority,
                in_reply_to=p.in_reply_to,
                expect=p.expect,
                source="follow_up",
                follow_up_id=follow_up.id,
            )
            heapq.heappush(self._pending_posts, (release_at, next(self._seq), post))

    def _action_fires(self, follow_up: FollowUp, action: LearnerAction) -> bool:
        when = follow_up.when
        if when.action_taken is not None:
            return action.kind is when.action_taken
        if when.score_below is None and when.score_at_least is None:
            return False
        if action.kind not in SCORED_KINDS or action.score is None:
            return False
        card = action.score
        value = card.overall if when.family is None else card.scores.get(when.family)
        if value is None:
            return False
        if when.score_below is not None:
            return value < when.score_below
        return when.score_at_least is not None and value >= when.score_at_least

    @property
    def fired(self) -> dict[str, timedelta]:
        """Follow-up id -> when it fired (a copy)."""
        return dict(self._fired)

    # ------------------------------------------------------------------ actions

    def record(self, action: LearnerAction) -> LearnerAction:
        """Record what the learner did; returns the action as stored (persist that one).

        An action dated after the engine's time first advances the engine to it; one dated
        before (e.g. recorded after a slow score) is re-dated to the engine's time, because
        deadlines up to now have already been judged without it. Follow-ups it fires with no
        delay are released at once and reported by the next :meth:`advance_to`.
        """
        if action.post_id not in self._by_id:
            if action.sim_at > self._now:
                self._advance(action.sim_at)
            if action.post_id not in self._by_id:
                raise ValueError(f'post "{action.post_id}" has not appeared on the timeline yet')
        if action.sim_at > self._now:
            self._advance(action.sim_at)
        elif action.sim_at < self._now:
            action = replace(action, sim_at=self._now)
        self._actions.append(action)
        self._actions_by_post.setdefault(action.post_id, []).append(action)
        if action.is_response:
            self._first_response.setdefault(action.post_id, action)
        for follow_up in self._watchers.get(action.post_id, ()):
            if follow_up.id not in self._fired and self._action_fires(follow_up, action):
                self._fire(follow_up, action.sim_at)
        self._advance(self._now)
        return action

    @property
    def actions(self) -> list[LearnerAction]:
        """Every recorded action, in the order recorded (a copy)."""
        return list(self._actions)

    def actions_for(self, post_id: str) -> list[LearnerAction]:
        return list(self._actions_by_post.get(post_id, ()))

    def first_response(self, post_id: str) -> LearnerAction | None:
        """The first reply, private message or escalation on a post."""
        return self._first_response.get(post_id)

    # ------------------------------------------------------------------ posts and their state

    def post(self, post_id: str) -> TimelinePost:
        """A released post by id (KeyError if it has not appeared)."""
        try:
            return self._by_id[post_id]
        except KeyError:
            raise KeyError(f'post "{post_id}" has not appeared on the timeline') from None

    def is_released(self, post_id: str) -> bool:
        return post_id in self._by_id

    def replies_to(self, post_id: str) -> list[TimelinePost]:
        """Released posts threaded under ``post_id`` (community pages), in release order."""
        return list(self._replies.get(post_id, ()))

    def posted_at(self, post_id: str) -> datetime:
        """The simulated wall-clock time a post appeared (for "5 min ago")."""
        return self.start + self.post(post_id).at

    def needs_answer(self, post_id: str) -> bool:
        """Whether the post's expectation asks for a response at all."""
        expect = self.post(post_id).expect
        return expect is not None and expect.needs_answer

    def target_minutes(self, post_id: str) -> int | None:
        """Reply-time target: the post's own, else its priority's; None if no answer is needed."""
        post = self.post(post_id)
        if post.expect is None or not post.expect.needs_answer:
            return None
        if post.expect.target_minutes:
            return post.expect.target_minutes
        return self.scenario.policy.response_targets[Priority(post.priority)]

    def elapsed_minutes(self, post_id: str, at: timedelta) -> float:
        """Minutes from the post appearing to ``at``: office time, but round the clock for
        emergencies (guidance S1/S2)."""
        post = self.post(post_id)
        start = self.start + post.at
        end = self.start + at
        if post.priority == Priority.emergency:
            return real_minutes_between(start, end)
        if self._office_fn is None:
            self._office_fn = _office_minutes_fn()
        return self._office_fn(start, end, self.scenario.account.office_hours, DEFAULT_TZ)

    def _is_overdue(self, post: TimelinePost, now: timedelta) -> bool:
        target = self.target_minutes(post.id)
        if target is None:
            return False
        # Office minutes never exceed real minutes: skip the calendar when clearly in time.
        if (now - post.at).total_seconds() / 60.0 <= target:
            return False
        return self.elapsed_minutes(post.id, now) > target

    def state(self, post_id: str, now: timedelta) -> PostState:
        post = self.post(post_id)
        if post.expect is None or not post.expect.needs_answer:
            acted = self._actions_by_post.get(post_id)
            if acted and acted[0].sim_at <= now:
                return PostState.handled
            return PostState.no_action_needed
        first = self._first_response.get(post_id)
        if first is not None and first.sim_at <= now:
            return PostState.handled
        return PostState.overdue if self._is_overdue(post, now) else PostState.needs_answer

    def waiting_time(self, post_id: str, now: timedelta) -> timedelta | None:
        """How long a post still needing an answer has waited (simulated time); else None."""
        if self.state(post_id, now) not in (PostState.needs_answer, PostState.overdue):
            return None
        return max(timedelta(0), now - self.post(post_id).at)

    def missed_posts(self, now: timedelta) -> list[TimelinePost]:
        """Released posts that needed an answer and had none by ``now`` (silence is rude: T8)."""
        result = []
        for post in self._answerable:
            first = self._first_response.get(post.id)
            if first is None or first.sim_at > now:
                result.append(post)
        return result

    def answerable_posts(self) -> list[TimelinePost]:
        """Released posts whose expectation needs a response, in release order."""
        return list(self._answerable)

    # ------------------------------------------------------------------ scoring

    def scoring_context(
        self,
        post_id: str,
        kind: ActionKind,
        team: str | None = None,
        at: timedelta | None = None,
    ) -> ScoringContext:
        """Everything the scorer needs about a response to ``post_id`` made at ``at`` (default:
        now), taken from the scenario."""
        post = self.post(post_id)
        when = self._now if at is None else at
        scenario = self.scenario
        target = self.target_minutes(post_id)
        return ScoringContext(
            post_text=post.text,
            action=kind,
            team=team,
            elapsed_minutes=self.elapsed_minutes(post_id, when),
            target_minutes=None if target is None else float(target),
            pre_election=scenario.policy.pre_election,
            platform=scenario.platform.kind,
            char_limit=scenario.platform.limit,
            author_kind=post.author.kind.value,
            expectation=post.expect,
            disabled_rules=frozenset(scenario.rules.disable),
            severity_overrides=dict(scenario.rules.severity),
            allow_words=tuple(scenario.rules.allow),
        )

    # ------------------------------------------------------------------ resume

    @classmethod
    def replay(
        cls,
        scenario: Scenario,
        seed: int | None,
        actions: Iterable[LearnerAction],
        until: timedelta,
    ) -> TimelineEngine:
        """Rebuild an engine from stored actions (crash resume): the same releases, follow-ups
        and states as the run that recorded them, advanced to ``until``."""
        engine = cls(scenario, seed=seed)
        for action in actions:
            engine.record(action)
        engine.advance_to(until)
        return engine
