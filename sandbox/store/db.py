"""Opening the database: SQLite by default, PostgreSQL for a shared installation.

``open_database()`` is the only way in. It creates a SQLite file on first run, turns on WAL and
foreign keys, runs the Alembic migrations up to the version this app knows (backing up a SQLite
file first), and refuses a database written by a newer app rather than damaging it. Every
failure the user can meet is a ``DatabaseError`` whose message is one plain sentence.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from sandbox import paths

__all__ = [
    "Database",
    "DatabaseCorrupt",
    "DatabaseError",
    "DatabaseMigrationFailed",
    "DatabaseTooNew",
    "DatabaseUnreachable",
    "open_database",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Arbitrary constant that names "the Reply Sandbox migration lock" on PostgreSQL.
_PG_MIGRATION_LOCK = 0x5EB0C5


class DatabaseError(Exception):
    """A database problem with a message fit to show the user as it is."""


class DatabaseUnreachable(DatabaseError):
    """The server cannot be reached, or refused the connection."""


class DatabaseTooNew(DatabaseError):
    """The database was upgraded by a newer Reply Sandbox than this one."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a usable database."""


class DatabaseMigrationFailed(DatabaseError):
    """Bringing the database up to date failed (the SQLite backup is untouched)."""


@dataclass
class Database:
    """An open database: the engine plus how to get sessions from it."""

    url: str
    engine: Engine
    backup_path: Path | None = None  # SQLite copy made before the last migration, if any
    revision: str | None = None  # schema revision after opening
    _closed: bool = field(default=False, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        db = make_url(self.url).database
        return Path(db) if db and db != ":memory:" else None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading and writing; rolled back if the block raises.

        Objects stay usable after commit (``expire_on_commit=False``) so the GUI can hand them
        between threads without lazy reloads.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Release every pooled connection (needed before copying or deleting a SQLite file).

        On SQLite, first lets it refresh its query-planner statistics where they are stale
        (``PRAGMA optimize``, cheap; the manager reports rely on good plans).
        """
        if self._closed:
            return
        if self.is_sqlite:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except (OperationalError, DBAPIError):
                pass  # busy or read-only: statistics can wait for the next close
        self.engine.dispose()
        self._closed = True

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def begin_immediate(session: Session) -> None:
    """Make this session's next transaction take the SQLite write lock at once.

    A deferred SQLite transaction that reads and then writes can fail with "database is
    locked" without waiting; taking the lock up front lets the busy timeout queue writers
    instead. Has no effect on PostgreSQL. Call before the session's first statement.
    """
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see _on_begin) so DDL is transactional and the
        # write lock can be taken up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed action survives power loss too, not only a crash.
            cur.execute("PRAGMA synchronous = FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
            mode = "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def _describe_server(url: str) -> str:
    u = make_url(url)
    host = u.host or "localhost"
    return f"{host}:{u.port}" if u.port else host


def _friendly(exc: BaseException, url: str) -> DatabaseError:
    """Turn a driver exception into one sentence a trainer can act on."""
    msg = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    if url.startswith("sqlite"):
        low = msg.lower()
        if "not a database" in low or "malformed" in low:
            path = make_url(url).database
            return DatabaseCorrupt(
                f"The file {path} is not a Reply Sandbox database or is damaged ({msg})."
            )
        if "unable to open" in low:
            path = make_url(url).database
            return DatabaseUnreachable(f"Cannot open the database file {path} ({msg}).")
        return DatabaseError(f"The database could not be used: {msg}.")
    server = _describe_server(url)
    return DatabaseUnreachable(f"Cannot reach the PostgreSQL server at {server}: {msg}")


def _create_engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"{url!r} is not a database URL ({exc}).") from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            u, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        _install_sqlite_hooks(engine)
        return engine
    if backend in ("postgresql", "postgres"):
        if u.drivername in ("postgresql", "postgres"):
            u = u.set(drivername="postgresql+psycopg")
        try:
            return create_engine(u, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        except NoSuchModuleError as exc:
            raise DatabaseError(f"Unsupported PostgreSQL driver in {url!r} ({exc}).") from None
    raise DatabaseError(
        f"Unsupported database {backend!r}: use a sqlite:/// path or a postgresql:// URL."
    )


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest schema revision this app knows."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads; expected one")
    return heads[0]


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _backup_sqlite(path: Path, revision: str) -> Path:
    """Copy a live SQLite file with the backup API (consistent even in WAL mode)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = path.with_name(f"{path.stem}.backup-{revision}-{stamp}{path.suffix or '.db'}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


def _upgrade(db: Database, target: str) -> None:
    """Bring the schema to ``target``, refusing a newer database, under a migration lock."""

    known = _known_revisions()
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection if db.is_sqlite else None
        if raw is not None:
            # SQLite rebuilds a table to alter it (batch mode); with foreign keys on, dropping
            # the old parent table would cascade-delete its children. Off for the migration
            # (it cannot change inside a transaction), then checked before committing.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            _upgrade_locked(db, conn.execution_options(sqlite_begin="IMMEDIATE"), known, target)
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _upgrade_locked(db: Database, conn: Connection, known: set[str], target: str) -> None:
    from alembic import command

    with conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        current = _current_revision(conn)
        if current is not None and current not in known:
            raise DatabaseTooNew(
                "This database was created by a newer version of Reply Sandbox "
                f"(schema {current}); please update the app before opening it."
            )
        db.revision = current
        if current == target:
            return
        path = db.sqlite_path
        if current is not None and path is not None and path.exists():
            # The backup reads through its own connection; our IMMEDIATE lock still allows
            # readers in WAL mode, so the copy is consistent.
            db.backup_path = _backup_sqlite(path, current)
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        backup_note = f" (a backup is at {db.backup_path})" if db.backup_path else ""
        try:
            command.upgrade(cfg, target)
        except DBAPIError:
            raise
        except Exception as exc:
            raise DatabaseMigrationFailed(
                f"Updating the database to schema {target} failed: {exc}{backup_note}"
            ) from exc
        if db.is_sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseMigrationFailed(
                    f"Updating the database to schema {target} would break "
                    f"{len(broken)} links between records; nothing was changed{backup_note}."
                )
        db.revision = _current_revision(conn)


def open_database(url: str | None = None, *, revision: str = "head") -> Database:
    """Open (creating if needed) and migrate the database at ``url``.

    ``url`` defaults to ``paths.default_database_url()`` (``--db`` / ``SANDBOX_DATABASE_URL``,
    else SQLite in the user data directory). ``revision`` exists for migration tests.
    """
    url = url or paths.default_database_url()
    engine = _create_engine(url)
    db = Database(url=url, engine=engine)
    target = head_revision() if revision == "head" else revision
    try:
        _upgrade(db, target)
    except DatabaseError:
        db.close()
        raise
    except (OperationalError, DBAPIError) as exc:
        db.close()
        raise _friendly(exc, url) from exc
    except sqlite3.DatabaseError as exc:
        db.close()
        raise _friendly(exc, url) from exc
    return db
