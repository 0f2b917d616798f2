"""Run database and scoring work off the GUI thread, with callbacks on the GUI thread.

Like Anki's ``CollectionOp``: the GUI asks for ``run_op(fn, on_success=..., on_failure=...)`` and
never blocks. Callbacks are delivered through a queued signal to the thread that owns the
receiver (the GUI thread), so they may touch widgets. Exceptions become ``on_failure`` calls;
by default they are shown to the user as a clear message, never a traceback.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_live: set[_Relay] = set()


def pool() -> QThreadPool:
    """The one pool for background ops (two threads: these machines have two cores)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


def _owner_gone(callback: Callable[..., Any]) -> bool:
    """True if ``callback`` belongs to, or captured, a QObject whose C++ side is deleted.

    An op may finish after the screen that asked for it has closed; delivering into a deleted
    widget raises. Bound methods and closures (``lambda e: show_error(e, self)``) are checked.
    """
    owners: list[Any] = []
    owner = getattr(callback, "__self__", None)
    if owner is not None:
        owners.append(owner)
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            owners.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return any(isinstance(o, QObject) and not shiboken6.isValid(o) for o in owners)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits into it, Qt queues the call across threads."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self._success)
        self.failed.connect(self._failure)

    @Slot(object)
    def _success(self, result: Any) -> None:
        _live.discard(self)
        if self._on_success is not None and not _owner_gone(self._on_success):
            self._on_success(result)

    @Slot(object)
    def _failure(self, exc: BaseException) -> None:
        _live.discard(self)
        if self._on_failure is not None:
            if not _owner_gone(self._on_failure):
                self._on_failure(exc)
        else:
            show_error(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self._fn()
        except BaseException as exc:
            log.debug("background op failed:\n%s", traceback.format_exc())
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


def run_op(
    fn: Callable[[], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``fn()`` on the background pool; call back on the GUI thread with its result."""
    relay = _Relay(on_success, on_failure)
    _live.add(relay)  # keep the relay alive until it has delivered
    pool().start(_Job(fn, relay))


def wait_for_ops(msecs: int = 30_000) -> bool:
    """Block until queued ops finish (for shutdown and tests only, never in a slot)."""
    return pool().waitForDone(msecs)


def show_error(exc: BaseException, parent: Any = None, title: str = "Something went wrong") -> None:
    """Tell the user what failed in one sentence; details go to the log, not a traceback box."""
    from PySide6.QtWidgets import QMessageBox

    log.error("operation failed: %r", exc)
    QMessageBox.warning(parent, title, str(exc) or exc.__class__.__name__)
