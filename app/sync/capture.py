"""Capture: every change to a synced table becomes an outbox row in the transaction that makes it.

SQLite triggers, generated from the merge-rule registry (`app.db.merge_rules`), write one
`sync_outbox` row per inserted, changed or purged row of a synced table: its table, key, and
the synced columns that changed (`*` for an insert, `-` for a purge). Derived, generated and
device-local columns never fire them (a review's schedule update writes none), nor do
device-local, derived or internal tables. The row's values are read when it is pushed, so
capture is one small insert. A trigger stamps the row with max(now, the clock's floor, the
last outbox stamp) in milliseconds; the outbox sequence is the stamp's counter
(`app.sync.clock`). While the engine applies remote operations, `sync_clock.applying` is 1 in
its transaction and the triggers write nothing.

Triggers are installed when sync is set up, and again at open (or sync) whenever the registry's
fingerprint changed or one went missing (a migration that recreated a table drops them), so a
table added later is captured the day it exists. A profile whose file is not the one its
device id was given to (a restored backup, a copy made by hand) gets a new device id first.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.db.merge_rules import TableRule, synced_rules
from app.sync.clock import now_ms

TRIGGER_PREFIX = "sync_capture_"
_TRIGGER_VERSION = "1"  # bump when the shape of the generated SQL changes

# Keys of sync_state
ENABLED = "enabled"
DEVICE = "device_id"
IDENTITY = "file_identity"
FINGERPRINT = "trigger_fingerprint"
FORMER_DEVICES = "former_devices"

NOW_MS_SQL = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"


@dataclass(frozen=True)
class CaptureTable:
    """A synced table as this file has it: its rule, key and the synced columns it holds."""

    rule: TableRule
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.rule.table


def key_sql(rule: TableRule, row: str = "") -> str:
    """The SQL of a row's key text: the key itself, or a JSON array of a pair."""
    prefix = f"{row}." if row else ""
    if len(rule.key) == 1:
        return f'{prefix}"{rule.key[0]}"'
    return "json_array(" + ", ".join(f'{prefix}"{k}"' for k in rule.key) + ")"


def table_columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, int, bool]]:
    """name -> (declared type, notnull, generated) of a table; empty if it does not exist."""
    rows = conn.execute(f"PRAGMA table_xinfo('{table}')").fetchall()
    return {r[1]: (r[2] or "", r[3], r[6] in (2, 3)) for r in rows}


def capture_tables(conn: sqlite3.Connection) -> list[CaptureTable]:
    """The registry's synced tables this file holds, with their synced columns."""
    return list(_capture(conn, _schema(conn)[0]).tables)


@dataclass(frozen=True)
class _Capture:
    """What a schema gives: the capture tables, their triggers and the triggers' fingerprint."""

    rules: tuple[TableRule, ...]
    tables: tuple[CaptureTable, ...]
    statements: tuple[str, ...]
    fingerprint: str


# The table_xinfo reads of a schema, by the CREATE TABLE texts of the synced tables (which say
# every column: ALTER TABLE rewrites them); a few schemas at most (profiles of several versions).
_CAPTURES: dict[tuple[str | None, ...], _Capture] = {}
_CAPTURES_KEPT = 8


def _schema(conn: sqlite3.Connection) -> tuple[dict[str, str], int]:
    """The file's tables (lower-case name -> CREATE text) and how many capture triggers it
    has, in one read of sqlite_master."""
    tables: dict[str, str] = {}
    triggers = 0
    for kind, name, sql in conn.execute(
        "SELECT type, name, CASE WHEN type = 'table' THEN sql END FROM sqlite_master "
        "WHERE type = 'table' OR (type = 'trigger' AND name LIKE ?)",
        (TRIGGER_PREFIX + "%",),
    ):
        if kind == "table":
            tables[str(name).lower()] = str(sql)
        else:
            triggers += 1
    return tables, triggers


