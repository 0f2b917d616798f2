"""Sign in with a local profile, or create a trainee profile by name.

Profiles are local records, not accounts: trainees need no password. Trainers and managers
prove who they are with a passphrase after picking their profile (see ``roles``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sandbox import paths
from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import heading

ROLE_WORDS = {"trainee": "Trainee", "trainer": "Trainer", "manager": "Manager"}


class SignInScreen(QWidget):
    """Lists profiles; emits ``signed_in(profile)``."""

    signed_in = Signal(object)

    def __init__(self, db: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self.db = db
        page = QVBoxLayout(self)
        page.setContentsMargins(24, 16, 24, 16)
        centre = QHBoxLayout()
        page.addStretch(1)
        page.addLayout(centre, 4)
        body = QWidget()
        body.setMaximumWidth(self.fontMetrics().averageCharWidth() * 120)
        centre.addStretch(1)
        centre.addWidget(body, 10)
        centre.addStretch(1)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)

        title_row = QHBoxLayout()
        icon_path = paths.ASSETS_DIR / "icon.svg"
        if icon_path.is_file():
            icon = QLabel()
            size = self.fontMetrics().height() * 3
            icon.setPixmap(QIcon(str(icon_path)).pixmap(size, size))
            icon.setAccessibleName("Reply Sandbox logo")
            title_row.addWidget(icon)
        title = QLabel("Reply Sandbox")
        heading(title, 1.8)
        title_row.addWidget(title, 1)
        outer.addLayout(title_row)
        intro = QLabel(
            "Practise answering the public on social media, safely. Everything stays on this "
            "computer: nothing you write is ever posted anywhere."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)

        outer.addSpacing(self.fontMetrics().height())
        columns = QHBoxLayout()
        outer.addLayout(columns)

        pick = QGroupBox("Who is practising?")
        pl = QVBoxLayout(pick)
        self.profiles = QListWidget()
        self.profiles.setAccessibleName("Profiles")
        self.profiles.itemActivated.connect(lambda _i: self.sign_in())
        self.profiles.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.profiles.setMinimumHeight(self.fontMetrics().height() * 12)
        pl.addWidget(self.profiles, 1)
        self.status = QLabel("Loading profiles…")
        self.status.setWordWrap(True)
        pl.addWidget(self.status)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setAccessibleName("Sign in as the selected profile")
        self.sign_in_button.clicked.connect(self.sign_in)
        pl.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignRight)
        columns.addWidget(pick, 3)

        new = QGroupBox("New trainee")
        nl = QVBoxLayout(new)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Priya Shah")
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setMaxLength(200)
        form.addRow("&Name:", self.name_edit)
        self.team_edit = QLineEdit()
        self.team_edit.setPlaceholderText("optional, e.g. Customer services")
        self.team_edit.setAccessibleName("Your team (optional)")
        self.team_edit.setMaxLength(200)
        form.addRow("&Team:", self.team_edit)
        nl.addLayout(form)
        self.create_button = QPushButton("Create profile and sign in")
        self.create_button.setAccessibleName("Create a trainee profile and sign in")
        self.create_button.clicked.connect(self.create_profile)
        self.name_edit.returnPressed.connect(self.create_profile)
        self.name_edit.textChanged.connect(lambda *_a: self._update_buttons())
        nl.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignRight)
        note = QLabel(
            "Trainers and managers sign in with a passphrase. The first one can be set up here; "
            "after that, a trainer or manager adds the others."
        )
        note.setWordWrap(True)
        nl.addWidget(note)
        self.staff_button = QPushButton("Set up a &trainer or manager…")
        self.staff_button.setAccessibleName("Set up a trainer or manager profile with a passphrase")
        self.staff_button.clicked.connect(self.create_staff_profile)
        nl.addWidget(self.staff_button, 0, Qt.AlignmentFlag.AlignRight)
        nl.addStretch(1)
        columns.addWidget(new, 2)
        outer.addStretch(1)
        self._update_buttons()

    def refresh(self, on_loaded: Any = None) -> None:
        """Load the profile list off the GUI thread."""
        if self.db is None:
            self.status.setText("No database is open.")
            return
        db = self.db

        def load() -> list[Any]:
            from sandbox.store import crud

            with db.session() as s:
                return crud.list_profiles(s)

        def loaded(profiles: list[Any]) -> None:
            self.set_profiles(profiles)
            if on_loaded is not None:
                on_loaded()

        run_op(
            load,
            on_success=if_alive(self, loaded),
            on_failure=if_alive(self, lambda exc: show_error(exc, self, "Could not load profiles")),
        )

    def set_profiles(self, profiles: list[Any]) -> None:
        self.profiles.clear()
        for p in profiles:
            words = ROLE_WORDS.get(p.role, p.role)
            text = f"{p.name} — {words}" + (f" · {p.team}" if p.team else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            self.profiles.addItem(item)
        if profiles:
            self.profiles.setCurrentRow(0)
            self.status.setText(
                f"{len(profiles)} profile{'s' if len(profiles) != 1 else ''} on this computer."
            )
        else:
            self.status.setText("No profiles yet: create one on the right to begin.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.sign_in_button.setEnabled(self.profiles.currentItem() is not None)
        self.create_button.setEnabled(bool(self.name_edit.text().strip()))

    def sign_in(self) -> None:
        item = self.profiles.currentItem()
        if item is not None:
            self.signed_in.emit(item.data(Qt.ItemDataRole.UserRole))

    def create_profile(self) -> None:
        name = self.name_edit.text().strip()
        team = self.team_edit.text().strip() or None
        if not name or self.db is None:
            return
        db = self.db
        self.create_button.setEnabled(False)

        def create() -> Any:
            from sandbox.store import crud

            with db.session() as s:
                return crud.create_profile(s, name=name, role="trainee", team=team)

        def created(profile: Any) -> None:
            self.name_edit.clear()
            self.team_edit.clear()
            self._update_buttons()
            self.signed_in.emit(profile)

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            show_error(exc, self, "Could not create the profile")

        run_op(create, on_success=if_alive(self, created), on_failure=if_alive(self, failed))

    def create_staff_profile(self) -> None:
        """Open the passphrase-protected profile dialog (the first trainer/manager needs no actor)."""
        if self.db is None:
            return
        from sandbox.ui.review.login import create_protected_profile

        if create_protected_profile(self, self.db) is not None:
            self.refresh()
