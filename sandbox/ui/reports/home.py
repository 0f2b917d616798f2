"""The manager's home: the dashboard, the Digital Passport and (read-only) the attempts list."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from sandbox.reports.framework import Framework, FrameworkError, load_default_framework
from sandbox.ui.reports.dashboard_screen import DashboardScreen
from sandbox.ui.reports.passport_screen import PassportScreen

__all__ = ["ManagerHome"]

log = logging.getLogger(__name__)


def _framework(window: Any) -> tuple[Framework | None, str]:
    try:
        return load_default_framework(scenarios_dir=getattr(window, "scenarios_dir", None)), ""
    except FrameworkError as exc:
        log.error("competency framework problems:\n%s", exc)
        first = exc.problems[0] if exc.problems else str(exc)
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return (
            None,
            f"The passport cannot be shown: the competency framework has a problem: {first}{more}",
        )


class ManagerHome(QWidget):
    """Tabs for the manager; every figure loads off the GUI thread."""

    def __init__(self, window: Any, profile: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.profile = profile
        db = window.db
        framework, problem = _framework(window)
        self.framework = framework

        title = QLabel(f"<h2 style='margin:0'>Reports</h2>Signed in as {profile.name} (manager)")
        sign_out = QPushButton("Sign &out")
        sign_out.clicked.connect(lambda: window.sign_out())
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(sign_out)

        self.tabs = QTabWidget()
        self.dashboard = DashboardScreen(db, framework)
        self.passport = PassportScreen(
            db,
            framework,
            framework_problem=problem,
            scenarios_dir=getattr(window, "scenarios_dir", None),
        )
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.tabs.addTab(self.passport, "Digital &Passport")
        self.attempts: QWidget | None = self._attempts_tab(db, profile)
        if self.attempts is not None:
            self.tabs.addTab(self.attempts, "&Attempts (read-only)")

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tabs, 1)

        self.dashboard.open_passport.connect(self.show_passport)
        self.dashboard.refreshed.connect(self._share_teams)
        self.dashboard.load_options()
        self.passport.refresh()

    def _attempts_tab(self, db: Any, profile: Any) -> QWidget | None:
        """The trainers' review list, for looking only: opening a transcript is not offered."""
        try:
            from sandbox.ui.review.review_list import ReviewListWidget
        except ImportError:
            return None
        widget = ReviewListWidget(db, profile)
        button = getattr(widget, "open_button", None)
        if button is not None:
            button.hide()
        return widget

    def _share_teams(self, _data: Any) -> None:
        teams = [self.dashboard.team.itemData(i) for i in range(1, self.dashboard.team.count())]
        if teams and self.passport.team.count() <= 1:
            self.passport.set_teams(teams)

    def show_passport(self, profile_id: str) -> None:
        self.tabs.setCurrentWidget(self.passport)
        self.passport.select(profile_id)
