"""Operations on the wire, and the outbox read into them.

An operation is a JSON object: `c` its stamp (`app.sync.clock`), `t` the table, `k` the row's
key (text, or a list for a pair), `v` the synced columns it sets (by name; bytes as
{"$b": base64}), and `i: 1` for a whole row as inserted or `p: 1` for a purge. The pseudo
table `$media` names a media file by its content (`k` the file name, `v` sha256 and size).

`collect` reads the outbox into operations: per row, the insert (every synced column) at its
stamp, then each changed column once, at the latest stamp that changed it, with the row's
values as they are now (a later write has a later stamp of its own, so nothing is lost). The
stamps folded into `sync_row_clocks` make the local side of every later merge.
"""

from __future__ import annotations

import base64
import gc
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any

from app.db.merge_rules import RULES, ColumnMerge, TableKind
from app.sync.capture import capture_tables, key_sql
from app.sync.clock import stamp_text

Op = dict[str, Any]
MEDIA = "$media"
FOLD_CHUNK = 500
# json.dumps(clocks, sort_keys=True, separators=(",", ":")) without a new encoder each row
_clocks_json = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def encode_value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    return value


PLAIN_TYPES = frozenset({str, int, float, type(None)})  # stored as they come


def decode_value(value: Any) -> Any:
    """A wire value as SQLite stores it; ValueError for anything else (a malformed value)."""
    if type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, str | int | float):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, dict) and set(value) == {"$b"} and isinstance(value["$b"], str):
        return base64.b64decode(value["$b"], validate=True)
    raise ValueError(f"not a column value: {str(value)[:60]!r}")


def row_key_text(key: Any) -> str:
    """The key as the capture triggers write it (a pair as SQLite's json_array)."""
    if isinstance(key, str):
        return key
    return json.dumps(list(key), separators=(",", ":"))


def wire_key(table: str, row_key: str) -> Any:
    rule = RULES.get(table)
    if rule is not None and len(rule.key) > 1:
        return json.loads(row_key)
    return row_key


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    ms: int
    table: str
    row_key: str
    cols: str


def read_outbox(conn: sqlite3.Connection, limit: int | None = None) -> list[OutboxEntry]:
    sql = "SELECT seq, ms, tbl, row_key, cols FROM sync_outbox ORDER BY seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [OutboxEntry(*row) for row in conn.execute(sql)]


def _lww_columns(table: str) -> set[str]:
    """The columns whose stamps are kept (those of FIELDS and MEMBERSHIP tables)."""
    rule = RULES[table]
    if rule.kind not in (TableKind.FIELDS, TableKind.MEMBERSHIP):
        return set()
    return {c.name for c in rule.columns if c.merge is not None and c.merge is not ColumnMerge.TEXT}


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector held off while a batch of operations is made, sent and
    folded: tens of thousands of small dicts and tuples, none in a cycle (reference counting
    frees them), would otherwise start full collections of the whole process's heap (tens
    of ms each, as much as the batch's own work)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan_ops(
    entries: Iterable[OutboxEntry], device: str, columns: dict[str, tuple[str, ...]]
) -> dict[tuple[str, str], list[tuple[str, tuple[str, ...], int]]]:
    """Per row, the operations to send: (stamp, columns, flags 1 insert / 2 purge)."""
    by_row: dict[tuple[str, str], list[OutboxEntry]] = {}
    for entry in entries:
        if entry.table in columns:
            found = by_row.get((entry.table, entry.row_key))
            if found is None:
                by_row[(entry.table, entry.row_key)] = [entry]
            else:
                found.append(entry)
    planned: dict[tuple[str, str], list[tuple[str, tuple[str, ...], int]]] = {}
    for (table, row_key), found in by_row.items():
        if len(found) == 1 and found[0].cols in ("*", "-"):  # most rows: one insert or purge
            entry = found[0]
            stamp = stamp_text(entry.ms, entry.seq, device)
            insert = entry.cols == "*"
            planned[(table, row_key)] = [
                (stamp, columns[table] if insert else (), 1 if insert else 2)
            ]
            continue
        ops: list[tuple[str, tuple[str, ...], int]] = []
        latest: dict[str, str] = {}
        for entry in found:
            stamp = stamp_text(entry.ms, entry.seq, device)
            if entry.cols == "-":
                ops = [op for op in ops if op[2] == 2]
                latest.clear()
                ops.append((stamp, (), 2))
            elif entry.cols == "*":
                ops.append((stamp, columns[table], 1))
            else:
                for name in entry.cols.split():
                    if name in columns[table]:
                        latest[name] = stamp
        grouped: dict[str, list[str]] = defaultdict(list)
        for name, stamp in latest.items():
            grouped[stamp].append(name)
        ops += [(stamp, tuple(sorted(names)), 0) for stamp, names in grouped.items()]
        planned[(table, row_key)] = sorted(ops)
    return planned


