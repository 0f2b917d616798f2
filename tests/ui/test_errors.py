"""Problems a user can meet are one-sentence dialogs, never tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def test_database_too_new_is_a_clear_dialog(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from sandbox.store import db as dbmod
    from sandbox.ui import app as appmod

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        appmod.QMessageBox, "critical", lambda _p, title, text: shown.append((title, text))
    )

    def too_new(url: Any = None) -> Any:
        raise dbmod.DatabaseTooNew(
            "This database was made by a newer Reply Sandbox; please update the app."
        )

    monkeypatch.setattr(dbmod, "open_database", too_new)
    assert appmod.open_database_or_explain("sqlite:///nowhere.db") is None
    assert shown == [
        (
            "Cannot open the database",
            "This database was made by a newer Reply Sandbox; please update the app.",
        )
    ]
    assert appmod.run_app(db_url="sqlite:///nowhere.db") == 1


def test_unreachable_database_is_a_clear_dialog(
    app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox.ui import app as appmod

    shown: list[str] = []
    monkeypatch.setattr(appmod.QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    assert (
        appmod.open_database_or_explain(
            "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
        )
        is None
    )
    assert len(shown) == 1 and "\n" not in shown[0] and "Traceback" not in shown[0]


def test_missing_scenario_file_is_a_clear_dialog(
    qtbot: Any,
    app: Any,
    sqlite_db: Any,
    trainee: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sandbox.ui import main_window as mw
    from sandbox.ui.trainee.picker import ScenarioPicker

    errors: list[str] = []
    monkeypatch.setattr(
        mw, "show_error", lambda exc, parent=None, title="": errors.append(str(exc))
    )
    window = mw.MainWindow(sqlite_db, scenarios_dir=tmp_path)
    qtbot.add_widget(window)
    window.sign_in(trainee)
    window.start_attempt(tmp_path / "gone.yaml", "practice")
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "gone.yaml" in errors[0] and "Traceback" not in errors[0]
    qtbot.waitUntil(lambda: isinstance(window.current_screen(), ScenarioPicker))
    picker = window.current_screen()
    qtbot.waitUntil(lambda: picker._data is not None)
    assert "No scenarios found" in picker.details.text()
