"""Sign-in for trainer and manager profiles, and creating such a profile.

Why a dialog with a countdown: after repeated wrong tries the app makes the trainer wait
(see ``sandbox.auth``); showing the seconds left says what is happening instead of a dead
button. Hashing (argon2id) takes a noticeable moment, so it runs off the GUI thread.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sandbox import auth
from sandbox.store.models import Profile, Role
from sandbox.ui.ops import run_op
from sandbox.ui.theme import heading

__all__ = ["CreateProfileDialog", "PassphraseDialog", "ask_passphrase", "create_protected_profile"]


class PassphraseDialog(QDialog):
    """Asks for a profile's passphrase; accepted only when it is right."""

    def __init__(self, db: Any, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.profile = profile
        self.setWindowTitle("Sign in")
        self.setMinimumWidth(420)
        self._wait_left = 0
        self._busy = False

        title = QLabel(f"Sign in as {profile.name}")
        heading(title, 1.25)
        role = QLabel(f"{profile.role.capitalize()} profile: enter your passphrase.")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Passphrase")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in.setText("Sign in")
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(role)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        if not profile.passphrase_hash:
            self._show("This profile has no passphrase yet. Ask another trainer to set one.")
            self.sign_in.setEnabled(False)
        else:
            run_op(self._load_wait, on_success=self._start_wait, on_failure=self._failed)

    # -- background work
    def _load_wait(self) -> float:
        with self.db.session() as s:
            return auth.seconds_until_next_try(s, self.profile.id)

    def _check(self, text: str) -> auth.AuthResult:
        with self.db.session() as s:
            return auth.verify_passphrase(s, profile=self.profile, passphrase=text)

    # -- GUI side
    def _try(self) -> None:
        if self._busy or self._wait_left > 0:
            return
        text = self.passphrase.text()
        if not text:
            self._show("Type your passphrase first.")
            return
        self._busy = True
        self.sign_in.setEnabled(False)
        self._show("Checking…")
        run_op(lambda: self._check(text), on_success=self._checked, on_failure=self._failed)

    def _checked(self, result: auth.AuthResult) -> None:
        self._busy = False
        if result.ok:
            self.accept()
            return
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        self._show(result.message)
        self.sign_in.setEnabled(True)
        self._start_wait(result.wait_seconds, keep_message=True)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.sign_in.setEnabled(True)
        self._show(f"Could not check the passphrase: {exc}")

    def _start_wait(self, seconds: float, keep_message: bool = False) -> None:
        self._wait_left = math.ceil(seconds)
        if self._wait_left <= 0:
            return
        self._base_message = self.message.text() if keep_message else ""
        self.sign_in.setEnabled(False)
        self._render_wait()
        self._timer.start()

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._timer.stop()
            self.sign_in.setEnabled(True)
            self._show("You can try again now.")
            return
        self._render_wait()

    def _render_wait(self) -> None:
        n = self._wait_left
        wait = f"Please wait {n} second{'s' if n != 1 else ''} before trying again."
        first = self._base_message.split(" Too many")[0] if self._base_message else ""
        self._show((first + " " + wait).strip() if first else wait)

    def _show(self, text: str) -> None:
        self.message.setText(text)

    @property
    def wait_left(self) -> int:
        """Seconds of countdown still showing (for tests and the screen reader label)."""
        return self._wait_left


def ask_passphrase(parent: QWidget | None, db: Any, profile: Profile) -> bool:
    """Ask for ``profile``'s passphrase; True only when it was entered correctly.

    Trainees have no passphrase and are let straight through.
    """
    if profile.role == Role.trainee.value:
        return True
    dialog = PassphraseDialog(db, profile, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


class CreateProfileDialog(QDialog):
    """Create a trainer or manager profile: name, role, optional team, passphrase twice."""

    def __init__(
        self,
        db: Any,
        parent: QWidget | None = None,
        *,
        actor: Profile | None = None,
        role: Role | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.created: Profile | None = None
        self.setWindowTitle("New trainer or manager profile")
        self.setMinimumWidth(460)

        intro = QLabel(
            "Trainer and manager profiles are protected by a passphrase of at least "
            f"{auth.MIN_PASSPHRASE_LENGTH} characters. A few ordinary words make a good one."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setAccessibleName("Name")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        self.role.addItem("Trainer", Role.trainer.value)
        self.role.addItem("Manager", Role.manager.value)
        if role is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(Role(role).value)))
        self.team = QLineEdit()
        self.team.setAccessibleName("Team")
        self.team.setPlaceholderText("optional")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Passphrase again")
        self.message = QLabel("")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Team", self.team)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Passphrase again", self.repeat)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create profile")
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _create(self) -> None:
        name, passphrase, repeat = self.name.text(), self.passphrase.text(), self.repeat.text()
        if not name.strip():
            self.message.setText("Give the profile a name.")
            return
        try:
            auth.check_new_passphrase(passphrase, repeat)
        except auth.PassphraseError as exc:
            self.message.setText(str(exc))
            return
        role = Role(self.role.currentData())
        team = self.team.text()
        self.create_button.setEnabled(False)
        self.message.setText("Creating…")

        def work() -> Profile:
            with self.db.session() as s:
                return auth.create_protected_profile(
                    s,
                    name=name,
                    role=role,
                    passphrase=passphrase,
                    repeat=repeat,
                    team=team,
                    actor=self.actor,
                )

        run_op(work, on_success=self._done, on_failure=self._failed)

    def _done(self, profile: Profile) -> None:
        self.created = profile
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.message.setText(str(exc))


def create_protected_profile(
    parent: QWidget | None, db: Any, *, actor: Profile | None = None, role: Role | None = None
) -> Profile | None:
    """Show :class:`CreateProfileDialog`; the new profile, or None if cancelled."""
    dialog = CreateProfileDialog(db, parent, actor=actor, role=role)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.created
    return None
