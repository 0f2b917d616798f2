"""Fixtures for the review tests: a fresh migrated database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session


@pytest.fixture
def session(db: Any) -> Iterator[Session]:
    with db.session() as s:
        yield s


DEMO_NOW = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """A SQLite database filled by seed_demo (3 trainees), shared by a module's tests.

    Tests that change it must only add (overrides, comments), never rely on a clean slate.
    """
    from sandbox.demo import seed_demo
    from sandbox.store.db import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(f"sqlite:///{path}")
    summary = seed_demo(database, trainees=3, seed=7, now=DEMO_NOW)
    try:
        yield database, summary
    finally:
        database.close()
