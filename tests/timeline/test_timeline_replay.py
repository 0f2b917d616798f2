"""Replay (crash resume) gives the identical state; runs are deterministic; response stats."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from sandbox.scenario.models import ActionKind, Scenario
from sandbox.timeline.engine import LearnerAction, TimelineEngine
from sandbox.timeline.stats import response_times, summary
from tests.timeline.timeline_factory import BASE, build, card

M = timedelta(minutes=1)

FILLER = {
    "seed": 3,
    "count": 200,
    "topics": [
        {"name": "chatter", "templates": ["Lovely day in {town}", "Anyone seen {place}?"]},
        {"name": "moan", "weight": 2, "templates": ["{street} potholes again", "Bins late"]},
    ],
}

FOLLOW_UPS: list[dict[str, Any]] = [
    {
        "id": "chase",
        "post": "bins",
        "when": {"unanswered_for": "+00:20"},
        "posts": [{"id": "chase-1", "author": "resident", "text": "Hello? Anyone?"}],
    },
    {
        "id": "chase-again",
        "post": "chase-1",
        "when": {"unanswered_for": "+00:15"},
        "delay": "+00:02",
        "posts": [
            {
                "id": "chase-2",
                "author": "journo",
                "text": "Is the council ignoring residents?",
                "expect": {"action": "escalate", "team": "press_office"},
            }
        ],
    },
    {
        "id": "fed-the-troll",
        "post": "rant",
        "when": {"action_taken": "reply"},
        "delay": "+00:01",
        "posts": [
            {"id": "pile-on-1", "author": "troll", "text": "Oh look, they DO read this"},
            {"id": "pile-on-2", "at": "+00:03", "author": "troll", "text": "Answer me then"},
        ],
    },
    {
        "id": "no-escalation",
        "post": "flood",
        "when": {"action_not_taken": "escalate", "by": "+00:10"},
        "posts": [
            {
                "id": "flood-2",
                "author": "resident",
                "text": "Still no one here?",
                "priority": "emergency",
                "expect": {"action": "reply"},
            }
        ],
    },
    {
        "id": "unhappy",
        "post": "bins",
        "when": {"score_below": 50, "family": "tone"},
        "posts": [{"id": "unhappy-1", "author": "resident", "text": "That's a bit rude."}],
    },
    {
        "id": "pleased",
        "post": "flood-2",
        "when": {"score_at_least": 80},
        "posts": [{"id": "pleased-1", "author": "resident", "text": "Thank you!"}],
    },
]


def busy_scenario() -> Scenario:
    return build(filler=FILLER, follow_ups=FOLLOW_UPS, duration_minutes=180)


KINDS = [
    ActionKind.reply,
    ActionKind.private_message,
    ActionKind.escalate,
    ActionKind.hide,
    ActionKind.like,
    ActionKind.leave,
]


def snapshot(engine: TimelineEngine, until: timedelta) -> dict[str, Any]:
    return {
        "released": [(p.id, p.at, p.source, p.follow_up_id, p.author.id) for p in engine.released],
        "fired": engine.fired,
        "states": [(p.id, engine.state(p.id, until)) for p in engine.released],
        "waiting": [engine.waiting_time(p.id, until) for p in engine.released],
        "actions": engine.actions,
        "next": engine.next_event_at(),
        "missed": [p.id for p in engine.missed_posts(until)],
        "times": response_times(engine),
    }


def play_randomly(scenario: Scenario, game: int, until: timedelta) -> TimelineEngine:
    """A learner clicking about: ticks of random length, actions on random released posts."""
    rng = random.Random(game)
    engine = TimelineEngine(scenario, seed=11)
    now = timedelta(0)
    while now < until:
        now = min(until, now + timedelta(seconds=rng.randint(5, 400)))
        engine.advance_to(now)
        if engine.released and rng.random() < 0.6:
            scripted = [p for p in engine.released if p.source != "filler"]
            post = rng.choice(scripted if scripted and rng.random() < 0.8 else engine.released)
            kind = rng.choice(KINDS)
            score = (
                card(rng.randint(0, 100), tone=rng.randint(0, 100)) if rng.random() < 0.7 else None
            )
            # Sometimes the action is dated a little before now (a slow score), sometimes later.
            sim_at = now + timedelta(seconds=rng.choice((-30, 0, 0, 0, 45)))
            engine.record(LearnerAction(post.id, kind, text="Thanks", score=score, sim_at=sim_at))
            now = max(now, engine.now)
    engine.advance_to(until)
    return engine


@pytest.mark.parametrize("game", range(12))
def test_replay_rebuilds_the_identical_state(game: int) -> None:
    scenario = busy_scenario()
    until = 150 * M
    original = play_randomly(scenario, game, until)
    resumed = TimelineEngine.replay(scenario, 11, original.actions, until)
    assert snapshot(resumed, until) == snapshot(original, until)
    assert len(original.released) > 150
    assert original.actions and original.fired


def test_random_games_exercise_the_follow_ups() -> None:
    """The equivalence check above means something only if the games set follow-ups off."""
    scenario = busy_scenario()
    fired: set[str] = set()
    for game in range(12):
        fired |= set(play_randomly(scenario, game, 150 * M).fired)
    assert {"chase", "chase-again", "fed-the-troll", "no-escalation", "unhappy"} <= fired


def test_replay_of_a_scripted_session() -> None:
    scenario = busy_scenario()
    engine = TimelineEngine(scenario, seed=5)
    engine.advance_to(12 * M)
    engine.record(LearnerAction("rant", ActionKind.reply, text="Please be civil", sim_at=12 * M))
    engine.advance_to(28 * M)
    engine.record(
        LearnerAction(
            "bins", ActionKind.reply, text="Sorry", score=card(70, tone=30), sim_at=28 * M
        )
    )
    engine.advance_to(90 * M)
    stored = [LearnerAction.from_dict(a.to_dict()) for a in engine.actions]  # as a database would
    resumed = TimelineEngine.replay(scenario, 5, stored, 90 * M)
    assert snapshot(resumed, 90 * M) == snapshot(engine, 90 * M)
    assert set(resumed.fired) == {
        "fed-the-troll",
        "chase",
        "chase-again",
        "unhappy",
        "no-escalation",
    }
    # The resumed engine carries on exactly like the original.
    assert [p.id for p in resumed.advance_to(180 * M)] == [p.id for p in engine.advance_to(180 * M)]


def test_same_seed_same_timeline_and_different_seed_differs() -> None:
    scenario = busy_scenario()
    one = play_randomly(scenario, 4, 120 * M)
    two = play_randomly(scenario, 4, 120 * M)
    assert snapshot(one, 120 * M) == snapshot(two, 120 * M)
    texts = [p.text for p in TimelineEngine(scenario, seed=11).advance_to(180 * M)]
    other = [p.text for p in TimelineEngine(scenario, seed=12).advance_to(180 * M)]
    assert texts != other


def test_filler_is_released_between_scripted_posts_and_needs_no_answer() -> None:
    engine = TimelineEngine(busy_scenario(), seed=1)
    released = engine.advance_to(180 * M)
    assert [p.at for p in released] == sorted(p.at for p in released)
    filler = [p for p in released if p.source == "filler"]
    assert len(filler) == 200
    assert all(engine.state(p.id, 180 * M).value == "no_action_needed" for p in filler)
    assert [p.id for p in engine.missed_posts(180 * M)][:2] == ["bins", "flood"]


# ---------------------------------------------------------------- stats


def test_first_reply_times_median_and_mean() -> None:
    posts = [
        *BASE["posts"],
        {
            "id": "parking",
            "at": "+00:30",
            "author": "resident",
            "text": "Permit?",
            "expect": {"action": "reply"},
        },
    ]
    engine = TimelineEngine(build(posts=posts))
    engine.advance_to(15 * M)
    engine.record(LearnerAction("bins", ActionKind.reply, text="Sorry", sim_at=15 * M))  # 10
    engine.advance_to(17 * M)
    engine.record(LearnerAction("bins", ActionKind.reply, text="Again", sim_at=17 * M))  # ignored
    engine.advance_to(24 * M)
    engine.record(
        LearnerAction("flood", ActionKind.escalate, team="emergency_planning", sim_at=24 * M)
    )  # 4
    engine.record(LearnerAction("rant", ActionKind.hide, sim_at=24 * M))  # not a response
    engine.advance_to(60 * M)
    engine.record(
        LearnerAction("parking", ActionKind.private_message, text="DM", sim_at=60 * M)
    )  # 30
    times = response_times(engine)
    assert times == {"bins": 10, "flood": 4, "parking": 30}
    median, mean, count = summary(times)
    assert (median, mean, count) == (10, pytest.approx(44 / 3), 3)
    assert summary([]).median is None
    assert summary([]).count == 0


def test_first_reply_times_in_office_and_round_the_clock() -> None:
    # Thursday 17:00: bins (normal) at 17:05 answered Friday 09:05 = 25 + 35 office minutes;
    # flood (emergency) at 17:20 answered at 17:50 = 30 minutes either way.
    engine = TimelineEngine(
        build(clock={"start": "2026-01-15T17:00:00+00:00"}, duration_minutes=24 * 60)
    )
    engine.advance_to(50 * M)
    engine.record(LearnerAction("flood", ActionKind.reply, text="Call 999", sim_at=50 * M))
    friday_0905 = (16 * 60 + 5) * M
    engine.advance_to(friday_0905)
    engine.record(LearnerAction("bins", ActionKind.reply, text="Sorry", sim_at=friday_0905))
    assert response_times(engine) == {"bins": 60, "flood": 30}
    assert response_times(engine, office_time=False) == {"bins": 16 * 60, "flood": 30}
