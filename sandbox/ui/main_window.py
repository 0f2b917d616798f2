"""The one main window: a stack of screens, menus, the status bar, and the attempt lifecycle.

Screens are swapped with :meth:`MainWindow.show_screen`; the old screen is deleted so a finished
attempt releases its model and timers. Database work happens through ``run_op``; the window only
ever waits on the background writer when it closes, so a sent action is never lost.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from sandbox import paths
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import apply_palette, is_high_contrast

log = logging.getLogger(__name__)

SHORTCUTS_HELP = """Timeline
  J / Down      next post
  K / Up        previous post
  Home          newest post
  R             reply publicly
  P             private message
  E             escalate to a team
  H             hide / report
  L             leave alone
  Ctrl+Enter    send
Clock
  Space         pause / resume
  1 / 2 / 3     speed 1×, 5×, 20×
  N             skip to the next post
Anywhere
  F6            move between the timeline, the composer, the findings and the clock
  Ctrl+Shift+C  high-contrast colours"""


def settings() -> QSettings:
    """App settings in the config dir (an INI file: readable, portable, test-isolated)."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """Holds the database, the signed-in profile and the current screen."""

    def __init__(self, db: Any, *, scenarios_dir: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Reply Sandbox")
        self.setObjectName("mainWindow")
        self.db = db
        self.scenarios_dir = Path(scenarios_dir or paths.SCENARIOS_DIR)
        self.current_profile: Any = None
        self.session: Any = None  # TrainingSession while an attempt runs
        self._stack = QStackedWidget()
        self.setCentralWidget(self._stack)
        self._build_menus()
        self.statusBar().showMessage("Nothing you write here is ever posted anywhere.")
        self.resize(1280, 800)

    # --- menus --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.sign_out_action = QAction("&Sign out", self)
        self.sign_out_action.triggered.connect(self.sign_out)
        file_menu.addAction(self.sign_out_action)
        self.export_action = QAction("&Export my transcripts…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip(
            "Save all your attempts to one signed file to hand to your trainer"
        )
        self.export_action.triggered.connect(self.export_transcripts)
        self.export_action.setEnabled(False)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.contrast_action = QAction("&High-contrast colours", self)
        self.contrast_action.setCheckable(True)
        self.contrast_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.contrast_action.setChecked(is_high_contrast())
        self.contrast_action.toggled.connect(self.set_high_contrast)
        view_menu.addAction(self.contrast_action)

        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keyboard shortcuts", self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        about = QAction("&About Reply Sandbox", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def set_high_contrast(self, on: bool) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_palette(app, high_contrast=on)
        settings().setValue("view/high_contrast", on)
        for delegate_owner in self.findChildren(QWidget):
            d = getattr(delegate_owner, "delegate", None)
            if d is not None and hasattr(d, "clear_cache"):
                d.clear_cache()
        if self.contrast_action.isChecked() != on:
            self.contrast_action.setChecked(on)

    def show_shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(SHORTCUTS_HELP)
        box.exec()

    def show_about(self) -> None:
        from sandbox import __version__

        QMessageBox.about(
            self,
            "About Reply Sandbox",
            f"Reply Sandbox {__version__}\nPractise answering the public on social media, offline. "
            "Nothing is ever posted anywhere.",
        )

    # --- screens ------------------------------------------------------------------------
    def current_screen(self) -> QWidget | None:
        return self._stack.currentWidget()

    def show_screen(self, widget: QWidget) -> None:
        """Make ``widget`` the visible screen; the previous screen is deleted."""
        old = self._stack.currentWidget()
        self._stack.addWidget(widget)
        self._stack.setCurrentWidget(widget)
        if old is not None and old is not widget:
            self._stack.removeWidget(old)
            old.deleteLater()

    def go_home(self) -> None:
        """Back to the signed-in profile's home (or sign-in when nobody is signed in)."""
        self._end_session()
        if self.current_profile is None:
            self.show_sign_in()
            return
        from sandbox.ui.roles import home_for

        self.show_screen(home_for(self, self.current_profile))

    def show_sign_in(self) -> None:
        from sandbox.ui.trainee.signin import SignInScreen

        screen = SignInScreen(self.db)
        screen.signed_in.connect(self.sign_in)
        self.show_screen(screen)
        screen.refresh()
        self.setWindowTitle("Reply Sandbox")

    def sign_in(self, profile: Any) -> None:
        if profile.role != "trainee":
            from sandbox.ui.review.login import ask_passphrase

            if not ask_passphrase(self, self.db, profile):
                return
        self.current_profile = profile
        self.export_action.setEnabled(profile.role == "trainee")
        self.setWindowTitle(f"Reply Sandbox — {profile.name}")
        self.go_home()

    def sign_out(self) -> None:
        if self.session is not None and not self._confirm_leave():
            return
        self.current_profile = None
        self.export_action.setEnabled(False)
        self.go_home()

    def export_transcripts(self, path: str | None = None) -> None:
        """Write the signed-in trainee's attempts to one signed transcript file.

        The file is signed with the organisation key so the trainer can import it and trust the
        scores (``sandbox.store.transcripts``); the write happens off the GUI thread.
        """
        profile = self.current_profile
        if profile is None or self.db is None:
            return
        if path is None:
            import re
            from datetime import date

            from PySide6.QtWidgets import QFileDialog

            slug = re.sub(r"[^A-Za-z0-9]+", "-", profile.name).strip("-").lower() or "trainee"
            suggested = str(Path.home() / f"transcript-{slug}-{date.today():%Y%m%d}.json")
            path, _ = QFileDialog.getSaveFileName(
                self, "Export my transcripts", suggested, "Transcript files (*.json)"
            )
            if not path:
                return
        db, profile_id, dest = self.db, profile.id, Path(path)

        def work() -> Path:
            from sandbox.store import transcripts

            with db.session() as s:
                return transcripts.export_profile(
                    s, profile_id=profile_id, path=dest, actor_id=profile_id
                )

        def done(written: Path) -> None:
            self.statusBar().showMessage(
                f"Saved your transcripts to {written}. Give this file to your trainer."
            )

        self.statusBar().showMessage("Exporting your transcripts…")
        run_op(
            work,
            on_success=done,
            on_failure=lambda exc: show_error(exc, self, "Could not export your transcripts"),
        )

    def trainee_home(self, profile: Any) -> QWidget:
        from sandbox.ui.trainee.picker import ScenarioPicker

        picker = ScenarioPicker(self.db, profile, self.scenarios_dir)
        picker.start_requested.connect(self.start_attempt)
        picker.resume_requested.connect(self.resume_attempt)
        picker.discard_requested.connect(self.discard_attempt)
        picker.sign_out_requested.connect(self.sign_out)
        picker.refresh()
        return picker

    # --- attempts -----------------------------------------------------------------------
    def _busy(self, text: str) -> None:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_screen(label)

    def start_attempt(self, path: Path, mode: str, on_ready: Any = None) -> None:
        from sandbox.ui.trainee.launch import prepare_new

        db, pid = self.db, getattr(self.current_profile, "id", None)
        self._busy("Setting up the scenario…")
        run_op(
            lambda: prepare_new(db, pid, Path(path), mode),
            on_success=lambda prepared: self._open_attempt(prepared, on_ready),
            on_failure=self._attempt_failed,
        )

    def resume_attempt(self, attempt_id: str, on_ready: Any = None) -> None:
        from sandbox.ui.trainee.launch import prepare_resume

        db, folder = self.db, self.scenarios_dir
        self._busy("Rebuilding your attempt…")
        run_op(
            lambda: prepare_resume(db, attempt_id, folder),
            on_success=lambda prepared: self._open_attempt(prepared, on_ready),
            on_failure=self._attempt_failed,
        )

    def discard_attempt(self, attempt_id: str) -> None:
        db = self.db

        def discard() -> None:
            from sandbox.store import crud

            with db.session() as s:
                crud.abandon_attempt(s, attempt_id=attempt_id)

        run_op(
            discard,
            on_success=lambda _r: self.statusBar().showMessage(
                "The unfinished attempt was set aside.", 5000
            ),
        )

    def _attempt_failed(self, exc: BaseException) -> None:
        show_error(exc, self, "Could not open the scenario")
        self.go_home()

    def _open_attempt(self, prepared: Any, on_ready: Any = None) -> None:
        from sandbox.ui.trainee.session import AttemptInfo, TrainingSession
        from sandbox.ui.trainee.timeline_screen import TimelineScreen

        self._end_session()
        info = AttemptInfo(
            attempt_id=prepared.attempt_id,
            profile_name=getattr(self.current_profile, "name", ""),
            mode=prepared.mode,
            seed=prepared.seed,
        )
        session = TrainingSession(
            prepared.scenario,
            prepared.engine,
            prepared.scorer,
            info=info,
            db=self.db,
            elapsed=prepared.elapsed,
            parent=self,
        )
        self.session = session
        self._last_path = prepared.path
        screen = TimelineScreen(session)
        screen.composer.set_drafts(prepared.drafts)
        screen.finished.connect(lambda outcome: self._show_results(prepared, outcome))
        self.show_screen(screen)
        screen.start(running=not prepared.resumed)
        if prepared.resumed:
            self.statusBar().showMessage(
                "Resumed where you left off. The clock is paused: press Space to continue."
            )
        screen.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if on_ready is not None:
            on_ready(screen)

    def _show_results(self, prepared: Any, outcome: Any) -> None:
        from sandbox.ui.trainee.results_screen import ResultsScreen

        self._end_session()
        screen = ResultsScreen(
            outcome,
            scenario_title=prepared.scenario.title,
            mode=prepared.mode,
            profile_name=getattr(self.current_profile, "name", ""),
        )
        screen.home_requested.connect(self.go_home)
        screen.retry_requested.connect(lambda: self.start_attempt(prepared.path, prepared.mode))
        self.show_screen(screen)
        self.statusBar().showMessage("Attempt finished and saved.", 6000)
        screen.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def _end_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session.deleteLater()
            self.session = None

    def _confirm_leave(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Leave this attempt?",
            "Your attempt is saved and you can resume it later from the scenario list. Leave now?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        self._end_session()
        from sandbox.ui.ops import wait_for_ops

        wait_for_ops(10_000)
        super().closeEvent(event)
