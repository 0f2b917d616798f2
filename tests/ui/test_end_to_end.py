"""A trainee's whole journey through the real window: sign in, open a scenario, advance the
clock, select a post, reply, see the findings, finish, see the results — and it is all stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from sandbox.ui.trainee.feed_model import OPEN_STATES, StateRole

RISKY = "Hi, please post your address and phone number here and we guarantee it will be fixed!!"


def open_posts(screen: Any) -> list[Any]:
    m = screen.model
    return [
        m.post_at(r) for r in range(m.rowCount()) if m.index(r, 0).data(StateRole) in OPEN_STATES
    ]


def test_practice_attempt_from_sign_in_to_results(
    qtbot: Any, app: Any, sqlite_db: Any, trainee: Any, flood_path: Path
) -> None:
    from sandbox.store import crud
    from sandbox.ui.main_window import MainWindow
    from sandbox.ui.trainee.picker import ScenarioPicker
    from sandbox.ui.trainee.results_screen import ResultsScreen
    from sandbox.ui.trainee.signin import SignInScreen

    window = MainWindow(sqlite_db, scenarios_dir=flood_path.parent)
    qtbot.add_widget(window)
    window.show_sign_in()
    qtbot.waitUntil(
        lambda: (
            isinstance(window.current_screen(), SignInScreen)
            and window.current_screen().profiles.count() == 1
        )
    )
    window.current_screen().sign_in()
    qtbot.waitUntil(
        lambda: (
            isinstance(window.current_screen(), ScenarioPicker)
            and window.current_screen().list.count() > 0
        )
    )
    picker = window.current_screen()
    assert picker.select_scenario("flood-rumours")
    ready: list[Any] = []
    window.start_attempt(flood_path, picker.mode(), on_ready=ready.append)
    qtbot.waitUntil(lambda: bool(ready), timeout=20_000)
    screen = ready[0]
    session = screen.session
    session.pause()

    session.advance_by(timedelta(minutes=20))  # the clock releases posts
    assert screen.model.rowCount() > 0
    post = open_posts(screen)[0]
    assert screen.select_post(post.id)
    assert screen.composer.post is post

    qtbot.keyClicks(screen.composer.editor, RISKY)
    qtbot.waitUntil(lambda: screen.composer.findings_model.rowCount() > 0, timeout=10_000)
    rules = {f.rule for f in screen.composer.findings_model.findings()}
    assert any(r.startswith("risk.") for r in rules)
    assert screen.composer.highlighter._spans  # spans are underlined in the editor

    qtbot.keyClick(screen.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(session.engine.actions_for(post.id)), timeout=10_000)
    assert session.engine.actions_for(post.id)[0].text == RISKY
    assert screen.composer.editor.toPlainText() == ""
    session.writer.flush()
    with sqlite_db.session() as s:
        stored = crud.list_actions(s, attempt_id=session.info.attempt_id)
    assert [a.post_id for a in stored] == [post.id]
    assert stored[0].score_card_json

    screen.finish()
    qtbot.waitUntil(lambda: isinstance(window.current_screen(), ResultsScreen), timeout=20_000)
    results = window.current_screen()
    text = results.text()
    assert "Overall score" in text and "Score card" in text
    assert RISKY in text  # the learner's words, beside the model answer
    assert "Model answer" in text
    assert "Missed" in text  # posts that needed an answer and got none are failures
    assert results.outcome.missed > 0
    window._end_session()
    with sqlite_db.session() as s:
        attempt = crud.list_attempts(s, profile_id=trainee.id)[0]
    assert attempt.status == "finished" and attempt.score_overall == results.outcome.overall


def test_assessment_mode_shows_no_findings_while_typing(
    qtbot: Any, app: Any, flood_path: Path
) -> None:
    from tests.ui.conftest import open_screen

    screen = open_screen(qtbot, flood_path, mode="assessment")
    screen.session.advance_by(timedelta(minutes=20))
    post = open_posts(screen)[0]
    screen.select_post(post.id)
    qtbot.keyClicks(screen.composer.editor, RISKY)
    qtbot.wait(400)
    assert screen.composer.findings_model.rowCount() == 0
    assert not screen.composer.findings_view.isVisible()
    assert screen.composer.assessment_note.isVisible()
    screen.session.close()


def test_results_escape_the_learners_markup(qtbot: Any, app: Any, flood_path: Path) -> None:
    from tests.ui.conftest import open_screen

    screen = open_screen(qtbot, flood_path)
    screen.session.advance_by(timedelta(minutes=20))
    post = open_posts(screen)[0]
    screen.select_post(post.id)
    screen.composer.editor.setPlainText("<b>hi</b> <a href='x'>link</a>")
    screen.composer.send()
    qtbot.waitUntil(lambda: bool(screen.session.engine.actions_for(post.id)), timeout=10_000)
    outcomes: list[Any] = []
    screen.finished.connect(outcomes.append)
    screen.finish()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20_000)
    from sandbox.ui.trainee.results_screen import ResultsScreen

    results = ResultsScreen(
        outcomes[0], scenario_title="<i>t</i>", mode="practice", profile_name="P"
    )
    qtbot.add_widget(results)
    assert "<b>hi</b> <a href='x'>link</a>" in results.text()
    assert "<i>t</i>" in results.text()
    screen.session.close()
