"""The sync server's database opened (SQLAlchemy Core): the engine, its schema upgraded by the
server's own Alembic migrations (`migrations/`), and its transactions.

SQLite (the default): WAL, and a write transaction begins with BEGIN IMMEDIATE (SQLite's write
lock), this process's writers taking turns on a lock first. PostgreSQL (psycopg 3): a pool as
large as the requests run at once, one-statement reads in autocommit, and the migration run
by one of several processes starting at once (an advisory lock). The queries are `store`'s.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x5D5E_7E50  # PostgreSQL advisory lock held while migrating
POOL_SIZE = 40  # anyio's thread pool runs 40 requests' database work at once


def make_engine(url: str, *, pool_size: int = POOL_SIZE) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # transactions begun below, not by the driver
            dbapi.execute("PRAGMA journal_mode = WAL")
            dbapi.execute("PRAGMA synchronous = NORMAL")
            dbapi.execute("PRAGMA busy_timeout = 60000")
            dbapi.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # As many connections kept open as requests run at once (the thread pool's 40): a connection
    # made and closed again per request beyond the pool costs PostgreSQL a new backend process.
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_recycle=3600)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Database:
    """The server's engine with a reader (autocommit on PostgreSQL) and a writer; `Store`
    adds the queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = engine.execution_options(write=True)
        self.postgres = engine.dialect.name == "postgresql"
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        # One-statement reads need no BEGIN/COMMIT round trips on PostgreSQL.
        self.reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if self.postgres else engine
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction. On SQLite this process's writers take turns on a lock first:
        a writer waiting there wakes as soon as the one before commits, where SQLite's own
        busy wait sleeps in steps of up to 100 ms (other processes still meet that wait)."""
        if self._write_lock is None:
            with self.writer.begin() as conn:
                yield conn
            return
        with self._write_lock, self.writer.begin() as conn:
            yield conn

    @classmethod
    def open(cls, url: str, *, pool_size: int = POOL_SIZE) -> Self:
        """The store at `url`, its schema upgraded to this version's (made if new)."""
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        store = cls(make_engine(url, pool_size=pool_size))
        store.upgrade()
        return store

    def upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config

        with self.write() as conn:
            if self.postgres:  # two processes starting at once: one migrates
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()
