"""Every action by keyboard; new posts are announced without moving focus, selection or scroll."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt

from sandbox.scenario.models import ActionKind
from sandbox.ui.trainee.feed_model import PostIdRole
from tests.ui.conftest import open_screen


def test_feed_and_composer_shortcuts(qtbot: Any, app: Any, flood_path: Path) -> None:
    screen = open_screen(qtbot, flood_path)
    session = screen.session
    session.advance_by(timedelta(minutes=20))
    screen.view.setFocus()
    qtbot.waitUntil(screen.view.hasFocus)

    qtbot.keyClick(screen.view, Qt.Key.Key_J)
    assert screen.view.currentIndex().row() == 0
    qtbot.keyClick(screen.view, Qt.Key.Key_J)
    assert screen.view.currentIndex().row() == 1
    qtbot.keyClick(screen.view, Qt.Key.Key_K)
    assert screen.view.currentIndex().row() == 0
    qtbot.keyClick(screen.view, Qt.Key.Key_Down)  # arrow keys move too
    assert screen.view.currentIndex().row() == 1
    assert screen.composer.post is not None

    for key, kind in (
        (Qt.Key.Key_P, ActionKind.private_message),
        (Qt.Key.Key_H, ActionKind.hide),
        (Qt.Key.Key_L, ActionKind.leave),
        (Qt.Key.Key_E, ActionKind.escalate),
    ):
        screen.view.setFocus()
        qtbot.keyClick(screen.view, key)
        assert screen.composer.kind() is kind
    assert screen.composer.team_combo.hasFocus()  # escalate goes to the team picker

    screen.view.setFocus()
    qtbot.keyClick(screen.view, Qt.Key.Key_R)
    assert screen.composer.kind() is ActionKind.reply
    assert screen.composer.editor.hasFocus()
    row = screen.view.currentIndex().row()
    qtbot.keyClicks(screen.composer.editor, "jk rphel")  # typing letters never fires shortcuts
    assert screen.composer.editor.toPlainText() == "jk rphel"
    assert screen.view.currentIndex().row() == row
    assert screen.composer.kind() is ActionKind.reply

    post_id = screen.composer.post.id
    qtbot.keyClick(screen.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(session.engine.actions_for(post_id)), timeout=10_000)
    assert session.engine.actions_for(post_id)[0].kind is ActionKind.reply
    session.close()


def test_clock_shortcuts_and_pane_cycling(qtbot: Any, app: Any, flood_path: Path) -> None:
    screen = open_screen(qtbot, flood_path)
    session = screen.session
    screen.view.setFocus()
    qtbot.waitUntil(screen.view.hasFocus)
    assert session.clock.paused
    qtbot.keyClick(screen.view, Qt.Key.Key_Space)
    assert not session.clock.paused
    qtbot.keyClick(screen.view, Qt.Key.Key_Space)
    assert session.clock.paused
    qtbot.keyClick(screen.view, Qt.Key.Key_3)
    assert session.speed_step == 20 and session.clock.speed == 20 * session.base_speed
    assert screen.clock_bar.speed_buttons[20].isChecked()
    qtbot.keyClick(screen.view, Qt.Key.Key_2)
    assert session.speed_step == 5
    qtbot.keyClick(screen.view, Qt.Key.Key_1)
    assert session.speed_step == 1

    before = session.clock.elapsed
    expected = session.engine.next_event_at()
    qtbot.keyClick(screen.view, Qt.Key.Key_N)
    assert session.clock.elapsed == expected > before
    assert screen.model.rowCount() >= 1

    qtbot.keyClick(screen.view, Qt.Key.Key_J)  # select the post that arrived
    assert screen.composer.post is not None
    seen = []
    for _ in range(4):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_F6)
        seen.append(screen.focusWidget())
    assert seen[0] is screen.composer.editor
    assert screen.composer.findings_view in seen
    assert screen.clock_bar.pause_button in seen
    assert seen[-1] is screen.view
    session.close()


def test_every_control_has_an_accessible_name(qtbot: Any, app: Any, flood_path: Path) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QPlainTextEdit

    screen = open_screen(qtbot, flood_path)
    controls = [
        w
        for cls in (QAbstractButton, QAbstractItemView, QComboBox, QPlainTextEdit)
        for w in screen.findChildren(cls)
        if not w.objectName().startswith("qt_")
    ]
    assert controls
    unnamed = [
        w
        for w in controls
        if not (w.accessibleName() or (isinstance(w, QAbstractButton) and w.text()))
    ]
    assert not unnamed, unnamed
    screen.session.close()


def test_new_posts_do_not_steal_focus_selection_or_scroll(
    qtbot: Any, app: Any, flood_path: Path
) -> None:
    screen = open_screen(qtbot, flood_path)
    session = screen.session
    session.advance_by(timedelta(minutes=30))
    view = screen.view
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    top_before = view.indexAt(QPoint(4, 4)).data(PostIdRole)
    y_before = view.visualRect(view.indexAt(QPoint(4, 4))).top()
    screen.select_post(top_before)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value())  # keep where we are
    top_before = view.indexAt(QPoint(4, 4)).data(PostIdRole)
    y_before = view.visualRect(view.indexAt(QPoint(4, 4))).top()
    selected = screen.selected_post().id
    screen.composer.editor.setFocus()
    qtbot.waitUntil(screen.composer.editor.hasFocus)
    qtbot.keyClicks(screen.composer.editor, "Draft in progress")
    rows = screen.model.rowCount()

    session.skip_to_next()
    session.skip_to_next()
    assert screen.model.rowCount() > rows
    assert screen.composer.editor.hasFocus()
    assert screen.composer.editor.toPlainText() == "Draft in progress"
    assert screen.selected_post().id == selected
    top = view.indexAt(QPoint(4, 4))
    assert top.data(PostIdRole) == top_before
    assert abs(view.visualRect(top).top() - y_before) <= 1
    assert screen.unseen_count() == screen.model.rowCount() - rows
    assert view.pill.isVisible() and str(screen.unseen_count()) in view.pill.text()
    screen.show_newest()
    assert view.verticalScrollBar().value() == 0 and not view.pill.isVisible()
    session.close()


def test_start_screens_name_their_controls(
    qtbot: Any, app: Any, sqlite_db: Any, trainee: Any, flood_path: Path
) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit

    from sandbox.ui.trainee.picker import ScenarioPicker
    from sandbox.ui.trainee.signin import SignInScreen

    signin = SignInScreen(sqlite_db)
    picker = ScenarioPicker(sqlite_db, trainee, flood_path.parent)
    for screen in (signin, picker):
        qtbot.add_widget(screen)
        controls = [
            w
            for cls in (QAbstractButton, QAbstractItemView, QLineEdit)
            for w in screen.findChildren(cls)
        ]
        unnamed = [
            w
            for w in controls
            if not (w.accessibleName() or (isinstance(w, QAbstractButton) and w.text()))
        ]
        assert controls and not unnamed, unnamed
