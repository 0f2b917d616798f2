"""Review screens for ``sandbox shoot``: sign-in, review list, transcript, workshop, import.

Each screen is built on the demo database (``sandbox.demo.seed_demo``) and given time to load
its data (background ops) before it is yielded, so the picture shows real content.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from sandbox import auth
from sandbox.store import crud
from sandbox.store.models import Profile
from sandbox.ui.shoot import settle

__all__ = ["shots"]


def _trainer(db: Any) -> Profile:
    with db.session() as s:
        people = crud.list_profiles(s, role="trainer")
        if people:
            return people[0]
        return auth.create_protected_profile(
            s, name="Tess Whitfield", role="trainer", passphrase="demo trainer passphrase"
        )


def _reviewed_attempt(db: Any) -> str | None:
    """An attempt with a trainer's override (the richest transcript), else any finished one."""
    from sqlmodel import col, select

    from sandbox.store.models import Attempt, ScoreOverride

    with db.session() as s:
        row = s.exec(select(ScoreOverride.attempt_id).limit(1)).first()
        if row:
            return str(row)
        a = s.exec(
            select(Attempt)
            .where(col(Attempt.status) == "finished")
            .order_by(col(Attempt.started_at))
        ).first()
        return a.id if a else None


def _transcript_files(folder: Path) -> list[Path]:
    """Three transcript files from a small second demo database, one of them tampered with."""
    from sandbox.demo import seed_demo
    from sandbox.store import transcripts
    from sandbox.store.db import open_database

    other = open_database(f"sqlite:///{folder / 'other.db'}")
    try:
        summary = seed_demo(other, trainees=3, seed=99, reviews=False)
        key = transcripts.load_org_key()
        files: list[Path] = []
        with other.session() as s:
            for i, pid in enumerate(summary.trainee_ids):
                person = crud.get_profile(s, profile_id=pid)
                ids = [a.id for a in crud.list_attempts(s, profile_id=pid)]
                payload = transcripts.build_transcript(s, attempt_ids=ids, key=key)
                name = (person.name if person else f"trainee-{i}").lower().replace(" ", "-")
                files.append(
                    transcripts.write_transcript(folder / f"transcript-{name}.json", payload)
                )
        tampered = files[-1]
        text = tampered.read_text(encoding="utf-8")
        tampered.write_text(
            text.replace('"score_overall": ', '"score_overall": 1', 1), encoding="utf-8"
        )
        (folder / "notes.json").write_text("{not json", encoding="utf-8")
        files.append(folder / "notes.json")
        return files
    finally:
        other.close()


def shots(ctx: Any) -> Iterator[tuple[str, QWidget]]:
    """(name, widget) for every review screen, in a sensible order.

    Screens are shown inside the main window (as the trainer sees them); dialogs on their own.
    """
    from sandbox.ui.review.home import ReviewHome
    from sandbox.ui.review.login import CreateProfileDialog, PassphraseDialog

    db = ctx.db
    window = ctx.window
    scenarios_dir = getattr(ctx, "scenarios_dir", None)
    trainer = _trainer(db)

    dialog = PassphraseDialog(db, trainer, window)
    settle()
    dialog.passphrase.setText("not the passphrase")
    dialog._show("That passphrase is not right. 2 more tries before a short wait.")
    dialog.adjustSize()
    yield "review-sign-in", dialog

    create = CreateProfileDialog(db, window, actor=trainer)
    create.name.setText("Priya Shah")
    create.team.setText("Communications")
    create.passphrase.setText("correct horse battery staple")
    create.repeat.setText("correct horse battery staple")
    create.adjustSize()
    yield "review-new-trainer", create

    window.current_profile = trainer
    home = ReviewHome(db, trainer, window=window, scenarios_dir=scenarios_dir)
    window.show_screen(home)
    settle(lambda: not home.review_list.model.loading and home.review_list._choices_loaded)
    yield "review-list", window

    attempt_id = _reviewed_attempt(db)
    if attempt_id is not None:
        view = home.open_attempt(attempt_id)
        settle(lambda: view.transcript is not None)
        yield "review-transcript", window
        t = view.transcript
        action = next((a for e in (t.entries if t else ()) for a in e.actions if a.card), None)
        if action is not None:
            over = view.make_override_dialog(action.id)
            if over is not None:
                i = over.family.findData("tone")
                over.family.setCurrentIndex(max(0, i))
                over.new.setValue(min(100, (action.scores.get("tone") or 70) + 10))
                over.reason.setPlainText(
                    "Warm and human for a frightened resident; the formality rule is too strict here."
                )
                over.adjustSize()
                yield "review-override", over
        home.show_list()

    home.tabs.setCurrentWidget(home.workshop)
    ws = home.workshop
    settle(lambda: bool(ws.replies))
    ws.hide_names.setChecked(True)
    settle(lambda: bool(ws.replies) and ws.replies[0].label.startswith("Trainee "))
    yield "review-workshop", window

    home.tabs.setCurrentWidget(home.importer)
    folder = Path(tempfile.mkdtemp(prefix="sandbox-shot-import-"))
    files = _transcript_files(folder)
    home.importer.start(files)
    home.importer.wait()
    settle(lambda: not home.importer.running)
    yield "review-import", window
