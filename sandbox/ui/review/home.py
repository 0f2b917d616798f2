"""The trainer's home: the review list (with transcripts), workshop mode and importing.

Opening it needs a trainer or manager profile (checked here and again below the GUI); the
main window shows it after the passphrase was entered (``login.ask_passphrase``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sandbox.auth import require_review
from sandbox.store.models import Profile
from sandbox.ui.review.import_panel import ImportPanel
from sandbox.ui.review.review_list import ReviewListWidget
from sandbox.ui.review.transcript_view import TranscriptView
from sandbox.ui.review.workshop import WorkshopView
from sandbox.ui.theme import heading

__all__ = ["ReviewHome"]


class ReviewHome(QWidget):
    """Tabs: Review list · Workshop · Import."""

    def __init__(
        self,
        db: Any,
        viewer: Profile,
        parent: QWidget | None = None,
        *,
        window: Any = None,
        scenarios_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.window_ = window
        self.scenarios_dir = scenarios_dir

        title = QLabel(f"Review — {viewer.name}")
        heading(title, 1.3)
        self.add_person = QPushButton("Add a trainer or manager…")
        self.add_person.clicked.connect(self._add_person)
        self.sign_out = QPushButton("Sign out")
        self.sign_out.setVisible(window is not None and hasattr(window, "sign_out"))
        self.sign_out.clicked.connect(self._sign_out)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.add_person)
        top.addWidget(self.sign_out)

        self.review_list = ReviewListWidget(db, viewer)
        self.review_stack = QStackedWidget()
        self.review_stack.addWidget(self.review_list)
        self.transcript: TranscriptView | None = None
        self.workshop = WorkshopView(db, viewer, scenarios_dir=scenarios_dir)
        self.importer = ImportPanel(db, viewer)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.review_stack, "Review list")
        self.tabs.addTab(self.workshop, "Workshop")
        self.tabs.addTab(self.importer, "Import")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.review_list.open_attempt.connect(self.open_attempt)
        self.workshop.import_requested.connect(self._import_from_workshop)
        self.importer.imported.connect(self._after_import)

    def open_attempt(self, attempt_id: str) -> TranscriptView:
        """Show one attempt's transcript in the review tab."""
        if self.transcript is not None:
            self.review_stack.removeWidget(self.transcript)
            self.transcript.deleteLater()
        view = TranscriptView(self.db, self.viewer, attempt_id, scenarios_dir=self.scenarios_dir)
        view.back.connect(self.show_list)
        view.changed.connect(lambda _aid: self.review_list.model.reload())
        self.transcript = view
        self.review_stack.addWidget(view)
        self.review_stack.setCurrentWidget(view)
        self.tabs.setCurrentWidget(self.review_stack)
        return view

    def show_list(self) -> None:
        self.review_stack.setCurrentWidget(self.review_list)

    def _import_from_workshop(self) -> None:
        self.tabs.setCurrentWidget(self.importer)
        self.importer.choose_folder()

    def _after_import(self, changed: int) -> None:
        if changed:
            self.review_list.load_choices()
            self.review_list.apply_filters()
            self.workshop.load_scenarios()

    def _add_person(self) -> None:
        from sandbox.ui.review.login import create_protected_profile

        create_protected_profile(self, self.db, actor=self.viewer)

    def _sign_out(self) -> None:
        if self.window_ is not None and hasattr(self.window_, "sign_out"):
            self.window_.sign_out()
