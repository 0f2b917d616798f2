"""Manager screens for ``sandbox shoot``: the dashboard and the Digital Passport.

Built on the shared demo database, with extra signed-off assessments (``demo_data``) so the
passport shows earned, missing and revoked competencies. Each screen is given time to load its
figures (background ops) before it is yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtWidgets import QWidget

from sandbox.ui.shoot import settle

__all__ = ["manager_home_for_shots", "settle", "shots"]


def _manager(db: Any) -> Any:
    from sandbox.store import crud

    with db.session() as s:
        people = crud.list_profiles(s, role="manager")
        if people:
            return people[0]
        return crud.create_profile(s, name="Marcus Osei", role="manager", team="Communications")


def manager_home_for_shots(
    db: Any, *, window: Any = None, scenarios_dir: Path | None = None
) -> Any:
    """A ManagerHome on ``db`` with its dashboard and passport loaded.

    With a ``window`` (the app's MainWindow) the home becomes its current screen, signed in as
    the demo manager, so the picture is what a manager sees.
    """
    from sandbox.ui.reports.home import ManagerHome

    manager = _manager(db)
    host = window or SimpleNamespace(db=db, scenarios_dir=scenarios_dir, sign_out=lambda: None)
    if window is not None:
        window.current_profile = manager
        window.setWindowTitle(f"Reply Sandbox — {manager.name}")
    home = ManagerHome(host, manager)
    if window is not None:
        window.show_screen(home)
    settle(lambda: home.dashboard.data is not None and bool(home.passport.passports))
    return home


def shots(ctx: Any) -> Iterator[tuple[str, QWidget]]:
    """(name, widget) for the manager screens, inside the app's main window."""
    from sandbox.ui.reports.demo_data import add_passport_evidence

    db = ctx.db
    scenarios_dir = getattr(ctx, "scenarios_dir", None)
    window = getattr(ctx, "window", None)
    demo = add_passport_evidence(db, scenarios_dir=scenarios_dir)

    home = manager_home_for_shots(db, window=window, scenarios_dir=scenarios_dir)
    shown: QWidget = window if window is not None else home
    yield "manager-dashboard", shown

    home.dashboard.tables.setCurrentWidget(home.dashboard.risks)
    settle()
    yield "manager-dashboard-risks", shown

    home.show_passport(demo.star_id)
    settle()
    yield "manager-passport", shown

    home.show_passport(demo.revoked_id)
    settle()
    yield "manager-passport-revoked", shown
