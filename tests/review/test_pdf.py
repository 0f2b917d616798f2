"""The exported PDF holds the findings, the overrides (original → new, reason) and comments."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from sandbox.review import actions
from sandbox.review.transcript import build_transcript
from sandbox.store import crud


def _reviewed(demo: tuple[Any, Any]) -> Any:
    db, summary = demo
    aid = summary.attempt_ids[1]
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        t = build_transcript(s, trainer, aid)
        action = next(a for e in t.entries for a in e.actions if a.card and a.text)
        actions.override_score(
            s,
            reviewer=trainer,
            attempt_id=aid,
            action_id=action.id,
            family="risk",
            new=12,
            reason="Gave out a personal mobile number in public.",
        )
        actions.add_comment(
            s,
            reviewer=trainer,
            attempt_id=aid,
            action_id=action.id,
            text="Move this to a private message next time.",
        )
        actions.mark_reviewed(s, reviewer=trainer, attempt_id=aid, outcome="not_yet")
        return build_transcript(s, trainer, aid), action


def test_pdf_text(qapp: Any, demo: tuple[Any, Any], tmp_path: Path) -> None:
    from sandbox.ui.review.pdf import transcript_document, write_transcript_pdf

    t, action = _reviewed(demo)
    out = write_transcript_pdf(t, tmp_path / "out" / "transcript.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:  # the same document Qt printed
        text = transcript_document(t).toPlainText()
    flat = " ".join(text.split())
    assert t.scenario_title.split(":")[0] in flat
    assert t.trainee_name in flat
    assert "Reviewed: not yet" in flat
    assert "Score changed: Risk" in flat and "→ 12" in flat
    assert "Gave out a personal mobile number in public." in flat
    assert "Move this to a private message next time." in flat
    was = action.scores["risk"]
    assert f"Risk: 12 (was {was})" in flat
    # Findings carry severity words, not only colour.
    assert any(word in flat for word in ("Problem", "Warning", "Well done"))
    doc = transcript_document(t)
    html = doc.toHtml()
    assert "#c0262d" not in html and "#b35c00" not in html  # no severity colours in print
