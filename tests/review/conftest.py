"""Fixtures for the review tests: a fresh migrated database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session


@pytest.fixture
def session(db: Any) -> Iterator[Session]:
    with db.session() as s:
        yield s
