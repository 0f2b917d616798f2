"""Importing several transcript files at once, one of them tampered with: per-file results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox.auth import PermissionDenied
from sandbox.review.imports import find_transcript_files, import_files
from sandbox.store import crud, transcripts
from sandbox.store.models import Profile

from .helpers import make_trainer


def export_files(demo: tuple[Any, Any], folder: Path) -> list[Path]:
    """One signed transcript per demo trainee, in ``folder`` (the last one tampered with)."""
    db, summary = demo
    key = transcripts.load_org_key()
    files = []
    with db.session() as s:
        for i, pid in enumerate(summary.trainee_ids):
            ids = [a.id for a in crud.list_attempts(s, profile_id=pid)]
            payload = transcripts.build_transcript(s, attempt_ids=ids, key=key)
            files.append(transcripts.write_transcript(folder / f"t{i}.json", payload))
    text = files[-1].read_text(encoding="utf-8")
    tampered = text.replace('"score_overall": ', '"score_overall": 1', 1)
    assert tampered != text
    files[-1].write_text(tampered, encoding="utf-8")
    return files


@pytest.fixture
def usb_stick(demo: tuple[Any, Any], tmp_path: Path) -> Path:
    stick = tmp_path / "stick"
    (stick / "room 2").mkdir(parents=True)
    (stick / ".Trashes").mkdir()
    files = export_files(demo, stick)
    files[0].rename(stick / "room 2" / files[0].name)  # one in a sub-folder
    (stick / ".Trashes" / "old.json").write_text("{}", encoding="utf-8")
    (stick / "readme.txt").write_text("not a transcript", encoding="utf-8")
    return stick


def test_folder_import_reports_each_file(db: Any, usb_stick: Path) -> None:
    with db.session() as s:
        trainer = make_trainer(s)
    files = find_transcript_files(usb_stick)
    assert [f.name for f in files] == ["t1.json", "t2.json", "t0.json"]  # hidden folder skipped
    seen: list[tuple[int, int]] = []
    results = import_files(db, trainer, files, progress=lambda i, n, r: seen.append((i, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    by_name = {r.path.name: r for r in results}
    assert by_name["t0.json"].ok and by_name["t1.json"].ok
    assert by_name["t0.json"].attempts_added > 0 and by_name["t0.json"].trainee
    bad = by_name["t2.json"]
    assert not bad.ok and "altered" in bad.message
    with db.session() as s:
        imported = crud.list_attempts(s)
        assert (
            len(imported) == by_name["t0.json"].attempts_added + by_name["t1.json"].attempts_added
        )
        audit = crud.list_audit(s, events=["transcript.imported"])
        assert len(audit) == 2 and all(a.actor_id == trainer.id for a in audit)
    # Importing again adds nothing.
    again = import_files(db, trainer, files[:1])
    assert again[0].ok and again[0].attempts_added == 0 and again[0].skipped > 0


def test_cancel_stops_between_files(db: Any, usb_stick: Path) -> None:
    with db.session() as s:
        trainer = make_trainer(s)
    files = find_transcript_files(usb_stick)
    done: list[int] = []
    results = import_files(
        db,
        trainer,
        files,
        progress=lambda i, n, r: done.append(i),
        cancelled=lambda: len(done) >= 1,
    )
    assert len(results) == 1


def test_trainee_cannot_import(db: Any, usb_stick: Path) -> None:
    trainee = Profile(name="Tom", role="trainee")
    with pytest.raises(PermissionDenied):
        import_files(db, trainee, find_transcript_files(usb_stick))


def test_import_panel_shows_progress_and_reasons(qtbot: Any, db: Any, usb_stick: Path) -> None:
    from sandbox.ui.review.import_panel import ImportPanel

    with db.session() as s:
        trainer = make_trainer(s)
    panel = ImportPanel(db, trainer)
    qtbot.add_widget(panel)
    with qtbot.wait_signal(panel.imported, timeout=30_000) as blocker:
        panel.import_folder(usb_stick)
    assert blocker.args[0] > 0
    assert panel.progress.value() == panel.progress.maximum() == 3
    assert panel.table.rowCount() == 3
    rows = {panel.table.item(r, 0).text(): panel.table.item(r, 2).text() for r in range(3)}
    assert rows["t2.json"].startswith("✖ Refused") and "altered" in rows["t2.json"]
    assert rows["t0.json"].startswith("✓ Imported")
    assert "2 files imported" in panel.summary.text() and "1 refused" in panel.summary.text()
