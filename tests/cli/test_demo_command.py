"""``sandbox demo`` seeds a fresh database once and refuses to pile onto real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.cli import main
from sandbox.store import crud
from sandbox.store.db import open_database


def test_demo_seeds_then_refuses_without_force(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--trainees", "2", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "Added 2 trainees" in out
    assert "demo trainer passphrase" in out
    with open_database() as db, db.session() as session:
        roles = sorted(p.role for p in crud.list_profiles(session))
    assert roles.count("trainee") == 2
    assert "trainer" in roles and "manager" in roles

    assert main(["demo"]) == 1
    assert "use --force" in capsys.readouterr().err


def test_demo_rejects_silly_counts(user_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--trainees", "0"]) == 2
    assert "between 1 and 200" in capsys.readouterr().err
