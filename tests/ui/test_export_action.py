"""File → Export my transcripts writes a signed file the trainer's import accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_trainee_exports_a_signed_transcript(
    qtbot: Any, app: Any, sqlite_db: Any, trainee: Any, tmp_path: Path
) -> None:
    from sandbox.store import crud, transcripts
    from sandbox.ui.main_window import MainWindow

    with sqlite_db.session() as s:
        attempt = crud.start_attempt(s, profile_id=trainee.id, scenario_id="flood-rumours", seed=3)
        crud.record_action(
            s,
            attempt_id=attempt.id,
            post_id="p1",
            kind="reply",
            text="Thanks for telling us, we're on our way.",
            sim_at_seconds=120,
            score_card=None,
        )
    window = MainWindow(sqlite_db)
    qtbot.add_widget(window)
    assert not window.export_action.isEnabled()  # nobody signed in
    window.sign_in(trainee)
    assert window.export_action.isEnabled()

    dest = tmp_path / "out" / "priya.json"
    window.export_transcripts(str(dest))
    qtbot.waitUntil(dest.exists, timeout=10_000)
    qtbot.waitUntil(lambda: "Saved your transcripts" in window.statusBar().currentMessage())

    payload = transcripts.read_transcript(dest, transcripts.load_org_key())
    assert [a["attempt"]["id"] for a in payload["attempts"]] == [attempt.id]
    assert (
        payload["attempts"][0]["actions"][0]["text"] == "Thanks for telling us, we're on our way."
    )

    window.sign_out()
    assert not window.export_action.isEnabled()
