"""Signed transcript files: round trips across engines, idempotent import, tampering, keys, CSV."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import pytest
from sqlmodel import func, select

from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, ScoreCard, Severity
from sandbox.store import crud
from sandbox.store import transcripts as tx
from sandbox.store.db import Database, open_database
from sandbox.store.models import ActionRecord, Attempt, Comment, FindingRecord, ScoreOverride

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def card(overall: int) -> ScoreCard:
    return ScoreCard(
        scores={Family.risk: overall, Family.tone: 80, Family.timing: 90, Family.action: None},
        overall=overall,
        weights={Family.risk: 0.5, Family.tone: 0.5},
        findings=(
            Finding(
                rule="risk.politics.candidate",
                family=Family.risk,
                severity=Severity.error,
                start=4,
                end=9,
                match="Smith",
                message="Names a candidate in the pre-election period.",
                points=35.5,
            ),
        ),
    )


def populate(db: Database) -> tuple[str, list[str]]:
    """A trainee with two attempts, one reviewed by a trainer. Returns (profile id, attempt ids)."""
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann Ó'Brien", team="Cohort 2")
        tom = crud.create_profile(s, name="Tom", role="trainer", passphrase_hash="$argon2id$secret")
        ids = []
        for n in range(2):
            a = crud.start_attempt(
                s, profile_id=ann.id, scenario_id=f"scn-{n}", scenario_title="Flood", seed=n
            )
            r = crud.record_action(
                s,
                attempt_id=a.id,
                post_id="p1",
                kind="reply",
                text="=Thanks café, call us",
                sim_at_seconds=61.25,
                elapsed_minutes=7.5,
                target_minutes=30,
                score_card=card(70 + n),
            )
            crud.record_action(s, attempt_id=a.id, post_id="p2", kind="escalate", team="Housing")
            crud.finish_attempt(s, attempt_id=a.id, score_overall=70 + n, score_risk=70 + n)
            ids.append(a.id)
        crud.add_override(
            s,
            attempt_id=ids[0],
            action_id=r.id if n == 0 else None,
            family="risk",
            new=95,
            reason="Candidate named only as ward councillor.",
            reviewer_id=tom.id,
        )
        crud.add_comment(s, attempt_id=ids[0], author_id=tom.id, text="Well handled.")
        return ann.id, ids


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            m.__name__: s.exec(select(func.count()).select_from(m)).one()
            for m in (Attempt, ActionRecord, FindingRecord, ScoreOverride, Comment)
        }


@pytest.fixture
def source(tmp_path: Path) -> Database:
    db = open_database(f"sqlite:///{tmp_path / 'source.db'}")
    yield db
    db.close()


def export_all(db: Database, profile_id: str, path: Path, key: bytes = KEY) -> Path:
    with db.session() as s:
        return tx.export_profile(s, profile_id=profile_id, path=path, key=key)


def test_round_trip_into_either_engine_and_import_twice_adds_nothing(source, db, tmp_path):
    profile_id, attempt_ids = populate(source)
    path = export_all(source, profile_id, tmp_path / "ann.json")
    with db.session() as s:
        result = tx.import_transcript(s, path, KEY)
    assert (result.attempts_added, result.skipped) == (2, 0)
    assert result.profile.id == profile_id and result.profile.name == "Ann Ó'Brien"
    assert sorted(result.attempt_ids) == sorted(attempt_ids)
    assert (
        counts(db)
        == counts(source)
        == {
            "Attempt": 2,
            "ActionRecord": 4,
            "FindingRecord": 2,
            "ScoreOverride": 1,
            "Comment": 1,
        }
    )
    with source.session() as s1, db.session() as s2:
        for attempt_id in attempt_ids:
            a1 = crud.get_attempt(s1, attempt_id=attempt_id)
            a2 = crud.get_attempt(s2, attempt_id=attempt_id)
            assert tx._row_to_dict(a1) == tx._row_to_dict(a2)
            acts1 = [tx._row_to_dict(x) for x in crud.list_actions(s1, attempt_id=attempt_id)]
            acts2 = [tx._row_to_dict(x) for x in crud.list_actions(s2, attempt_id=attempt_id)]
            assert acts1 == acts2
        # the trainer came along as the reviewer, but never their passphrase hash
        reviewer = crud.list_overrides(s2, attempt_id=attempt_ids[0])[0].reviewer_id
        assert crud.get_profile(s2, profile_id=reviewer).passphrase_hash is None
        assert "argon2" not in path.read_text(encoding="utf-8")

    with db.session() as s:
        again = tx.import_transcript(s, path, KEY)
        assert (again.attempts_added, again.skipped, again.actions_added) == (0, 2, 0)
        assert len(crud.list_audit(s, events=["transcript.imported"])) == 2
    assert counts(db)["ActionRecord"] == 4


def test_later_export_of_the_same_attempt_adds_only_what_is_new(source, tmp_path):
    with source.session() as s:
        ann = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(s, profile_id=ann.id, scenario_id="s")
        crud.record_action(s, attempt_id=a.id, post_id="p1", kind="like")
        first = tx.export_attempt(s, attempt_id=a.id, path=tmp_path / "1.json", key=KEY)
        crud.record_action(s, attempt_id=a.id, post_id="p2", kind="reply", text="Hi")
        crud.finish_attempt(s, attempt_id=a.id, score_overall=88)
        second = tx.export_attempt(s, attempt_id=a.id, path=tmp_path / "2.json", key=KEY)
    with open_database(f"sqlite:///{tmp_path / 'trainer.db'}") as target, target.session() as s:
        r1 = tx.import_transcript(s, first, KEY)
        assert (r1.attempts_added, r1.actions_added) == (1, 1)
        r2 = tx.import_transcript(s, second, KEY)
        assert (r2.attempts_added, r2.attempts_updated, r2.actions_added, r2.skipped) == (
            0,
            1,
            1,
            0,
        )
        got = crud.get_attempt(s, attempt_id=a.id)
        assert (got.status, got.score_overall) == ("finished", 88)
        assert len(crud.list_actions(s, attempt_id=a.id)) == 2


@pytest.fixture
def exported(source, tmp_path) -> Path:
    profile_id, _ = populate(source)
    return export_all(source, profile_id, tmp_path / "ann.json")


def _rejected(db_path: Path, file: Path, key: bytes = KEY) -> str:
    with open_database(f"sqlite:///{db_path}") as target, target.session() as s:
        with pytest.raises(tx.TranscriptRejected) as info:
            tx.import_transcript(s, file, key)
        assert s.exec(select(func.count()).select_from(Attempt)).one() == 0
    return info.value.reason


def test_changed_score_is_rejected(exported, tmp_path):
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["attempts"][0]["attempt"]["score_overall"] = 100
    exported.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert "altered" in _rejected(tmp_path / "t.db", exported)


def test_changed_finding_is_rejected(exported, tmp_path):
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["attempts"][0]["findings"] = []
    exported.write_text(json.dumps(data), encoding="utf-8")
    assert "altered" in _rejected(tmp_path / "t.db", exported)


def test_removed_line_is_rejected(exported, tmp_path):
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, ln in enumerate(lines) if '"score_risk": 70,' in ln)
    exported.write_text("".join(lines[:index] + lines[index + 1 :]), encoding="utf-8")
    assert "altered" in _rejected(tmp_path / "t.db", exported)


def test_removed_last_line_of_a_block_is_rejected_as_damaged(exported, tmp_path):
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, ln in enumerate(lines) if ln.strip() == "},")
    exported.write_text("".join(lines[:index] + lines[index + 1 :]), encoding="utf-8")
    assert "not valid JSON at line" in _rejected(tmp_path / "t.db", exported)


def test_different_key_is_rejected(exported, tmp_path):
    reason = _rejected(tmp_path / "t.db", exported, key=OTHER_KEY)
    assert "different organisation key" in reason
    assert tx.key_fingerprint(KEY) in reason and tx.key_fingerprint(OTHER_KEY) in reason


def test_bad_json_is_rejected(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "reply-sandbox-transcript", "version": 1,, }', encoding="utf-8")
    assert "not valid JSON" in _rejected(tmp_path / "t.db", bad)


def test_truncated_file_is_rejected(exported, tmp_path):
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "incomplete" in _rejected(tmp_path / "t.db", exported)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("[1, 2, 3]", "not a Reply Sandbox transcript"),
        ('{"format": "something-else"}', "not a Reply Sandbox transcript"),
        ('{"format": "reply-sandbox-transcript", "version": 99}', "newer Reply Sandbox"),
        ('{"format": "reply-sandbox-transcript", "version": "one"}', "unknown transcript version"),
        ('{"format": "reply-sandbox-transcript", "version": 1}', "not signed"),
    ],
)
def test_other_bad_files_are_rejected(tmp_path, content, expected):
    f = tmp_path / "x.json"
    f.write_text(content, encoding="utf-8")
    assert expected in _rejected(tmp_path / "t.db", f)


def test_binary_file_is_rejected(tmp_path):
    f = tmp_path / "photo.json"
    f.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    assert "not UTF-8" in _rejected(tmp_path / "t.db", f)


def test_signed_but_malformed_payload_is_rejected(tmp_path):
    payload = {
        "format": tx.FORMAT,
        "version": 1,
        "key_id": tx.key_fingerprint(KEY),
        "profile": {"id": "p", "name": "Ann", "role": "trainee"},
        "attempts": [{"attempt": {"id": "a", "profile_id": "p", "seed": "not a number"}}],
    }
    payload["signature"] = {"alg": "HMAC-SHA256", "value": tx.sign(payload, KEY)}
    f = tmp_path / "odd.json"
    f.write_text(json.dumps(payload), encoding="utf-8")
    assert "malformed" in _rejected(tmp_path / "t.db", f)


def test_org_key_is_created_private_and_shared_by_import(user_dirs: Path):
    key = tx.load_org_key()
    path = tx.org_key_path()
    assert path.exists() and len(key) == 32
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tx.load_org_key() == key  # stable once created

    shared = user_dirs / "trainer.key"
    shared.write_text(OTHER_KEY.hex() + "\n", encoding="ascii")
    with pytest.raises(tx.OrgKeyError, match="different organisation key"):
        tx.import_org_key(shared)
    installed, changed = tx.import_org_key(shared, force=True)
    assert (installed, changed) == (OTHER_KEY, True)
    assert tx.load_org_key() == OTHER_KEY
    assert tx.import_org_key(shared) == (OTHER_KEY, False)
    bogus = user_dirs / "bogus.key"
    bogus.write_text("not a key", encoding="ascii")
    with pytest.raises(tx.OrgKeyError, match="not a Reply Sandbox organisation key"):
        tx.import_org_key(bogus)


def test_csv_export_is_utf8_with_bom_and_formula_safe(source, tmp_path):
    _, attempt_ids = populate(source)
    out = tmp_path / "actions.csv"
    with source.session() as s:
        assert tx.write_actions_csv(s, attempt_ids=attempt_ids, path=out) == 4
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    first = rows[0]
    assert first["person"] == "Ann Ó'Brien"
    assert first["text"] == "'=Thanks café, call us"
    assert first["findings"] == "risk.politics.candidate"
    assert first["score_overall"] == "70" and first["elapsed_minutes"] == "7.5"
    assert rows[1]["escalated_to"] == "Housing" and rows[1]["score_overall"] == ""


def test_rejected_import_leaves_nothing_behind(source, tmp_path):
    """A clash found half-way through an import rolls the whole file back."""
    profile_id, attempt_ids = populate(source)
    path = export_all(source, profile_id, tmp_path / "ann.json")
    with open_database(f"sqlite:///{tmp_path / 'trainer.db'}") as target, target.session() as s:
        someone = crud.create_profile(s, name="Someone else")
        s.add(Attempt(id=attempt_ids[1], profile_id=someone.id, scenario_id="other"))
        s.commit()
        with pytest.raises(tx.TranscriptRejected, match="conflicts with attempt"):
            tx.import_transcript(s, path, KEY)
        crud.audit(s, event="after")  # a later write must not commit a half import
        assert crud.get_profile(s, profile_id=profile_id) is None
        assert crud.get_attempt(s, attempt_id=attempt_ids[0]) is None
        assert counts(target)["ActionRecord"] == 0
