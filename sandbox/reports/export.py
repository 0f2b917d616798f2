"""Writing reports to files: CSV for spreadsheets, with progress and cancelling for long exports.

Why these choices:
- UTF-8 *with* a byte-order mark and CRLF line ends: Excel on Windows only reads UTF-8 (names
  like Siân, "£", emoji in trainee replies) correctly when the BOM is there.
- Cells that start with ``= + - @`` are prefixed with an apostrophe, so a trainee's reply can
  never run as a spreadsheet formula on a manager's machine (CSV injection).
- Output goes to a temporary file that replaces the target only when complete, so a cancelled
  or failed export never leaves half a report behind.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "CancelToken",
    "ExportCancelled",
    "Progress",
    "atomic_output",
    "csv_cell",
    "write_csv",
]

Progress = Callable[[int, int], None]  # (done, total); total 0 when unknown
_LONDON = ZoneInfo("Europe/London")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written."""

    def __init__(self) -> None:
        super().__init__("export cancelled; no file was written")


class CancelToken:
    """A flag a GUI thread sets and a worker checks between chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`ExportCancelled` when cancelled (call once per chunk)."""
        if self._event.is_set():
            raise ExportCancelled()


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet should see it: numbers stay numbers, text is made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_LONDON)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "w", **kwargs: Any) -> Any:
    """Open a temporary file next to ``path`` and move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_csv(
    path: Path,
    header: Sequence[str],
    chunks: Iterable[Sequence[Sequence[Any]]],
    *,
    total: int = 0,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Write rows arriving in chunks; returns the number of rows written.

    ``cancel`` is checked before each chunk, ``progress`` called after each one.
    """
    written = 0
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, dialect="excel", lineterminator="\r\n")
        writer.writerow(header)
        for chunk in chunks:
            if cancel is not None:
                cancel.check()
            writer.writerows([csv_cell(v) for v in row] for row in chunk)
            written += len(chunk)
            if progress is not None:
                progress(written, total)
        if cancel is not None:
            cancel.check()
    return written


def export_replies_csv(
    db: Any,
    flt: Any,
    path: Path,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    chunk_size: int = 2000,
) -> int:
    """Every recorded reply matching the filter, one row each, for spreadsheets.

    ``db`` is an open :class:`sandbox.store.db.Database`; ``flt`` a ``ReportFilter``.
    """
    from sandbox.reports.queries import REPLY_COLUMNS, count_reply_rows, iter_reply_rows

    with db.session() as session:
        total = count_reply_rows(session, flt)
        return write_csv(
            path,
            REPLY_COLUMNS,
            iter_reply_rows(session, flt, chunk_size=chunk_size),
            total=total,
            progress=progress,
            cancel=cancel,
        )
