"""TimelineEngine: releases, post states, scoring context and action handling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.scenario.models import ActionKind, PersonaKind, PlatformKind
from sandbox.timeline.engine import LearnerAction, PostState, TimelineEngine
from tests.timeline.timeline_factory import BASE, build

M = timedelta(minutes=1)


def ids(posts: list) -> list[str]:
    return [p.id for p in posts]


def reply(post_id: str, minute: float, kind: ActionKind = ActionKind.reply, **kw) -> LearnerAction:
    return LearnerAction(post_id, kind, text=kw.pop("text", "Thanks"), sim_at=minute * M, **kw)


# ---------------------------------------------------------------- release order


def test_posts_are_released_in_time_order_when_reached() -> None:
    posts = list(reversed(BASE["posts"]))  # file order must not matter
    engine = TimelineEngine(build(posts=posts))
    assert engine.advance_to(4 * M) == []
    assert engine.next_event_at() == 5 * M
    assert ids(engine.advance_to(5 * M)) == ["bins"]
    assert ids(engine.advance_to(30 * M)) == ["rant", "flood"]
    assert ids(engine.released) == ["bins", "rant", "flood"]
    assert engine.advance_to(31 * M) == []
    assert engine.next_event_at() is None


def test_released_posts_carry_their_persona_and_source() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(10 * M)
    rant = engine.post("rant")
    assert rant.author.kind is PersonaKind.troll
    assert rant.source == "scripted"
    assert rant.at == 10 * M
    assert engine.posted_at("rant") == engine.start + 10 * M
    with pytest.raises(KeyError, match="flood"):
        engine.post("flood")
    assert not engine.is_released("flood")


def test_going_backwards_releases_nothing() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(60 * M)
    assert engine.advance_to(1 * M) == []
    assert engine.now == 60 * M


def test_threaded_replies_are_indexed() -> None:
    posts = [
        *BASE["posts"],
        {
            "id": "bins-too",
            "at": "+00:07",
            "author": "journo",
            "text": "Same on our street.",
            "in_reply_to": "bins",
        },
    ]
    engine = TimelineEngine(build(posts=posts))
    engine.advance_to(60 * M)
    assert ids(engine.replies_to("bins")) == ["bins-too"]
    assert engine.replies_to("rant") == []


def test_duplicate_post_ids_are_refused() -> None:
    follow_ups = [
        {
            "id": "again",
            "post": "bins",
            "when": {"unanswered_for": "+00:30"},
            "posts": [{"id": "bins", "author": "resident", "text": "Hello?"}],
        }
    ]
    with pytest.raises(ValueError, match="repeated: bins"):
        TimelineEngine(build(follow_ups=follow_ups))


def test_scenario_end() -> None:
    engine = TimelineEngine(build(duration_minutes=90))
    assert engine.end_at == 90 * M
    assert not engine.is_finished(89 * M)
    assert engine.is_finished(90 * M)


# ---------------------------------------------------------------- states and waiting times


def test_states_through_a_posts_life() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(6 * M)
    # Normal priority: 240-minute target.
    assert engine.target_minutes("bins") == 240
    assert engine.state("bins", 6 * M) is PostState.needs_answer
    assert engine.waiting_time("bins", 6 * M) == 1 * M
    assert engine.state("bins", 246 * M) is PostState.overdue
    assert engine.waiting_time("bins", 246 * M) == 241 * M
    engine.advance_to(50 * M)
    engine.record(reply("bins", 50))
    assert engine.state("bins", 50 * M) is PostState.handled
    assert engine.waiting_time("bins", 50 * M) is None
    # Looking back to before the reply, it was still waiting.
    assert engine.state("bins", 40 * M) is PostState.needs_answer


def test_emergency_target_and_overdue() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(20 * M)
    assert engine.target_minutes("flood") == 15
    assert engine.state("flood", 35 * M) is PostState.needs_answer
    assert engine.state("flood", 36 * M) is PostState.overdue
    engine.advance_to(40 * M)
    engine.record(reply("flood", 40, ActionKind.escalate, team="emergency_planning"))
    assert engine.state("flood", 40 * M) is PostState.handled


def test_posts_needing_no_answer() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(60 * M)
    assert engine.target_minutes("rant") is None
    assert engine.state("rant", 60 * M) is PostState.no_action_needed
    assert engine.waiting_time("rant", 60 * M) is None
    engine.record(reply("rant", 60, ActionKind.hide))
    assert engine.state("rant", 60 * M) is PostState.handled


def test_hide_or_like_is_not_an_answer() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(10 * M)
    engine.record(reply("bins", 10, ActionKind.like))
    assert engine.state("bins", 10 * M) is PostState.needs_answer
    assert engine.first_response("bins") is None


def test_own_target_wins_over_priority() -> None:
    posts = [dict(BASE["posts"][0], expect={"action": "reply", "target_minutes": 30})]
    engine = TimelineEngine(build(posts=posts))
    engine.advance_to(5 * M)
    assert engine.target_minutes("bins") == 30
    assert engine.state("bins", 36 * M) is PostState.overdue


def test_overdue_counts_office_time_not_the_weekend() -> None:
    # Friday 17:00: a normal post (240-minute target) is not overdue on Saturday morning,
    # but is once Monday's office time passes the target.
    engine = TimelineEngine(
        build(clock={"start": "2026-01-16T17:00:00+00:00"}, duration_minutes=4 * 24 * 60)
    )
    engine.advance_to(5 * M)
    saturday = 17 * 60 * M  # Saturday 10:00
    assert engine.elapsed_minutes("bins", saturday) == 25
    assert engine.state("bins", saturday) is PostState.needs_answer
    monday_noon = (3 * 24 * 60 - 5 * 60) * M  # Monday 12:00
    assert engine.elapsed_minutes("bins", monday_noon) == 25 + 210
    assert engine.state("bins", monday_noon) is PostState.needs_answer
    monday_1240 = monday_noon + 40 * M
    assert engine.state("bins", monday_1240) is PostState.overdue
    # The waiting time shown is simulated clock time, weekend included.
    assert engine.waiting_time("bins", monday_1240) == monday_1240 - 5 * M


def test_emergencies_are_timed_round_the_clock() -> None:
    engine = TimelineEngine(
        build(clock={"start": "2026-01-16T17:00:00+00:00"}, duration_minutes=24 * 60)
    )
    engine.advance_to(20 * M)
    assert engine.elapsed_minutes("flood", 20 * M + 180 * M) == 180
    assert engine.state("flood", 60 * M) is PostState.overdue


def test_missed_posts() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(120 * M)
    assert ids(engine.missed_posts(120 * M)) == ["bins", "flood"]
    engine.record(reply("bins", 120))
    assert ids(engine.missed_posts(120 * M)) == ["flood"]
    assert ids(engine.missed_posts(119 * M)) == ["bins", "flood"]
    assert ids(engine.answerable_posts()) == ["bins", "flood"]


# ---------------------------------------------------------------- actions


def test_actions_are_kept_per_post_in_order() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(30 * M)
    first = engine.record(reply("bins", 30, text="Sorry about that"))
    engine.record(reply("bins", 30, ActionKind.private_message, text="DM us your address"))
    assert [a.kind for a in engine.actions_for("bins")] == [
        ActionKind.reply,
        ActionKind.private_message,
    ]
    assert engine.first_response("bins") == first
    assert engine.actions_for("rant") == []
    assert len(engine.actions) == 2


def test_action_on_an_unreleased_post_is_refused() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(6 * M)
    with pytest.raises(ValueError, match="not appeared"):
        engine.record(reply("flood", 6))


def test_action_dated_later_advances_the_engine() -> None:
    engine = TimelineEngine(build())
    stored = engine.record(reply("flood", 25))
    assert engine.now == 25 * M
    assert stored.sim_at == 25 * M
    assert ids(engine.advance_to(25 * M)) == ["bins", "rant", "flood"]


def test_action_dated_in_the_past_is_redated_to_now() -> None:
    engine = TimelineEngine(build())
    engine.advance_to(30 * M)
    stored = engine.record(reply("bins", 10))
    assert stored.sim_at == 30 * M
    assert engine.actions_for("bins") == [stored]


def test_learner_action_round_trips_through_a_dict() -> None:
    from tests.timeline.timeline_factory import card

    action = LearnerAction(
        "flood",
        ActionKind.escalate,
        team="emergency_planning",
        note="Mill Lane",
        score=card(70, tone=50),
        sim_at=timedelta(minutes=3, seconds=30),
    )
    assert LearnerAction.from_dict(action.to_dict()) == action
    assert action.is_response


# ---------------------------------------------------------------- scoring context


def test_scoring_context_is_built_from_the_scenario() -> None:
    scenario = build(
        policy={"pre_election": True},
        platform={"kind": "community"},
        rules={"disable": ["tone.jargon"], "severity": {"risk.x": "info"}, "allow": ["Mill"]},
    )
    engine = TimelineEngine(scenario)
    engine.advance_to(20 * M)
    ctx = engine.scoring_context("flood", ActionKind.escalate, "emergency_planning", 32 * M)
    assert ctx.post_text.startswith("Water coming")
    assert ctx.action is ActionKind.escalate
    assert ctx.team == "emergency_planning"
    assert ctx.elapsed_minutes == 12
    assert ctx.target_minutes == 15
    assert ctx.pre_election is True
    assert ctx.platform is PlatformKind.community
    assert ctx.char_limit == 2000
    assert ctx.author_kind == "resident"
    assert ctx.expectation is not None and ctx.expectation.team == "emergency_planning"
    assert ctx.disabled_rules == frozenset({"tone.jargon"})
    assert ctx.severity_overrides == {"risk.x": "info"}
    assert ctx.allow_words == ("Mill",)

    troll_ctx = engine.scoring_context("rant", ActionKind.reply)
    assert troll_ctx.author_kind == "troll"
    assert troll_ctx.target_minutes is None
    assert troll_ctx.elapsed_minutes == 10  # defaults to the engine's time
    assert troll_ctx.char_limit == 2000
