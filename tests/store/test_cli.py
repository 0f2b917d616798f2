"""``sandbox export`` / ``sandbox import`` / ``sandbox key`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.cli import main
from sandbox.store import crud
from sandbox.store.db import open_database


@pytest.fixture
def trainee_db(user_dirs: Path) -> tuple[str, str, str]:
    url = f"sqlite:///{user_dirs / 'laptop.db'}"
    with open_database(url) as db, db.session() as s:
        p = crud.create_profile(s, name="Priya Shah", team="Cohort 4")
        a = crud.start_attempt(s, profile_id=p.id, scenario_id="bins")
        crud.record_action(s, attempt_id=a.id, post_id="p1", kind="reply", text="Sorry!")
        crud.finish_attempt(s, attempt_id=a.id, score_overall=77)
        crud.start_attempt(s, profile_id=p.id, scenario_id="flood")
    return url, p.id, a.id


def test_export_then_import_on_another_database(trainee_db, user_dirs, capsys):
    url, _, _ = trainee_db
    out = user_dirs / "priya.json"
    assert main(["--db", url, "export", "--profile", "priya shah", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Exported 2 attempt(s) of Priya Shah" in said and out.exists()

    trainer = f"sqlite:///{user_dirs / 'trainer.db'}"
    assert main(["--db", trainer, "import", str(out)]) == 0
    assert "Priya Shah: 2 new attempt(s)" in capsys.readouterr().out
    assert main(["--db", trainer, "import", str(user_dirs)]) == 0  # a folder of files
    assert "2 already here" in capsys.readouterr().out
    with open_database(trainer) as db, db.session() as s:
        assert len(crud.list_attempts(s)) == 2


def test_export_one_attempt_as_csv(trainee_db, user_dirs, capsys):
    url, _, attempt_id = trainee_db
    out = user_dirs / "one.csv"
    assert main(["--db", url, "export", "--attempt", attempt_id, "--out", str(out), "--csv"]) == 0
    assert "Wrote 1 actions" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbfperson,")


def test_clear_errors_not_tracebacks(trainee_db, user_dirs, capsys):
    url, _, _ = trainee_db
    assert main(["--db", url, "export", "--profile", "Nobody", "--out", "x.json"]) == 1
    assert "no profile called 'Nobody'" in capsys.readouterr().err
    bad = user_dirs / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["--db", url, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json: rejected:" in err and "Traceback" not in err
    unreachable = "postgresql://u@127.0.0.1:1/db"
    assert main(["--db", unreachable, "import", str(bad)]) == 1
    assert "Cannot reach the PostgreSQL server" in capsys.readouterr().err


def test_key_show_export_import(user_dirs, capsys):
    assert main(["key"]) == 0
    shown = capsys.readouterr().out
    assert "Organisation key" in shown
    assert main(["key", "--show"]) == 0
    key_hex = capsys.readouterr().out.strip()
    assert len(key_hex) == 64
    shared = user_dirs / "org.key"
    assert main(["key", "--export", str(shared)]) == 0
    assert shared.read_text().strip() == key_hex
    assert main(["key", "--import", str(shared)]) == 0
    assert "already in use" in capsys.readouterr().out
    other = user_dirs / "other.key"
    other.write_text("ab" * 32, encoding="ascii")
    assert main(["key", "--import", str(other)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["key", "--import", str(other), "--force"]) == 0
    assert main(["key", "--show"]) == 0
    assert capsys.readouterr().out.strip().endswith("ab" * 32)
