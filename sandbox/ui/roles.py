"""Which home screen a signed-in profile lands on.

Trainees go to the scenario picker. Trainers and managers have their own homes (review and
reports, built in their own packages); each of those branches is added by its owner. Non-trainee
profiles have already passed their passphrase check by the time this is called
(``MainWindow.sign_in``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


def home_for(window: Any, profile: Any) -> QWidget:
    """The first screen for ``profile`` inside ``window`` (a :class:`MainWindow`)."""
    role = getattr(profile, "role", "trainee")
    if role == "trainer":
        from sandbox.ui.review.home import ReviewHome

        return ReviewHome(
            window.db, profile, window=window, scenarios_dir=getattr(window, "scenarios_dir", None)
        )
    if role == "manager":
        from sandbox.ui.reports.home import ManagerHome  # type: ignore[import-not-found,unused-ignore]

        return ManagerHome(window, profile)  # type: ignore[no-any-return,unused-ignore]
    return window.trainee_home(profile)  # type: ignore[no-any-return,unused-ignore]
