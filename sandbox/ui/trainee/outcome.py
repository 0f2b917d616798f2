"""What an attempt came to: per-post results, family scores, response times (Qt-free).

Computed from the timeline engine's recorded actions (each carrying the score card it was given
when sent) plus a "missed" card for every post that needed an answer and got none — silence is
a failure, not a neutral outcome (guidance T8). The attempt's family score is the mean of its
posts' family scores; the overall score is the mean of the posts' overall scores (each of which
weights its families with the scorer's weights).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sandbox.scenario.models import ActionKind, Family
from sandbox.scoring.types import Finding, ScoreCard, ScoringContext, Severity

MissedScorer = Callable[[ScoringContext], ScoreCard]


@dataclass(frozen=True)
class PostOutcome:
    """One post the learner acted on, or should have."""

    post: Any  # TimelinePost
    actions: tuple[Any, ...]  # LearnerAction, in order
    cards: tuple[ScoreCard, ...]  # one per scored action (or the missed card)
    missed: bool
    first_reply_minutes: float | None
    target_minutes: int | None

    @property
    def scores(self) -> dict[Family, int | None]:
        return _mean_scores(self.cards)

    @property
    def overall(self) -> int | None:
        vals = [c.overall for c in self.cards]
        return round(statistics.fmean(vals)) if vals else None

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.cards for f in c.findings]

    @property
    def model_answers(self) -> list[str]:
        expect = self.post.expect
        return list(expect.model_answers) if expect is not None else []


@dataclass(frozen=True)
class AttemptOutcome:
    posts: tuple[PostOutcome, ...]
    scores: dict[Family, int | None]
    weights: dict[Family, float]
    overall: int
    response_minutes: dict[str, float]
    median_minutes: float | None
    mean_minutes: float | None
    answered: int
    missed: int
    sim_elapsed: timedelta
    praise: tuple[Finding, ...] = field(default=())


def _mean_scores(cards: Sequence[ScoreCard]) -> dict[Family, int | None]:
    result: dict[Family, int | None] = {}
    for family in Family:
        vals = [c.scores.get(family) for c in cards]
        nums = [v for v in vals if v is not None]
        result[family] = round(statistics.fmean(nums)) if nums else None
    return result


def build_outcome(
    engine: Any,
    now: timedelta,
    score_missed: MissedScorer,
    weights: dict[Family, float] | None = None,
) -> AttemptOutcome:
    """Results of an attempt at simulated time ``now`` (``weights``: the scorer's family weights)."""
    from sandbox.timeline.stats import response_times, summary

    times = response_times(engine)
    missed_ids = {p.id for p in engine.missed_posts(now)}
    outcomes: list[PostOutcome] = []
    weights = dict(weights or {})
    for post in engine.released:
        actions = tuple(engine.actions_for(post.id))
        if not actions and post.id not in missed_ids:
            continue
        cards: list[ScoreCard] = [a.score for a in actions if a.score is not None]
        missed = post.id in missed_ids
        if missed:
            ctx = engine.scoring_context(post.id, ActionKind.reply, None, now)
            cards.append(score_missed(ctx))
        outcomes.append(
            PostOutcome(
                post=post,
                actions=actions,
                cards=tuple(cards),
                missed=missed,
                first_reply_minutes=times.get(post.id),
                target_minutes=engine.target_minutes(post.id),
            )
        )
    all_cards = [o for o in outcomes if o.cards]
    scores: dict[Family, int | None] = {}
    for family in Family:
        vals = [o.scores.get(family) for o in all_cards]
        nums = [v for v in vals if v is not None]
        scores[family] = round(statistics.fmean(nums)) if nums else None
    if not weights:
        weights = {f: 0.25 for f in Family}
    # Overall: the mean of the posts' own overall scores, so each missed post counts as the
    # failure it is (a family mean would let five silences hide behind one good reply).
    post_overalls = [o.overall for o in all_cards if o.overall is not None]
    overall = round(statistics.fmean(post_overalls)) if post_overalls else 0
    s = summary(times)
    praise = tuple(f for o in outcomes for f in o.findings if f.severity is Severity.praise)
    return AttemptOutcome(
        posts=tuple(outcomes),
        scores=scores,
        weights=weights,
        overall=overall,
        response_minutes=times,
        median_minutes=s.median,
        mean_minutes=s.mean,
        answered=s.count,
        missed=len(missed_ids),
        sim_elapsed=now,
        praise=praise,
    )
