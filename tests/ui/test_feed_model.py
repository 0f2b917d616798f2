"""The feed's list model and filter proxy: Qt's model tester, order, threads, filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.scenario.models import ActionKind
from sandbox.ui.trainee.feed_model import (
    DepthRole,
    FeedFilter,
    FeedFilterProxy,
    PostIdRole,
    StateRole,
    TextRole,
    TimelineModel,
)
from tests.ui.conftest import COMMUNITY, make_session


def _engine(path: Path, minutes: int) -> Any:
    from sandbox.scenario.loader import load_scenario
    from sandbox.timeline.engine import TimelineEngine

    scenario = load_scenario(path)
    engine = TimelineEngine(scenario, seed=scenario.filler.seed)
    return engine, engine.advance_to(timedelta(minutes=minutes))


def _status(engine: Any, minutes: int) -> Any:
    return lambda pid: (
        engine.state(pid, timedelta(minutes=minutes)),
        engine.waiting_time(pid, timedelta(minutes=minutes)),
    )


def test_model_and_proxy_pass_qt_model_tester(qtmodeltester: Any, flood_path: Path) -> None:
    engine, posts = _engine(flood_path, 30)
    model = TimelineModel()
    model.set_status_source(_status(engine, 30))
    qtmodeltester.check(model)
    model.add_posts(posts[: len(posts) // 2])
    model.add_posts(posts[len(posts) // 2 :])
    qtmodeltester.check(model)
    proxy = FeedFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_mode(FeedFilter.needs_answer)
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < model.rowCount()


def test_newest_first_and_no_duplicates(flood_path: Path) -> None:
    _, posts = _engine(flood_path, 30)
    model = TimelineModel()
    model.add_posts(posts[:5])
    model.add_posts(posts[3:])  # overlap: already shown posts are not added twice
    assert model.rowCount() == len(posts)
    ats = [model.index(r, 0).data(PostIdRole) for r in range(model.rowCount())]
    assert ats[0] == posts[-1].id and ats[-1] == posts[0].id


@pytest.mark.parametrize("one_at_a_time", [True, False])
def test_community_replies_sit_under_their_thread(one_at_a_time: bool) -> None:
    if not COMMUNITY.is_file():
        pytest.skip("community scenario missing")
    _, posts = _engine(COMMUNITY, 24 * 60)
    model = TimelineModel(threaded=True)
    if one_at_a_time:  # as the clock releases them
        for p in posts:
            model.add_posts([p])
    else:  # all at once, as a resume or a skip does
        model.add_posts(posts)
    children = [r for r in range(model.rowCount()) if model.index(r, 0).data(DepthRole) == 1]
    assert children, "the community scenario should have threaded comments"
    by_id = {p.id: p for p in posts}
    for r in children:
        post = by_id[model.index(r, 0).data(PostIdRole)]
        # walk up to the thread's root row: the parent chain is above this row
        above = [model.index(i, 0).data(PostIdRole) for i in range(r)]
        assert post.in_reply_to in above
    top = [
        model.index(r, 0).data(PostIdRole)
        for r in range(model.rowCount())
        if model.index(r, 0).data(DepthRole) == 0
    ]
    assert all(by_id[pid].in_reply_to is None or by_id[pid].in_reply_to not in by_id for pid in top)


def test_filters_follow_state_changes(flood_path: Path, qtbot: Any) -> None:
    session = make_session(flood_path)
    engine = session.engine
    session.advance_by(timedelta(minutes=20))
    model = TimelineModel()
    model.set_status_source(session.status)
    model.add_posts(engine.released)
    proxy = FeedFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_mode(FeedFilter.needs_answer)
    before = proxy.rowCount()
    assert before > 0
    post_id = proxy.index(0, 0).data(PostIdRole)
    from sandbox.timeline.engine import LearnerAction

    engine.record(
        LearnerAction(
            post_id=post_id, kind=ActionKind.reply, text="Thanks", sim_at=session.clock.elapsed
        )
    )
    model.set_actions(post_id, engine.actions_for(post_id))
    assert proxy.rowCount() == before - 1
    proxy.set_mode(FeedFilter.handled)
    assert [proxy.index(r, 0).data(PostIdRole) for r in range(proxy.rowCount())] == [post_id]
    assert model.index(model.row_of(post_id), 0).data(StateRole) == "handled"
    with pytest.raises(ValueError):
        proxy.set_mode("nonsense")
    session.close()


def test_text_role_is_the_untrusted_text_unchanged(flood_path: Path) -> None:
    _, posts = _engine(flood_path, 30)
    evil = replace(posts[0], text="<b>hi</b> &amp; <script>x</script>")
    model = TimelineModel()
    model.add_posts([evil])
    idx = model.index(0, 0)
    assert idx.data(TextRole) == "<b>hi</b> &amp; <script>x</script>"
    from PySide6.QtCore import Qt

    assert "<b>hi</b>" in idx.data(Qt.ItemDataRole.AccessibleTextRole)


def test_time_turns_waiting_posts_overdue_lazily(flood_path: Path) -> None:
    session = make_session(flood_path)
    session.advance_by(timedelta(minutes=5))
    model = TimelineModel()
    model.set_status_source(session.status)
    model.add_posts(session.engine.released)
    model.set_now(session.clock.elapsed)
    states = {model.index(r, 0).data(StateRole) for r in range(model.rowCount())}
    assert "needs_answer" in states and "overdue" not in states
    session.advance_by(timedelta(hours=1))
    model.set_now(session.clock.elapsed)  # no signal storm: rows refresh when looked at
    states = {model.index(r, 0).data(StateRole) for r in range(model.rowCount())}
    assert "overdue" in states
    session.close()
