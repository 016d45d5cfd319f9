"""SQLite engines for profile files, with the pragmas every connection must carry.

Every connection: `foreign_keys=ON`, `journal_mode=WAL`, `busy_timeout`, `synchronous=FULL`
(a committed review must survive a power cut). The one exception is a new file that nobody can
see yet (`app.db.fresh_file`): its journal is kept in memory and nothing is synced, because it is
synced whole before it is moved into place, and deleted if it is not finished.

The pysqlite driver's own transaction handling is switched off so that SQLAlchemy emits `BEGIN`
itself: DDL then runs inside the transaction (an upgrade that fails rolls back completely) and
write sessions can ask for `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import sqlite as _sqlite_dialect  # noqa: F401  (see below)
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

# The SQLite dialect is imported here rather than by the first `create_engine` so that it loads
# with the engine module: at launch, before Qt's import hook (`app.main`) slows every import.

BUSY_TIMEOUT_MS = 5000
# "SDSK": marks a SQLite file as a Study Desk profile (PRAGMA application_id).
APPLICATION_ID = 0x5344534B


def sqlite_uri(path: Path, *, read_only: bool = False, immutable: bool = False) -> str:
    uri = "file:" + quote(str(path.resolve()))
    if immutable:
        return uri + "?mode=ro&immutable=1"
    return uri + ("?mode=ro" if read_only else "")


def side_file(path: Path, suffix: str) -> Path:
    """SQLite's -wal, -shm or -journal file of `path`."""
    return path.with_name(path.name + suffix)


def folder_writable(folder: Path) -> bool:
    """Whether files can be made in `folder` (False on a read-only disk or without permission)."""
    return os.access(folder, os.W_OK)


def wal_has_changes(path: Path) -> bool:
    """A non-empty -wal beside `path`: changes not yet copied into the main file (a profile that
    was not closed, or is open right now)."""
    try:
        return side_file(path, "-wal").stat().st_size > 0
    except OSError:
        return False


def _immutable_read(path: Path) -> bool:
    """Read `path` as immutable: in a folder SQLite cannot write, a WAL-mode file cannot be
    opened `mode=ro` (SQLite must make its -shm), but with no -wal holding changes there is
    nothing SQLite would read besides the file, and nobody can start a -wal there either."""
    return not folder_writable(path.parent) and not wal_has_changes(path)


def connect_raw(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection in autocommit mode, for backups and read-only inspection.

    Read-only connections work in a folder that cannot be written too, unless a -wal with
    changes lies there without its -shm (then SQLite says "unable to open database file";
    `app.db.inspect.reading` falls back to a copy).
    """
    conn = sqlite3.connect(
        sqlite_uri(path, read_only=read_only, immutable=read_only and _immutable_read(path)),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def apply_pragmas(conn: sqlite3.Connection, *, read_only: bool = False) -> None:
    """The settings every profile connection carries (see the module docstring)."""
    conn.isolation_level = None
    cursor = conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if not read_only:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def create_file_owner_only(path: Path) -> None:
    """Create an empty file readable by its owner only; SQLite gives its WAL files the same mode."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def make_engine(path: Path, *, read_only: bool = False, building: bool = False) -> Engine:
    """An engine on one profile file. Write sessions pass `sqlite_begin="IMMEDIATE"`.

    `building`: the file is being built out of sight (see the module docstring).
    """

    def connect() -> sqlite3.Connection:
        return connect_raw(path, read_only=read_only)

    # A small pool: a fresh connection per session would re-read the schema and start with a
    # cold page cache (measured: 8.1 ms -> 4.5 ms per review answer). close() disposes of it.
    engine = create_engine(
        "sqlite+pysqlite://", creator=connect, poolclass=QueuePool, pool_size=4, max_overflow=8
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        if building:
            dbapi_connection.isolation_level = None
            for pragma in ("foreign_keys=ON", "journal_mode=MEMORY", "synchronous=OFF"):
                dbapi_connection.execute(f"PRAGMA {pragma}")
        else:
            apply_pragmas(dbapi_connection, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