def collect(conn: sqlite3.Connection, entries: list[OutboxEntry], device: str) -> list[Op]:
    """The operations of these outbox entries, values read from the rows now."""
    if not entries:
        return []
    tables = {t.name: t for t in capture_tables(conn)}
    columns = {name: t.columns for name, t in tables.items()}
    planned = plan_ops(entries, device, columns)
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, row_key in planned:
        by_table[table].append(row_key)
    ops: list[Op] = []
    for table, keys in by_table.items():
        capture = tables[table]
        names = capture.columns
        select = ", ".join(f'"{c}"' for c in names) or "1"
        key = key_sql(capture.rule)
        values: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(keys), FOLD_CHUNK):
            part = keys[start : start + FOLD_CHUNK]
            marks = ", ".join("?" * len(part))
            sql = f'SELECT {key}, {select} FROM "{table}" WHERE {key} IN ({marks})'
            for row in conn.execute(sql, part):
                values[row[0]] = row[1:]
        index = {n: i for i, n in enumerate(names)}
        pair = len(capture.rule.key) > 1
        for row_key in keys:
            row = values.get(row_key)
            if row is not None and not PLAIN_TYPES.issuperset(map(type, row)):
                row = tuple(encode_value(v) for v in row)
            wire = json.loads(row_key) if pair else row_key
            for stamp, cols, flags in planned[(table, row_key)]:
                op: Op = {"c": stamp, "t": table, "k": wire}
                if flags == 2:
                    op["p"] = 1
                elif row is None:
                    continue  # purged since: its purge is the row's last operation
                else:
                    if cols is names:
                        op["v"] = dict(zip(names, row, strict=True))
                    else:
                        op["v"] = {c: row[index[c]] for c in cols}
                    if flags == 1:
                        op["i"] = 1
                ops.append(op)
    ops.sort(key=lambda op: op["c"])
    return ops


def fold_stamps(conn: sqlite3.Connection, entries: list[OutboxEntry], device: str) -> None:
    """Record the stamps of these local writes in `sync_row_clocks` (the later stamp wins)."""
    tables = {t.name: t.columns for t in capture_tables(conn)}
    lww = {name: _lww_columns(name) for name in tables}
    inserted = {name: [c for c in columns if c in lww[name]] for name, columns in tables.items()}
    updates: dict[tuple[str, str], dict[str, str]] = {}
    for entry in entries:
        stamp = stamp_text(entry.ms, entry.seq, device)
        if entry.cols == "-":
            names = ["-"]
        elif entry.cols == "*":
            names = inserted.get(entry.table, [])
        else:
            kept = lww.get(entry.table, set())
            names = [c for c in entry.cols.split() if c in kept]
        row = updates.get((entry.table, entry.row_key))
        if row is None:  # most rows: one write each
            updates[(entry.table, entry.row_key)] = dict.fromkeys(names, stamp)
            continue
        for name in names:
            if stamp > row.get(name, ""):
                row[name] = stamp
    merge_clocks(conn, updates)


# Per set of column names: the pieces of their clocks' JSON when every stamp is the same
# (a row inserted here), joined by the stamp: what _clocks_json gives, without its work.
_SAME_STAMP: dict[tuple[str, ...], list[str]] = {}


def _same_stamp_json(clocks: dict[str, str]) -> str:
    stamps = set(clocks.values())
    if len(stamps) != 1:
        return _clocks_json(clocks)
    names = tuple(clocks)
    pieces = _SAME_STAMP.get(names)
    if pieces is None:
        if len(_SAME_STAMP) > 256:
            _SAME_STAMP.clear()
        ordered = sorted(names)
        pieces = _SAME_STAMP[names] = [
            ("{" if i == 0 else ",") + _clocks_json(name) + ":" for i, name in enumerate(ordered)
        ]
        pieces.append("}")
    return encode_basestring_ascii(stamps.pop()).join(pieces)


def load_clocks(conn: sqlite3.Connection, table: str, row_key: str) -> dict[str, str]:
    row = conn.execute(
        "SELECT clocks FROM sync_row_clocks WHERE tbl = ? AND row_key = ?", (table, row_key)
    ).fetchone()
    return {} if row is None else dict(json.loads(row[0]))


def merge_clocks(conn: sqlite3.Connection, updates: dict[tuple[str, str], dict[str, str]]) -> None:
    """Fold these stamps into the stored ones (the later stamp wins), a query per table and
    FOLD_CHUNK rows to read them, one statement to write the changed ones."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for (table, row_key), stamps in updates.items():
        if stamps:
            wanted[table].append(row_key)
    stored: dict[tuple[str, str], dict[str, str]] = {}
    for table, keys in wanted.items():
        for start in range(0, len(keys), FOLD_CHUNK):
            part = keys[start : start + FOLD_CHUNK]
            found = conn.execute(
                "SELECT row_key, clocks FROM sync_row_clocks WHERE tbl = ? AND row_key IN "
                "(SELECT value FROM json_each(?))",
                (table, json.dumps(part)),
            )
            for row_key, clocks in found:
                stored[(table, row_key)] = dict(json.loads(clocks))
    changed_rows = []
    for (table, row_key), stamps in updates.items():
        clocks = stored.get((table, row_key))
        if clocks is None:  # a row without stamps yet: these are its stamps
            changed = bool(stamps)
            clocks = stamps
        else:
            changed = False
            for name, stamp in stamps.items():
                if stamp > clocks.get(name, ""):
                    clocks[name] = stamp
                    changed = True
        if changed:
            text = _same_stamp_json(clocks) if clocks is stamps else _clocks_json(clocks)
            changed_rows.append((table, row_key, text))
    conn.executemany(
        "INSERT INTO sync_row_clocks (tbl, row_key, clocks) VALUES (?, ?, ?) "
        "ON CONFLICT (tbl, row_key) DO UPDATE SET clocks = excluded.clocks",
        changed_rows,
    )
