"""The profile's own sync bookkeeping: its `sync_state` keys (dataset, target, last sync), the
cursors of what it has applied, its status, and write transactions on the raw connection the
sync steps use. Target-independent; every sync module reads and writes through these.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from app.db.database import ProfileDatabase
from app.db.merge_rules import synced_rules
from app.sync.apply import driver
from app.sync.capture import DEVICE, ENABLED, remove_triggers, set_state

DATASET = "dataset"
TARGET = "target"
LAST_SYNC = "last_sync"


@dataclass(frozen=True)
class SyncStatus:
    enabled: bool
    target: dict[str, Any] | None
    device_id: str | None
    dataset: str | None
    last_sync: str | None
    pending_operations: int
    waiting_operations: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def transaction(database: ProfileDatabase) -> Iterator[sqlite3.Connection]:
    """A write transaction on a raw connection (BEGIN IMMEDIATE, committed on exit)."""
    with database.write_session() as session:
        yield driver(session)


def read(database: ProfileDatabase, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    with database.read_session() as session:
        return list(driver(session).execute(sql, params).fetchall())


def value(database: ProfileDatabase, key: str) -> str | None:
    rows = read(database, "SELECT value FROM sync_state WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


def cursors(database: ProfileDatabase) -> dict[str, int]:
    """How far this profile has applied each source (a device's segments, the server's log)."""
    rows = read(database, "SELECT source, position FROM sync_cursors")
    return {str(source): int(position) for source, position in rows}


def has_waiting(database: ProfileDatabase) -> bool:
    """Whether received operations wait in `sync_pending` (for an upgrade, a row, a blob)."""
    return bool(read(database, "SELECT 1 FROM sync_pending LIMIT 1"))


def has_own_data(database: ProfileDatabase) -> bool:
    with database.read_session() as session:
        conn = driver(session)
        for rule in synced_rules():
            if conn.execute(f'SELECT 1 FROM "{rule.table}" LIMIT 1').fetchone():
                return True
    return False


def settings(database: ProfileDatabase) -> dict[str, str]:
    """Every `sync_state` key and its value, in one read."""
    return {str(k): str(v) for k, v in read(database, "SELECT key, value FROM sync_state")}


def target_of(rows: dict[str, str]) -> dict[str, Any] | None:
    """The target these `settings` point at, if the profile syncs (None when it does not)."""
    if rows.get(ENABLED) != "1" or TARGET not in rows:
        return None
    found = json.loads(rows[TARGET])
    return found if isinstance(found, dict) else None


def status(database: ProfileDatabase) -> SyncStatus:
    rows = settings(database)
    pending = read(database, "SELECT count(*) FROM sync_outbox")[0][0]
    waiting = read(database, "SELECT count(*) FROM sync_pending")[0][0]
    target = json.loads(rows[TARGET]) if TARGET in rows else None
    return SyncStatus(
        enabled=rows.get(ENABLED) == "1",
        target=target,
        device_id=rows.get(DEVICE),
        dataset=rows.get(DATASET),
        last_sync=rows.get(LAST_SYNC),
        pending_operations=int(pending),
        waiting_operations=int(waiting),
    )


def disable(database: ProfileDatabase) -> None:
    with transaction(database) as conn:
        set_state(conn, ENABLED, "0")
        remove_triggers(conn)
