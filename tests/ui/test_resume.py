"""The learner's work survives a crash: actions, drafts and the clock position come back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sandbox.scenario.models import ActionKind
from sandbox.ui.trainee.feed_model import ActionsRole, StateRole
from tests.ui.test_end_to_end import open_posts


def test_drafts_autosave_and_an_interrupted_attempt_resumes(
    qtbot: Any, app: Any, sqlite_db: Any, trainee: Any, flood_path: Path
) -> None:
    from sandbox.store import crud
    from sandbox.ui.main_window import MainWindow
    from sandbox.ui.trainee.picker import ScenarioPicker

    window = MainWindow(sqlite_db, scenarios_dir=flood_path.parent)
    qtbot.add_widget(window)
    window.current_profile = trainee
    ready: list[Any] = []
    window.start_attempt(flood_path, "practice", on_ready=ready.append)
    qtbot.waitUntil(lambda: bool(ready), timeout=20_000)
    screen = ready[0]
    session = screen.session
    session.pause()
    session.advance_by(timedelta(minutes=25))
    posts = open_posts(screen)
    answered, drafted = posts[0], posts[1]

    screen.select_post(answered.id)
    screen.composer.editor.setPlainText(
        "Thank you for telling us. Updates are on our flooding page."
    )
    screen.composer.send()
    qtbot.waitUntil(lambda: bool(session.engine.actions_for(answered.id)), timeout=10_000)

    screen.select_post(drafted.id)
    qtbot.keyClicks(screen.composer.editor, "Half-written reply")
    attempt_id = session.info.attempt_id

    # the autosave is debounced: wait for it to reach the database
    def draft_saved() -> bool:
        with sqlite_db.session() as s:
            return crud.get_drafts(s, attempt_id=attempt_id).get(drafted.id) == "Half-written reply"

    qtbot.waitUntil(draft_saved, timeout=10_000)
    elapsed = session.clock.elapsed
    session.save_clock()
    session.writer.flush()

    # "crash": the window goes without finishing the attempt
    window._end_session()
    window.close()

    second = MainWindow(sqlite_db, scenarios_dir=flood_path.parent)
    qtbot.add_widget(second)
    second.sign_in(trainee)
    qtbot.waitUntil(
        lambda: (
            isinstance(second.current_screen(), ScenarioPicker)
            and second.current_screen()._data is not None
        )
    )
    picker = second.current_screen()
    assert picker.resume_box.isVisibleTo(picker)
    assert picker._data.resumable.id == attempt_id
    resumed: list[Any] = []
    second.resume_attempt(attempt_id, on_ready=resumed.append)
    qtbot.waitUntil(lambda: bool(resumed), timeout=20_000)
    again = resumed[0]
    assert again.session.clock.paused  # the learner re-orients before time runs again
    assert again.session.clock.elapsed >= elapsed - timedelta(seconds=1)
    actions = again.session.engine.actions_for(answered.id)
    assert [a.kind for a in actions] == [ActionKind.reply]
    row = again.model.index(again.model.row_of(answered.id), 0)
    assert row.data(StateRole) == "handled"
    assert [a.text for a in row.data(ActionsRole)] == [
        actions[0].text
    ]  # the reply shows in the feed
    assert again.select_post(drafted.id)
    assert again.composer.editor.toPlainText() == "Half-written reply"
    second._end_session()