def _capture(conn: sqlite3.Connection, tables: dict[str, str]) -> _Capture:
    rules = synced_rules()
    key = tuple(tables.get(rule.table.lower()) for rule in rules)
    found = _CAPTURES.get(key)
    if found is not None and all(a is b for a, b in zip(found.rules, rules, strict=True)):
        return found
    captured = []
    for rule in rules:
        if rule.table.lower() not in tables:
            continue
        present = table_columns(conn, rule.table)
        if not present or not all(k in present for k in rule.key):
            continue
        columns = tuple(c for c in rule.synced_columns if c in present and not present[c][2])
        captured.append(CaptureTable(rule, columns))
    statements = tuple(sql for table in captured for sql in trigger_sql(table))
    found = _Capture(rules, tuple(captured), statements, fingerprint(list(statements)))
    if len(_CAPTURES) >= _CAPTURES_KEPT:
        _CAPTURES.clear()
    _CAPTURES[key] = found
    return found


def _stamp_select(table: str, key: str, cols: str) -> str:
    return (
        f"INSERT INTO sync_outbox (ms, tbl, row_key, cols) SELECT max({NOW_MS_SQL}, c.floor_ms, "
        "coalesce((SELECT o.ms FROM sync_outbox o ORDER BY o.seq DESC LIMIT 1), 0)), "
        f"'{table}', {key}, {cols} FROM sync_clock c WHERE c.id = 1 AND c.applying = 0;"
    )


def trigger_sql(table: CaptureTable) -> list[str]:
    """The CREATE TRIGGER statements capturing one table."""
    name, rule = table.name, table.rule
    statements = [
        f'CREATE TRIGGER "{TRIGGER_PREFIX}{name}_insert" AFTER INSERT ON "{name}" BEGIN '
        + _stamp_select(name, key_sql(rule, "NEW"), "'*'")
        + " END",
        f'CREATE TRIGGER "{TRIGGER_PREFIX}{name}_delete" AFTER DELETE ON "{name}" BEGIN '
        + _stamp_select(name, key_sql(rule, "OLD"), "'-'")
        + " END",
    ]
    if table.columns:
        of = ", ".join(f'"{c}"' for c in table.columns)
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in table.columns)
        cols = (
            "rtrim("
            + " || ".join(
                f"CASE WHEN NEW.\"{c}\" IS NOT OLD.\"{c}\" THEN '{c} ' ELSE '' END"
                for c in table.columns
            )
            + ")"
        )
        statements.append(
            f'CREATE TRIGGER "{TRIGGER_PREFIX}{name}_update" AFTER UPDATE OF {of} ON "{name}" '
            f"WHEN {changed} BEGIN " + _stamp_select(name, key_sql(rule, "NEW"), cols) + " END"
        )
    return statements


def all_trigger_sql(conn: sqlite3.Connection) -> list[str]:
    return list(_capture(conn, _schema(conn)[0]).statements)


def fingerprint(statements: list[str]) -> str:
    digest = hashlib.sha256(_TRIGGER_VERSION.encode())
    for sql in statements:
        digest.update(sql.encode())
    return digest.hexdigest()[:32]


def get_state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def installed_triggers(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",),
    )
    return {name for (name,) in rows}


def install_triggers(conn: sqlite3.Connection) -> bool:
    """(Re)install the capture triggers if the registry's fingerprint changed or one is
    missing, in the caller's transaction; True if it did. Cheap when nothing changed: a read
    of sqlite_master and one of sync_state (a schema's triggers are worked out once)."""
    wanted, current = _wanted(conn)
    if current:
        return False
    for name in installed_triggers(conn):
        conn.execute(f'DROP TRIGGER "{name}"')
    for sql in wanted.statements:
        conn.execute(sql)
    conn.execute("INSERT OR IGNORE INTO sync_clock (id, floor_ms, applying) VALUES (1, 0, 0)")
    set_state(conn, FINGERPRINT, wanted.fingerprint)
    return True


