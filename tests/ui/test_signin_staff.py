"""The first trainer or manager can be set up from the sign-in screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def test_first_trainer_is_set_up_from_sign_in(qtbot: Any, app: Any, sqlite_db: Any) -> None:
    from sandbox.ui.review.login import CreateProfileDialog
    from sandbox.ui.trainee.signin import SignInScreen

    screen = SignInScreen(sqlite_db)
    qtbot.add_widget(screen)
    screen.show()
    seen: list[CreateProfileDialog] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CreateProfileDialog):
            QTimer.singleShot(20, fill)
            return
        seen.append(dialog)
        dialog.name.setText("Tess Whitfield")
        dialog.passphrase.setText("a long enough passphrase")
        dialog.repeat.setText("a long enough passphrase")
        dialog.create_button.click()

    QTimer.singleShot(0, fill)
    screen.staff_button.click()  # modal until the dialog accepts
    assert seen, "the set-up dialog never opened"

    def listed() -> bool:
        texts = [screen.profiles.item(i).text() for i in range(screen.profiles.count())]
        return any("Tess Whitfield" in t and "Trainer" in t for t in texts)

    qtbot.waitUntil(listed, timeout=10_000)
