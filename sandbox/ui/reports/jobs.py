"""Long exports off the GUI thread, with a progress dialog whose Cancel really stops them.

Why a job object: ``run_op`` delivers one result; an export also reports progress as it goes.
The worker calls ``progress(done, total)`` from its thread; a queued signal carries it to the
dialog. Cancel sets a :class:`CancelToken` that the export checks before each chunk, and the
partial file is discarded by the writer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from sandbox.reports.export import CancelToken, ExportCancelled
from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op

__all__ = ["ExportJob"]

ExportWork = Callable[[Callable[[int, int], None], CancelToken], Any]


class ExportJob(QObject):
    """One export: ``work(progress, cancel)`` runs on the pool; the dialog follows it."""

    progressed = Signal(int, int)
    done = Signal(object)  # the work's result
    cancelled = Signal()
    failed = Signal(object)  # the exception

    def __init__(self, parent: QWidget, title: str, work: ExportWork, path: Path) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.token = CancelToken()
        self._work = work
        self._parent = parent
        self.dialog = QProgressDialog(f"{title}…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.progressed.connect(self._on_progress)

    def start(self) -> None:
        self.dialog.setValue(0)
        run_op(
            lambda: self._work(self.progressed.emit, self.token),
            on_success=if_alive(self, self._finished),
            on_failure=if_alive(self, self._failed),
        )

    @Slot()
    def cancel(self) -> None:
        self.token.cancel()
        self.dialog.setLabelText("Cancelling…")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            self.dialog.setLabelText(f"{done:,} of {total:,} written…")

    def _finished(self, result: Any) -> None:
        self.dialog.close()
        self.done.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.dialog.close()
        if isinstance(exc, ExportCancelled):
            self.cancelled.emit()
            return
        self.failed.emit(exc)
        QMessageBox.warning(self._parent, "Export failed", str(exc) or exc.__class__.__name__)
