"""Importing many transcript files at once (a folder or a USB stick after a workshop).

Each file is verified and imported on its own, all or nothing, so one tampered or damaged
file is reported with its reason and the others still go in. Progress is reported after each
file and the run can be cancelled between files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.auth import require_review
from sandbox.store.models import Profile

__all__ = ["MAX_FILES", "FileResult", "find_transcript_files", "import_files"]

MAX_FILES = 5000


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    ok: bool
    message: str  # one line: what was added, or why the file was refused
    trainee: str | None = None
    attempts_added: int = 0
    attempts_updated: int = 0
    skipped: int = 0
    attempt_ids: tuple[str, ...] = ()


def find_transcript_files(folder: Path | str, *, recursive: bool = True) -> list[Path]:
    """Transcript files (``*.json``) in a folder and, by default, its sub-folders.

    Hidden folders (``.Trashes``, ``.Spotlight-V100`` on USB sticks) are skipped.
    """
    root = Path(folder)
    if root.is_file():
        return [root]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(".json") and not name.startswith("."):
                found.append(Path(dirpath) / name)
                if len(found) >= MAX_FILES:
                    return found
        if not recursive:
            break
    return found


def _import_one(db: Any, path: Path, key: bytes | None, actor_id: str) -> FileResult:
    from sandbox.store import transcripts

    try:
        with db.session() as s:
            result = transcripts.import_transcript(s, path, key, actor_id=actor_id)
    except transcripts.TranscriptRejected as exc:
        return FileResult(path, False, f"Refused: {exc.reason}")
    except transcripts.TranscriptError as exc:
        return FileResult(path, False, f"Refused: {exc}")
    parts = [f"{result.attempts_added} new attempt{'s' if result.attempts_added != 1 else ''}"]
    if result.attempts_updated:
        parts.append(f"{result.attempts_updated} updated")
    if result.skipped:
        parts.append(f"{result.skipped} already here")
    return FileResult(
        path,
        True,
        "Imported: " + ", ".join(parts),
        trainee=result.profile.name,
        attempts_added=result.attempts_added,
        attempts_updated=result.attempts_updated,
        skipped=result.skipped,
        attempt_ids=tuple(result.attempt_ids),
    )


def import_files(
    db: Any,
    viewer: Profile,
    paths: Sequence[Path] | Iterable[Path],
    *,
    key: bytes | None = None,
    progress: Callable[[int, int, FileResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[FileResult]:
    """Import every file, reporting after each; stops early (between files) if cancelled.

    ``key`` defaults to this machine's organisation key. Only a trainer or manager may import.
    """
    require_review(viewer)
    from sandbox.store import transcripts

    files = list(paths)
    if key is None:
        key = transcripts.load_org_key()
    results: list[FileResult] = []
    for i, path in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        try:
            result = _import_one(db, Path(path), key, viewer.id)
        except Exception as exc:
            result = FileResult(Path(path), False, f"Could not import: {exc}")
        results.append(result)
        if progress is not None:
            progress(i, len(files), result)
    return results
