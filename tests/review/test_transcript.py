"""Transcripts rebuilt from demo attempts, and what each viewer may see in them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.auth import PermissionDenied
from sandbox.review.render import highlight_spans, transcript_html
from sandbox.review.transcript import build_transcript
from sandbox.scoring.types import Family, Finding, Severity
from sandbox.store import crud


def _finding(start: int, end: int, severity: Severity = Severity.error) -> Finding:
    return Finding("risk.x", Family.risk, severity, start, end, "", "msg")


def test_entries_follow_simulated_time(demo: tuple[Any, Any]) -> None:
    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        t = build_transcript(s, trainer, summary.attempt_ids[0])
        actions = crud.list_actions(s, attempt_id=summary.attempt_ids[0])
    assert t.notice is None
    times = [e.post.at for e in t.entries]
    assert all(at is not None for at in times)
    assert times == sorted(times)  # type: ignore[type-var]
    shown = {a.id for e in t.entries for a in e.actions}
    assert shown == {a.id for a in actions}  # every action appears exactly once
    for e in t.entries:
        for a in e.actions:
            assert e.post.at is not None and a.sim_at >= e.post.at
    assert t.model_answers_shown
    assert any(e.post.model_answers for e in t.entries)
    # A post that needed an answer and got none is marked missed.
    assert t.missed_count == sum(
        1 for e in t.entries if e.post.needs_answer and not any(a.is_response for a in e.actions)
    )


def test_trainee_sees_own_transcript_but_not_assessment_answers_before_the_end(
    demo: tuple[Any, Any],
) -> None:
    db, summary = demo
    with db.session() as s:
        running = next(
            a for a in crud.list_attempts(s, status="in_progress") if a.mode == "assessment"
        )
        owner = crud.get_profile(s, profile_id=running.profile_id)
        other = next(
            crud.get_profile(s, profile_id=p)
            for p in summary.trainee_ids
            if p != running.profile_id
        )
        t = build_transcript(s, owner, running.id)
        assert not t.model_answers_shown
        assert all(not e.post.model_answers and not e.post.trainer_notes for e in t.entries)
        assert "Model answers are shown when the assessment is finished" in transcript_html(t)
        with pytest.raises(PermissionDenied):
            build_transcript(s, other, running.id)
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        assert build_transcript(s, trainer, running.id).model_answers_shown


def test_missing_scenario_still_shows_actions(demo: tuple[Any, Any], tmp_path: Path) -> None:
    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        t = build_transcript(s, trainer, summary.attempt_ids[0], scenarios_dir=tmp_path)
        n_actions = len(crud.list_actions(s, attempt_id=summary.attempt_ids[0]))
    assert t.notice and "not in the scenario library" in t.notice
    assert sum(len(e.actions) for e in t.entries) == n_actions
    assert all(e.post.source == "unknown" for e in t.entries)


def test_highlight_spans_escape_and_bracket() -> None:
    text = "Call <b>me</b> on 07700 900123"
    out = highlight_spans(text, [_finding(18, 30)], printable=True)
    assert "&lt;b&gt;me&lt;/b&gt;" in out  # the learner's words stay text
    assert "<b>[</b><u>07700 900123</u><b>]</b><sup>1</sup>" in out
    overlap = highlight_spans(
        "abcdef", [_finding(0, 4), _finding(2, 6, Severity.warning)], printable=True
    )
    assert overlap.count("<b>[</b>") == 2 and overlap.count("<sup>") == 2
    coloured = highlight_spans("abcdef", [_finding(0, 3)], printable=False)
    assert "color:" in coloured and "text-decoration: underline" in coloured
    assert "color" not in highlight_spans("abcdef", [_finding(0, 3)], printable=True)


def test_demo_is_deterministic(tmp_path: Path) -> None:
    from sandbox.demo import seed_demo
    from sandbox.store.db import open_database

    from .conftest import DEMO_NOW

    results = []
    for name in ("a", "b"):
        db = open_database(f"sqlite:///{tmp_path / name}.db")
        summary = seed_demo(db, trainees=2, seed=11, now=DEMO_NOW, reviews=False)
        with db.session() as s:
            rows = [
                (a.scenario_id, a.mode, a.status, a.score_overall, a.started_at)
                for a in crud.list_attempts(s, newest_first=False)
            ]
            texts = [
                x.text for aid in summary.attempt_ids for x in crud.list_actions(s, attempt_id=aid)
            ]
        db.close()
        results.append((rows, texts))
    assert results[0] == results[1]
    rows, texts = results[0]
    assert len(rows) >= 6 and len(texts) > 20
    assert len({r[3] for r in rows if r[3] is not None}) > 2  # a spread of scores
    assert rows[0][4] < DEMO_NOW - timedelta(days=20)


def test_demo_passphrases_work(demo: tuple[Any, Any]) -> None:
    from sandbox import auth
    from sandbox.demo import DEMO_MANAGER_PASSPHRASE, DEMO_TRAINER_PASSPHRASE

    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        manager = crud.get_profile(s, profile_id=summary.manager_id)
        assert trainer is not None and trainer.role == "trainer"
        assert manager is not None and manager.role == "manager"
        assert auth.verify_passphrase(s, profile=trainer, passphrase=DEMO_TRAINER_PASSPHRASE).ok
        assert auth.verify_passphrase(s, profile=manager, passphrase=DEMO_MANAGER_PASSPHRASE).ok
        assert summary.reviewed > 0
        assert any(crud.list_overrides(s, attempt_id=a) for a in summary.attempt_ids)
