"""Starting the desktop app: the QApplication, the palette, the database, the main window.

Any problem a user can meet on the way in (database unreachable, made by a newer version,
corrupt) is shown as a one-sentence dialog, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from sandbox import paths
from sandbox.ui.theme import apply_palette

log = logging.getLogger(__name__)


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, e.g. under pytest-qt), styled and named."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("Reply Sandbox")
    app.setOrganizationName("ReplySandbox")
    app.setApplicationDisplayName("Reply Sandbox")
    icon = paths.ASSETS_DIR / "icon.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    app.setStyle("Fusion")  # the same look on every desktop, and a palette it fully honours
    from sandbox.ui.main_window import settings

    high = settings().value("view/high_contrast", False, type=bool)
    apply_palette(app, high_contrast=bool(high))
    return app


def open_database_or_explain(url: str | None = None, parent: Any = None) -> Any:
    """Open the database, or show why not in one sentence and return None."""
    from sandbox.store.db import DatabaseError, open_database

    try:
        return open_database(url)
    except DatabaseError as exc:
        QMessageBox.critical(parent, "Cannot open the database", str(exc))
    except Exception as exc:
        log.exception("opening the database failed")
        QMessageBox.critical(
            parent, "Cannot open the database", f"The database could not be opened: {exc}"
        )
    return None


def run_app(
    *,
    db_url: str | None = None,
    scenarios_dir: Path | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Open the app and run until the window closes; returns the exit code."""
    app = create_app(argv)
    from sandbox.ui.main_window import MainWindow

    db = open_database_or_explain(db_url)
    if db is None:
        return 1
    window = MainWindow(db, scenarios_dir=scenarios_dir)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show_sign_in()
    window.show()
    try:
        return int(app.exec())
    finally:
        db.close()
