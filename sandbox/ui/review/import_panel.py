"""Import transcript files from a folder or USB stick: inline progress, cancel, per-file results.

The import runs on a worker thread that reports after every file (a queued signal), so the
progress bar moves and the window stays responsive; Cancel stops between files.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sandbox.auth import require_review
from sandbox.review.imports import FileResult, find_transcript_files, import_files
from sandbox.store.models import Profile
from sandbox.ui.theme import colours

__all__ = ["ImportPanel"]


class _Signals(QObject):
    progress = Signal(int, int, object)  # done, total, FileResult
    finished = Signal(object)  # list[FileResult]
    failed = Signal(object)  # exception


class _ImportJob(QRunnable):
    def __init__(
        self, db: Any, viewer: Profile, files: list[Path], key: bytes | None, stop: threading.Event
    ) -> None:
        super().__init__()
        self.signals = _Signals()
        self._args = (db, viewer, files, key, stop)

    def run(self) -> None:
        db, viewer, files, key, stop = self._args
        try:
            results = import_files(
                db,
                viewer,
                files,
                key=key,
                progress=lambda i, n, r: self.signals.progress.emit(i, n, r),
                cancelled=stop.is_set,
            )
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(results)


class ImportPanel(QWidget):
    """Choose a folder or files, watch them import, read what happened to each."""

    imported = Signal(int)  # attempts added or updated, when a run ends

    def __init__(
        self, db: Any, viewer: Profile, parent: QWidget | None = None, *, key: bytes | None = None
    ) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.key = key  # None: this machine's organisation key
        self._stop = threading.Event()
        self._job: _ImportJob | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.results: list[FileResult] = []

        intro = QLabel(
            "Import the transcript files trainees exported (for example from a USB stick). "
            "Each file is checked: a file that was edited or signed with another "
            "organisation's key is refused and the rest still go in. Importing a file twice "
            "adds nothing."
        )
        intro.setWordWrap(True)
        self.folder_button = QPushButton("Import a folder…")
        self.files_button = QPushButton("Import files…")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.summary = QLabel("No import yet.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")

        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.files_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["File", "Trainee", "Result"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Results per file")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("x" * 34))
        self.table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("x" * 20))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button.clicked.connect(self.choose_files)
        self.cancel_button.clicked.connect(self.cancel)

    # -- choosing
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with transcript files")
        if folder:
            self.import_folder(Path(folder))

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Transcript files", "", "Transcript files (*.json)"
        )
        if files:
            self.start([Path(f) for f in files])

    def import_folder(self, folder: Path) -> None:
        files = find_transcript_files(folder)
        if not files:
            self.summary.setText(f"No transcript files (*.json) in {folder}.")
            return
        self.start(files)

    # -- running
    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self, files: list[Path]) -> None:
        if self.running:
            return
        self._stop.clear()
        self.results = []
        self.table.setRowCount(0)
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        self.progress.setFormat(f"%v of {len(files)} files")
        self.summary.setText(f"Importing {len(files)} file{'s' if len(files) != 1 else ''}…")
        self.folder_button.setEnabled(False)
        self.files_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        job = _ImportJob(self.db, self.viewer, files, self.key, self._stop)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self._job = job
        self._pool.start(job)

    def cancel(self) -> None:
        if self.running:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.summary.setText("Cancelling after the current file…")

    def _progress(self, done: int, total: int, result: FileResult) -> None:
        self.progress.setValue(done)
        self.results.append(result)
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(result.path.name)
        name.setToolTip(str(result.path))
        who = QTableWidgetItem(result.trainee or "")
        text = QTableWidgetItem(("✓ " if result.ok else "✖ ") + result.message)
        text.setToolTip(result.message)
        if not result.ok:
            text.setForeground(QColor(colours().error))
            font = text.font()
            font.setBold(True)
            text.setFont(font)
        for col, item in enumerate((name, who, text)):
            item.setData(Qt.ItemDataRole.UserRole, result.ok)
            self.table.setItem(row, col, item)

    def _finished(self, results: list[FileResult]) -> None:
        self._job = None
        self.folder_button.setEnabled(True)
        self.files_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        ok = [r for r in results if r.ok]
        refused = len(results) - len(ok)
        added = sum(r.attempts_added for r in ok)
        updated = sum(r.attempts_updated for r in ok)
        text = (
            f"{len(ok)} file{'s' if len(ok) != 1 else ''} imported "
            f"({added} new attempt{'s' if added != 1 else ''}"
            + (f", {updated} updated" if updated else "")
            + ")"
        )
        if refused:
            text += f"; {refused} refused — see the reasons below"
        if self._stop.is_set():
            text += f". Cancelled: {self.progress.maximum() - len(results)} files not imported"
        self.summary.setText(text + ".")
        self.imported.emit(added + updated)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.folder_button.setEnabled(True)
        self.files_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.summary.setText(f"The import stopped: {exc}")

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until a running import ends (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)
