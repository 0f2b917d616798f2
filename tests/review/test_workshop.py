"""Workshop comparison: one reply per trainee, best first, names hidden on request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from sandbox.auth import PermissionDenied
from sandbox.review.workshop import anonymous_label, compare_replies
from sandbox.scenario.models import ActionKind
from sandbox.store import crud

from .helpers import T_START, make_trainee, make_trainer


def _attempt_with_reply(
    session: Session,
    person: Any,
    text: str,
    score: int | None,
    *,
    day: int = 0,
    finished: bool = True,
) -> str:
    attempt = crud.start_attempt(
        session,
        profile_id=person.id,
        scenario_id="flood-rumours",
        scenario_title="Flood",
        started_at=T_START + timedelta(days=day),
    )
    if text:
        action = crud.record_action(
            session,
            attempt_id=attempt.id,
            post_id="rumour-evac",
            kind=ActionKind.reply,
            text=text,
            sim_at_seconds=600,
            elapsed_minutes=7,
            target_minutes=15,
        )
        action.score_overall = score
        session.add(action)
        session.commit()
    if finished:
        crud.finish_attempt(session, attempt_id=attempt.id, score_overall=score)
    return attempt.id


def test_compare_sorted_by_score_with_hidden_names(session: Session) -> None:
    trainer = make_trainer(session)
    ann = make_trainee(session, "Ann Ashby")
    bob = make_trainee(session, "Bob Barker")
    cat = make_trainee(session, "Cat Cole")
    dan = make_trainee(session, "Dan Dale")
    _attempt_with_reply(session, ann, "Old try", 10, day=0)
    _attempt_with_reply(session, ann, "There is no evacuation.", 60, day=3)  # latest counts
    _attempt_with_reply(session, bob, "No evacuation; call 999 if in danger.", 95, day=1)
    _attempt_with_reply(session, cat, "", None, day=2)  # finished without answering
    _attempt_with_reply(session, dan, "", None, day=4, finished=False)  # not there yet

    named = compare_replies(session, trainer, scenario_id="flood-rumours", post_id="rumour-evac")
    assert [r.label for r in named] == ["Bob Barker", "Ann Ashby", "Cat Cole"]
    assert [r.score for r in named] == [95, 60, None]
    assert named[-1].missed and not named[0].missed
    assert named[1].text == "There is no evacuation."
    assert named[0].on_time is True

    hidden = compare_replies(
        session, trainer, scenario_id="flood-rumours", post_id="rumour-evac", hide_names=True
    )
    # Letters follow who started first (Ann), so they do not move as results arrive.
    assert [r.label for r in hidden] == ["Trainee B", "Trainee A", "Trainee C"]
    assert all("Ashby" not in r.label and "Barker" not in r.label for r in hidden)

    # A trainer's override of the reply's score changes the order.
    ann_reply = named[1]
    crud.add_override(
        session,
        attempt_id=ann_reply.attempt_id,
        action_id=ann_reply.action_id,
        family="overall",
        new=99,
        reason="Best in the room",
        reviewer_id=trainer.id,
    )
    again = compare_replies(session, trainer, scenario_id="flood-rumours", post_id="rumour-evac")
    assert [r.label for r in again][:2] == ["Ann Ashby", "Bob Barker"]

    with pytest.raises(PermissionDenied):
        compare_replies(session, ann, scenario_id="flood-rumours", post_id="rumour-evac")


def test_anonymous_labels() -> None:
    assert [anonymous_label(i) for i in (0, 1, 25, 26, 27)] == [
        "Trainee A",
        "Trainee B",
        "Trainee Z",
        "Trainee AA",
        "Trainee AB",
    ]


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, on show()
def test_live_refresh_on_shared_database(qtbot: Any, db: Any) -> None:
    """On PostgreSQL the workshop polls off the GUI thread and shows replies as they arrive."""
    if db.is_sqlite:
        pytest.skip("live refresh needs a shared PostgreSQL database")
    from sandbox.ui.review.workshop import WorkshopView

    with db.session() as s:
        trainer = make_trainer(s)
        ann = make_trainee(s, "Ann Ashby")
        bob = make_trainee(s, "Bob Barker")
        _attempt_with_reply(s, ann, "There is no evacuation.", 60)
    view = WorkshopView(db, trainer)
    qtbot.add_widget(view)
    view._timer.setInterval(200)
    view.show()
    assert view.live.isEnabled() and view.live.isChecked()
    qtbot.waitUntil(lambda: [r.label for r in view.replies] == ["Ann Ashby"], timeout=20_000)
    with db.session() as s:  # another laptop in the room sends its reply
        _attempt_with_reply(s, bob, "No evacuation; call 999 if in danger.", 95, day=1)
    qtbot.waitUntil(
        lambda: [r.label for r in view.replies] == ["Bob Barker", "Ann Ashby"], timeout=20_000
    )
    view.live.setChecked(False)
    assert not view._timer.isActive()
