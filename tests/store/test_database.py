"""Opening databases: first run, migrations with data, backups, refusing newer schemas, errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from sandbox.store import crud
from sandbox.store.db import (
    DatabaseCorrupt,
    DatabaseTooNew,
    DatabaseUnreachable,
    head_revision,
    open_database,
)


def test_default_database_is_created_in_the_user_data_dir(user_dirs: Path):
    db = open_database()
    try:
        assert db.is_sqlite
        assert db.sqlite_path == user_dirs / "data" / "sandbox.db"
        assert db.sqlite_path.exists()
        assert db.revision == head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.close()


def test_sqlite_enforces_foreign_keys(sqlite_database_url: str):
    with (
        open_database(sqlite_database_url) as db,
        db.session() as s,
        pytest.raises(Exception, match="FOREIGN KEY"),
    ):
        s.execute(
            text(
                "INSERT INTO attempt (id, profile_id, scenario_id, scenario_title,"
                " scenario_version, scenario_hash, seed, mode, status, started_at, reviewed,"
                " app_version) VALUES ('a', 'nobody', 's', '', '', '', 0, 'practice',"
                " 'in_progress', '2026-01-01 00:00:00', 0, '')"
            )
        )
        s.commit()


def test_models_match_the_migrations(db):
    """Autogenerate finds nothing to do: the migrations build exactly the models' schema."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def _seed_first_revision(url: str) -> None:
    """Write data as the first schema version knew it (raw SQL: today's models are newer)."""
    db = open_database(url, revision="0001")
    assert db.revision == "0001"
    at = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)
    stamp = at if not db.is_sqlite else at.replace(tzinfo=None)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profile (id, name, role, team, created_at, archived)"
                " VALUES (:id, :name, 'trainee', 'Cohort 1', :at, false)"
            ),
            {"id": "p-1", "name": "Ann", "at": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO attempt (id, profile_id, scenario_id, scenario_title,"
                " scenario_version, scenario_hash, seed, mode, status, started_at, score_overall,"
                " reviewed) VALUES ('a-1', 'p-1', 'flood', 'Flood', '1', 'h', 7, 'practice',"
                " 'finished', :at, 64, false)"
            ),
            {"at": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO action_record (id, attempt_id, seq, post_id, kind, text,"
                " sim_at_seconds, wall_at, score_overall) VALUES ('r-1', 'a-1', 1, 'post-1',"
                " 'reply', 'Thanks for letting us know', 30.0, :at, 64)"
            ),
            {"at": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO finding_record (id, action_id, attempt_id, rule, family, severity,"
                " start, \"end\", \"match\", message, points) VALUES ('f-1', 'r-1', 'a-1',"
                " 'tone.curt', 'tone', 'warning', 0, 6, 'Thanks', 'Curt', 5.0)"
            )
        )
    db.close()


def test_first_revision_database_upgrades_with_data_intact(db_url: str):
    _seed_first_revision(db_url)
    db = open_database(db_url)
    try:
        assert db.revision == head_revision() != "0001"
        with db.session() as s:
            attempt = crud.get_attempt(s, attempt_id="a-1")
            assert attempt is not None
            assert (attempt.profile_id, attempt.score_overall, attempt.seed) == ("p-1", 64, 7)
            assert attempt.app_version == ""  # the column the second revision added
            assert attempt.started_at == datetime(2026, 2, 3, 10, 30, tzinfo=UTC)
            actions = crud.list_actions(s, attempt_id="a-1")
            assert [a.text for a in actions] == ["Thanks for letting us know"]
            assert [f.rule for f in crud.list_findings(s, attempt_id="a-1")] == ["tone.curt"]
            assert crud.find_profile(s, name_or_id="Ann").team == "Cohort 1"
            # and the upgraded database takes new writes
            crud.record_action(s, attempt_id="a-1", post_id="post-2", kind="leave")
            assert len(crud.list_actions(s, attempt_id="a-1")) == 2
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        if db.is_sqlite:
            backup = db.backup_path
            assert backup is not None and backup.exists()
            assert "0001" in backup.name
            with sqlite3.connect(backup) as con:
                assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (
                    "0001",
                )
                assert con.execute("SELECT count(*) FROM action_record").fetchone() == (1,)
    finally:
        db.close()


def test_up_to_date_database_is_not_backed_up_again(sqlite_database_url: str):
    open_database(sqlite_database_url).close()
    db = open_database(sqlite_database_url)
    db.close()
    assert db.backup_path is None
    assert len(list(db.sqlite_path.parent.iterdir())) <= 3  # db, -wal, -shm: no backup copies


def test_newer_database_is_refused(db_url: str):
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.close()
    with pytest.raises(DatabaseTooNew, match=r"newer version of Reply Sandbox.*update the app"):
        open_database(db_url)


def test_unreachable_postgres_gives_a_clear_message():
    with pytest.raises(
        DatabaseUnreachable, match=r"Cannot reach the PostgreSQL server at 127\.0\.0\.1:1"
    ):
        open_database("postgresql://nobody@127.0.0.1:1/sandbox")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a shopping list, not a database" * 100)
    with pytest.raises(DatabaseCorrupt, match="not a Reply Sandbox database"):
        open_database(f"sqlite:///{path}")


REBUILD_REVISION = '''"""Test-only: rebuild the parent table the way SQLite batch mode does for most changes."""

from alembic import op

revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt", recreate="always") as batch_op:
        batch_op.alter_column("scenario_title", existing_type=None, comment=None)


def downgrade():
    pass
'''


def test_a_migration_that_rebuilds_a_parent_table_keeps_its_children(
    sqlite_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """SQLite rebuilds tables to alter them; with foreign keys on, dropping the old parent
    would cascade-delete every action. The upgrade must keep them."""
    import shutil

    from sandbox.store import db as db_module

    with open_database(sqlite_database_url) as db, db.session() as s:
        p = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(s, profile_id=p.id, scenario_id="s")
        crud.record_action(s, attempt_id=a.id, post_id="p1", kind="reply", text="kept")
    migrations = tmp_path / "migrations"
    shutil.copytree(db_module.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "rev9000_rebuild.py").write_text(
        REBUILD_REVISION.replace("{head}", head_revision()), encoding="utf-8"
    )
    monkeypatch.setattr(db_module, "MIGRATIONS_DIR", migrations)
    with open_database(sqlite_database_url) as db:
        assert db.revision == "9000"
        with db.session() as s:
            assert [x.text for x in crud.list_actions(s, attempt_id=a.id)] == ["kept"]
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
