"""Shared fixtures. Tests never touch the real user directories and never need a display."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Offscreen Qt: with no display and no platform set, Qt aborts with a misleading xcb message.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep every test away from the real user data/config dirs, whatever a test forgets to set.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="sandbox-tests-"))
os.environ["SANDBOX_DATA_DIR"] = str(_SESSION_HOME / "data")
os.environ["SANDBOX_CONFIG_DIR"] = str(_SESSION_HOME / "config")
os.environ.pop("SANDBOX_DATABASE_URL", None)

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO_ROOT / "scenarios"
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh, empty user data/config dirs for one test."""
    monkeypatch.setenv("SANDBOX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SANDBOX_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("SANDBOX_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS_DIR


# --- databases (store) -----------------------------------------------------------------------
# `db` runs a test on SQLite and on PostgreSQL (when SANDBOX_TEST_PG_URL names a server; .ci/run
# starts one). Each test gets its own fresh database so tests never collide.
PG_SKIP_REASON = "no PostgreSQL server: set SANDBOX_TEST_PG_URL (.ci/run starts one)"


def _pg_admin_url() -> str | None:
    return os.environ.get("SANDBOX_TEST_PG_URL") or None


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """URL of a brand-new, empty PostgreSQL database, dropped after the test."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(PG_SKIP_REASON)
    u = make_url(admin)
    conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield u.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    """URL of a SQLite file that does not exist yet (created on first open)."""
    return f"sqlite:///{tmp_path / 'db' / 'sandbox.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once per engine."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_database_url"))
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Any]:
    """An open, migrated ``sandbox.store.db.Database`` on SQLite and on PostgreSQL."""
    from sandbox.store.db import open_database

    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()
