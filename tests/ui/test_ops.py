"""Background ops: results arrive on the GUI thread; callbacks of deleted widgets are dropped."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QLabel

from sandbox.ui.ops import run_op, wait_for_ops


def test_result_arrives_on_the_gui_thread(qtbot: Any, app: Any) -> None:
    got: list[tuple[int, bool]] = []
    gui = threading.get_ident()

    def done(value: int) -> None:
        got.append((value, threading.get_ident() == gui))

    run_op(lambda: 6 * 7, on_success=done)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    assert got == [(42, True)]


def test_failure_goes_to_on_failure(qtbot: Any, app: Any) -> None:
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("no such scenario")

    run_op(boom, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "no such scenario"


def test_callbacks_of_a_deleted_widget_are_dropped(qtbot: Any, app: Any) -> None:
    gate = threading.Event()
    label = QLabel("waiting")
    calls: list[str] = []

    def work() -> str:
        gate.wait(5)
        return "done"

    run_op(work, on_success=label.setText)
    run_op(work, on_success=lambda text: calls.append(label.text() + text))
    label.deleteLater()
    qtbot.waitUntil(lambda: not _valid(label), timeout=5_000)
    gate.set()
    assert wait_for_ops(5_000)
    qtbot.wait(50)  # let the queued deliveries run; they must be dropped, not raise
    assert calls == []


def _valid(obj: Any) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))
