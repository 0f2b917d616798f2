"""Follow-ups: each trigger kind firing and not firing, at most once, chains."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox.scenario.models import ActionKind
from sandbox.timeline.engine import LearnerAction, TimelineEngine
from tests.timeline.timeline_factory import build, card

M = timedelta(minutes=1)


def follow_up(
    fid: str, watched: str, when: dict[str, Any], *post_ids: str, delay: str = "+00:00"
) -> dict[str, Any]:
    posts = [
        {"id": pid, "at": f"+00:0{i}", "author": "resident", "text": f"Follow-up {pid}"}
        for i, pid in enumerate(post_ids or (f"{fid}-post",))
    ]
    return {"id": fid, "post": watched, "when": when, "delay": delay, "posts": posts}


def engine_with(*follow_ups: dict[str, Any]) -> TimelineEngine:
    return TimelineEngine(build(follow_ups=list(follow_ups)))


def act(
    engine: TimelineEngine,
    post_id: str,
    minute: float,
    kind: ActionKind = ActionKind.reply,
    **kw: Any,
) -> LearnerAction:
    engine.advance_to(minute * M)
    return engine.record(LearnerAction(post_id, kind, text="Thanks", sim_at=minute * M, **kw))


def released_ids(engine: TimelineEngine) -> list[str]:
    return [p.id for p in engine.released]


# ---------------------------------------------------------------- unanswered_for


def test_unanswered_for_fires_at_release_plus_span() -> None:
    engine = engine_with(follow_up("chase", "bins", {"unanswered_for": "+00:30"}, delay="+00:02"))
    engine.advance_to(36 * M)
    assert "chase-post" not in released_ids(engine)
    new = engine.advance_to(37 * M)  # 5 + 30 + 2
    assert [p.id for p in new] == ["chase-post"]
    post = engine.post("chase-post")
    assert post.source == "follow_up"
    assert post.follow_up_id == "chase"
    assert post.at == 37 * M
    assert post.author.id == "resident"
    assert engine.fired == {"chase": 35 * M}


def test_unanswered_for_does_not_fire_when_answered_in_time() -> None:
    engine = engine_with(follow_up("chase", "bins", {"unanswered_for": "+00:30"}))
    act(engine, "bins", 34.5)
    engine.advance_to(120 * M)
    assert "chase-post" not in released_ids(engine)
    assert engine.fired == {}


def test_unanswered_for_counts_escalation_and_private_message_but_not_hide() -> None:
    for kind, fires in [
        (ActionKind.escalate, False),
        (ActionKind.private_message, False),
        (ActionKind.hide, True),
        (ActionKind.like, True),
    ]:
        engine = engine_with(follow_up("chase", "bins", {"unanswered_for": "+00:30"}))
        act(engine, "bins", 10, kind, team="waste" if kind is ActionKind.escalate else None)
        engine.advance_to(120 * M)
        assert ("chase" in engine.fired) is fires, kind


def test_answer_after_the_deadline_is_too_late() -> None:
    engine = engine_with(follow_up("chase", "bins", {"unanswered_for": "+00:30"}))
    act(engine, "bins", 35)  # the deadline is judged as the clock reaches it
    assert engine.fired == {"chase": 35 * M}
    assert "chase-post" in released_ids(engine)


# ---------------------------------------------------------------- action_not_taken / taken


def test_action_not_taken_fires_at_the_deadline() -> None:
    engine = engine_with(
        follow_up("no-escalation", "flood", {"action_not_taken": "escalate", "by": "+00:10"})
    )
    act(engine, "flood", 25)  # a public reply is not the escalation it wanted
    assert engine.advance_to(29 * M) == []
    assert [p.id for p in engine.advance_to(30 * M)] == ["no-escalation-post"]


def test_action_not_taken_does_not_fire_when_taken() -> None:
    engine = engine_with(
        follow_up("no-escalation", "flood", {"action_not_taken": "escalate", "by": "+00:10"})
    )
    act(engine, "flood", 28, ActionKind.escalate, team="emergency_planning")
    engine.advance_to(120 * M)
    assert engine.fired == {}


def test_action_taken_fires_when_recorded() -> None:
    engine = engine_with(
        follow_up("fed-the-troll", "rant", {"action_taken": "reply"}, "pile-on", delay="+00:03")
    )
    act(engine, "rant", 12, ActionKind.hide)
    assert engine.fired == {}
    act(engine, "rant", 14)
    assert engine.fired == {"fed-the-troll": 14 * M}
    assert engine.next_event_at() == 17 * M
    assert [p.id for p in engine.advance_to(17 * M)] == ["pile-on"]


def test_zero_delay_follow_up_appears_at_once() -> None:
    engine = engine_with(follow_up("thanks", "bins", {"action_taken": "reply"}))
    act(engine, "bins", 6)
    assert "thanks-post" in released_ids(engine)
    assert [p.id for p in engine.advance_to(6 * M)] == ["thanks-post"]


# ---------------------------------------------------------------- score triggers


def test_score_below_overall() -> None:
    engine = engine_with(follow_up("unhappy", "bins", {"score_below": 60}))
    act(engine, "bins", 6, score=card(75))
    assert engine.fired == {}
    act(engine, "bins", 8, score=card(40))
    assert engine.fired == {"unhappy": 8 * M}


def test_score_below_on_a_family() -> None:
    engine = engine_with(follow_up("curt", "bins", {"score_below": 50, "family": "tone"}))
    act(engine, "bins", 6, score=card(90, tone=55))
    assert engine.fired == {}
    act(engine, "bins", 7, score=card(90, tone=None))  # family not applicable: no judgement
    assert engine.fired == {}
    act(engine, "bins", 8, score=card(90, tone=30))
    assert "curt" in engine.fired


def test_score_at_least() -> None:
    engine = engine_with(follow_up("grateful", "bins", {"score_at_least": 80}))
    act(engine, "bins", 6, score=card(79))
    assert engine.fired == {}
    act(engine, "bins", 9, ActionKind.private_message, score=card(80))
    assert engine.fired == {"grateful": 9 * M}


def test_score_triggers_ignore_unscored_and_non_text_actions() -> None:
    engine = engine_with(follow_up("unhappy", "flood", {"score_below": 60}))
    act(engine, "flood", 21)  # no score
    act(engine, "flood", 22, ActionKind.escalate, team="emergency_planning", score=card(10))
    engine.advance_to(120 * M)
    assert engine.fired == {}


# ---------------------------------------------------------------- at most once, chains


def test_each_follow_up_fires_at_most_once() -> None:
    engine = engine_with(follow_up("unhappy", "bins", {"score_below": 60}))
    act(engine, "bins", 6, score=card(10))
    act(engine, "bins", 7, score=card(20))
    engine.advance_to(120 * M)
    assert engine.fired == {"unhappy": 6 * M}
    assert released_ids(engine).count("unhappy-post") == 1


def test_chained_follow_ups() -> None:
    engine = engine_with(
        follow_up("chase", "bins", {"unanswered_for": "+00:30"}, "chase-1"),
        follow_up("chase-again", "chase-1", {"unanswered_for": "+00:20"}, "chase-2"),
        follow_up("reporter", "chase-2", {"action_taken": "reply"}, "press-query"),
    )
    engine.advance_to(35 * M)
    assert "chase-1" in released_ids(engine)
    engine.advance_to(55 * M)
    assert "chase-2" in released_ids(engine)
    act(engine, "chase-2", 60)
    assert released_ids(engine)[-1] == "press-query"
    assert engine.fired == {"chase": 35 * M, "chase-again": 55 * M, "reporter": 60 * M}


def test_chain_stops_when_the_first_link_is_answered() -> None:
    engine = engine_with(
        follow_up("chase", "bins", {"unanswered_for": "+00:30"}, "chase-1"),
        follow_up("chase-again", "chase-1", {"unanswered_for": "+00:20"}, "chase-2"),
    )
    act(engine, "bins", 10)
    engine.advance_to(600 * M)
    assert engine.fired == {}
    assert released_ids(engine) == ["bins", "rant", "flood"]


def test_follow_up_watching_a_never_released_post_never_fires() -> None:
    engine = engine_with(
        follow_up("unhappy", "bins", {"score_below": 10}, "complaint"),
        follow_up("about-complaint", "complaint", {"unanswered_for": "+00:01"}, "escalation"),
    )
    act(engine, "bins", 6, score=card(90))
    engine.advance_to(24 * 60 * M)
    assert engine.fired == {}
    assert released_ids(engine) == ["bins", "rant", "flood"]


def test_several_follow_up_posts_keep_their_offsets() -> None:
    engine = engine_with(
        follow_up("pile-on", "rant", {"action_taken": "reply"}, "a", "b", "c", delay="+00:05")
    )
    act(engine, "rant", 11)
    engine.advance_to(120 * M)
    assert {p.id: p.at for p in engine.released if p.source == "follow_up"} == {
        "a": 16 * M,
        "b": 17 * M,
        "c": 18 * M,
    }


def test_next_event_includes_a_follow_up_a_deadline_will_fire() -> None:
    engine = engine_with(follow_up("chase", "flood", {"unanswered_for": "+01:00"}, delay="+00:05"))
    engine.advance_to(20 * M)
    assert engine.next_event_at() == 85 * M
    act(engine, "flood", 21)
    assert engine.next_event_at() is None
