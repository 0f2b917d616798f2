"""Alembic environment, driven from code (``sandbox.store.db``): no alembic.ini at run time.

The caller passes an open connection in ``config.attributes["connection"]``; batch mode is on
for SQLite because it cannot ALTER most things in place.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import sandbox.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("sandbox migrations need a connection in config.attributes")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations()