def _wanted(conn: sqlite3.Connection) -> tuple[_Capture, bool]:
    """The triggers the registry wants for this schema, and whether they are the ones there."""
    tables, triggers = _schema(conn)
    wanted = _capture(conn, tables)
    current = triggers == len(wanted.statements) and (
        get_state(conn, FINGERPRINT) == wanted.fingerprint
    )
    return wanted, current


def remove_triggers(conn: sqlite3.Connection) -> None:
    for name in installed_triggers(conn):
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DELETE FROM sync_state WHERE key = ?", (FINGERPRINT,))


def file_identity(db_file: Path) -> str:
    """Which file this is: its path and inode. A copy, or a backup restored over it, differs."""
    info = os.stat(db_file)
    return f"{db_file.resolve()}|{info.st_dev}|{info.st_ino}"


def new_device_id() -> str:
    return secrets.token_hex(8)


def ensure_device(conn: sqlite3.Connection, db_file: Path) -> tuple[str, bool]:
    """This file's device id, made anew if the file is not the one the id was given to (a
    restored or copied profile); returns (device id, whether it is new)."""
    device = get_state(conn, DEVICE)
    if device is not None and get_state(conn, IDENTITY) == file_identity(db_file):
        return device, False
    return rotate_device(conn, db_file), True


def rotate_device(conn: sqlite3.Connection, db_file: Path) -> str:
    """Give this file a new device id (its old one is another device's from now on: a copy, or
    a backup restored, whose original went on writing under it); returns the new id."""
    device = get_state(conn, DEVICE)
    if device is not None:
        former = json.loads(get_state(conn, FORMER_DEVICES) or "[]")
        set_state(conn, FORMER_DEVICES, json.dumps([*former, device]))
    device = new_device_id()
    set_state(conn, DEVICE, device)
    set_state(conn, IDENTITY, file_identity(db_file))
    # A copy shares the original's stamps so far: start this device's after them.
    last = conn.execute("SELECT max(ms) FROM sync_outbox").fetchone()[0] or 0
    conn.execute(
        "UPDATE sync_clock SET floor_ms = max(floor_ms, ?, ?) WHERE id = 1", (last + 1, now_ms())
    )
    return device


def enabled(conn: sqlite3.Connection) -> bool:
    return get_state(conn, ENABLED) == "1"


def baseline(conn: sqlite3.Connection) -> int:
    """Put every row of every synced table in the outbox (rows made before capture began);
    returns how many. Harmless when some are there already."""
    ms = max(now_ms(), conn.execute("SELECT floor_ms FROM sync_clock").fetchone()[0])
    total = 0
    for table in capture_tables(conn):
        cursor = conn.execute(
            f"INSERT INTO sync_outbox (ms, tbl, row_key, cols) "
            f"SELECT ?, ?, {key_sql(table.rule)}, '*' FROM \"{table.name}\"",
            (ms, table.name),
        )
        total += cursor.rowcount
    return total


def prepare(conn: sqlite3.Connection, db_file: Path) -> str | None:
    """At open and before each sync, in a write transaction of the caller's: for a profile
    that syncs, its device id (new for a copied or restored file) and the capture triggers as
    the registry says; returns the device id, or None when the profile does not sync."""
    if not enabled(conn):
        return None
    device, _new = ensure_device(conn, db_file)
    install_triggers(conn)
    return device


def prepare_database(database: object) -> None:
    """`prepare` on an opened `ProfileDatabase` that takes writes (cheap when nothing changed:
    four small reads)."""
    from app.db.database import ProfileDatabase

    assert isinstance(database, ProfileDatabase)
    if database.read_only is not None:
        return
    raw = database.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        if not enabled(conn):
            return
        identity = file_identity(database.db_file)
        if get_state(conn, IDENTITY) == identity and _wanted(conn)[1]:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            prepare(conn, database.db_file)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        raw.close()
