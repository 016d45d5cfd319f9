"""Apply: other devices' operations merged into this profile, each table by its rule.

One call runs in the caller's write transaction (with the cursors and the clock, which the
caller advances in it too). Per table kind (`app.db.merge_rules`):

- FIELDS and MEMBERSHIP: each column by its merge (`merge_field`: last writer wins by stamp,
  MAX, MIN, ORDER), against the stamp this device holds for that field (`sync_row_clocks`,
  into which the local outbox is folded first). A row not here is inserted by its insert
  operation; an update of a row not here yet waits in `sync_pending`.
- LOG: union by id (INSERT OR IGNORE). TEXT (note versions): union by id, then the heads of
  each touched graph are merged from their common ancestor (`app.sync.text_heads`) into one
  new version whose id depends only on the heads, so every device makes the same one.
- Derived state is rebuilt from the merged logs (`app.sync.rebuild`): the rows to rebuild are
  recorded, and rebuilt in the same transaction unless the caller defers them to after its
  last batch.
- Parent cycles that concurrent moves made (a table whose synced column references itself)
  are broken the same way on every device (`app.sync.parent_cycles`): the row with the
  greatest id in the cycle moves to the top level.
- The stamps held per field are read for the whole batch at its start and written back
  together after its rows (`app.sync.field_clocks`); each table's rule, columns, merges and
  the values an insert fills are looked up once per batch (`app.sync.table_facts`).
- A batch of many rows merges the bulk way (`app.sync.bulk_index`): full-text indexes rebuilt
  once, capture triggers suspended, the page cache raised, a table's new rows inserted together
  (`app.sync.staging`).
- An operation for a table or column this version does not know waits in `sync_pending` and
  is applied after an upgrade; malformed ones are counted and dropped.

Every rule is order-independent and idempotent: the same operations in any order, or twice,
give the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.db.merge_rules import ColumnMerge, Stamped, TableKind, TableRule, merge_field
from app.sync import bulk_index
from app.sync.bulk_index import Indexes, page_cache, restore, suspend_capture
from app.sync.clock import stamp_ms
from app.sync.field_clocks import FieldClocks
from app.sync.ops import (
    MEDIA,
    PLAIN_TYPES,
    Op,
    decode_value,
    fold_stamps,
    read_outbox,
    row_key_text,
)
from app.sync.parent_cycles import break_cycles
from app.sync.rebuild import REBUILDERS, rebuild_recorded, record
from app.sync.staging import NewRows
from app.sync.table_facts import TableFacts
from app.sync.text_heads import TextMerge, insert_merges


@dataclass
class ApplyReport:
    applied: int = 0  # operations that changed something
    unchanged: int = 0  # already here, or lost to a later write
    pending: int = 0  # kept for later (unknown table or column, row not here yet)
    rejected: int = 0  # malformed
    merged_versions: int = 0  # merge versions made from concurrent heads
    kept_both: int = 0  # stretches both devices changed differently (both texts kept)
    cycles_broken: int = 0
    unreadable: int = 0  # texts whose versions could not be read yet: not merged this time
    max_ms: int = 0
    tables: set[str] = field(default_factory=set)
    media: list[Op] = field(default_factory=list)


def driver(session: Session) -> sqlite3.Connection:
    conn = session.connection().connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


class _Applier:
    def __init__(self, session: Session, device: str, *, defer_rebuild: bool = False) -> None:
        self.session = session
        self.defer_rebuild = defer_rebuild
        self.conn = driver(session)
        self.device = device
        self.report = ApplyReport()
        self.facts = TableFacts(self.conn)  # the tables' and columns' facts, read once
        self.field_clocks = FieldClocks(self.conn)  # the stamps held for the rows touched
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)  # inserted, by table
        self.inserted: dict[str, set[str]] = defaultdict(set)
        self.owners: dict[str, set[str]] = defaultdict(set)  # TEXT owner table -> ids touched
        self.new_rows = NewRows(self.conn, self.facts.schema)  # a table's new rows, together
        # LOG rows waiting to be inserted together, by table and columns (`flush_logs`)
        self._logs: dict[str, dict[tuple[str, ...], list[tuple[Any, ...]]]] = {}

    def pend(self, op: Op, reason: str) -> None:
        self.conn.execute(
            "INSERT INTO sync_pending (clock, op, reason) VALUES (?, ?, ?)",
            (str(op.get("c", "")), json.dumps(op, sort_keys=True), reason),
        )
        self.report.pending += 1

    # The run
    def run(self, ops: list[Op]) -> ApplyReport:
        conn = self.conn
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("UPDATE sync_clock SET applying = 1 WHERE id = 1")
        fold_stamps(conn, read_outbox(conn), self.device)
        waiting = [json.loads(op) for (op,) in conn.execute("SELECT op FROM sync_pending")]
        conn.execute("DELETE FROM sync_pending")
        seen: set[tuple[str, str, str]] = set()
        unique = []
        for op in [*waiting, *ops]:
            key = op.get("k")
            ident = (
                str(op.get("c")),
                str(op.get("t")),
                key if type(key) is str else json.dumps(key),
            )
            if ident not in seen:
                seen.add(ident)
                unique.append(op)
        unique.sort(key=lambda op: (str(op.get("c")), str(op.get("t"))))
        self.field_clocks.preload(unique)
        indexes = Indexes.read(conn)
        if indexes.worth_it(conn, sum(1 for op in unique if op.get("t") in indexes.sources)):
            indexes.suspend(conn)
        counts = Counter(str(op.get("t")) for op in unique)
        capture = suspend_capture(
            conn, [t for t, n in counts.items() if n >= bulk_index.BULK_MIN_ROWS]
        )
        self.new_rows.prepare(unique)
        for op in unique:
            self.apply_one(op)
        self.new_rows.flush()
        self.flush_logs()
        self.field_clocks.flush()
        texts = TextMerge(conn, self.facts.schema, self.report)
        merges = texts.merge_texts(self.owners, self.rows)  # owners' texts set now, uncaptured
        restore(conn, capture)
        if self.report.max_ms:  # recv: what this device writes next sorts after all it saw
            conn.execute(
                "UPDATE sync_clock SET floor_ms = max(floor_ms, ?) WHERE id = 1",
                (self.report.max_ms + 1,),
            )
        # Captured from here on, pushed like any local write: merge versions, cycle breaks,
        # and synced columns a rebuild sets (a video's first completion, merged by MIN).
        conn.execute("UPDATE sync_clock SET applying = 0 WHERE id = 1")
        self.rebuild()
        insert_merges(conn, merges, self.report)
        break_cycles(conn, self.report)
        indexes.rebuild(conn)
        return self.report

    def apply_one(self, op: Op) -> None:
        ms = stamp_ms(op.get("c"))
        name = op.get("t")
        if ms is None or type(name) is not str:
            self.report.rejected += 1
            return
        if name == MEDIA:
            self.report.media.append(op)
            return
        info = self.facts.table(name)
        if not info.known or info.rule is None:
            self.pend(op, f"table {name} is not known to this version")
            return
        rule = info.rule
        if not info.synced:
            self.report.rejected += 1
            return
        key = op.get("k")
        raw = op.get("v", {})
        if type(key) is str:
            key_ok = len(rule.key) == 1
            parts: list[Any] = [key]
        elif type(key) is list:
            key_ok = len(key) == len(rule.key) > 1 and all(type(p) is str for p in key)
            parts = key
        else:
            key_ok = False
        if not key_ok or type(raw) is not dict:
            self.report.rejected += 1
            return
        columns, merges = info.columns, info.merges
        values: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for column, value in raw.items():
            if column not in merges:
                if column not in columns:
                    unknown[column] = value
                continue  # a key, derived or local column: never merged from outside
            if type(value) in PLAIN_TYPES:
                values[column] = value
                continue
            try:
                values[column] = decode_value(value)
            except ValueError:
                self.report.rejected += 1
                return
        if unknown:
            self.pend({"c": op["c"], "t": name, "k": key, "v": unknown}, "unknown columns")
            if not values and not op.get("p"):
                return
        if ms > self.report.max_ms:
            self.report.max_ms = ms
        row_key = key if type(key) is str else row_key_text(key)
        key_values = (
            {rule.key[0]: key} if type(key) is str else dict(zip(rule.key, parts, strict=True))
        )
        if rule.kind is TableKind.LOG and not op.get("p"):
            self.add_log(rule.table, op, row_key, key_values, values)
        elif rule.kind in (TableKind.FIELDS, TableKind.MEMBERSHIP):
            self.merge_fields(rule, op, row_key, key_values, values)
        else:
            self.union(rule, op, row_key, key_values, values)

    # FIELDS and MEMBERSHIP
    def _where(self, rule: TableRule) -> str:
        return " AND ".join(f'"{k}" = ?' for k in rule.key)

    def merge_fields(
        self,
        rule: TableRule,
        op: Op,
        row_key: str,
        key_values: dict[str, Any],
        values: dict[str, Any],
    ) -> None:
        table, conn, stamp = rule.table, self.conn, str(op["c"])
        clocks = self.field_clocks.get(table, row_key)
        if "-" in clocks:
            self.report.unchanged += 1  # purged: nothing comes back
            return
        if self.new_rows.waiting_for(table, row_key):
            self.new_rows.flush(table)  # the row is written before anything else is done to it
        if op.get("p"):
            self.purge(rule, row_key, key_values, stamp)
            return
        names = list(values)
        if op.get("i") and self.new_rows.takes(table, row_key):
            row = {**self.facts.fill(table), **key_values, **values}
            self.new_rows.add(table, row_key, row)
            self.rows[table].append(row)
            self.inserted[table].add(row_key)
            self.report.tables.add(table)
            self.field_clocks.save(table, row_key, {n: stamp for n in names})
            self.report.applied += 1
            return
        if op.get("i") and self.insert(rule, row_key, key_values, values):
            self.field_clocks.save(table, row_key, {n: stamp for n in names})
            self.report.applied += 1
            return
        select = ", ".join(f'"{n}"' for n in names) or "1"
        current = conn.execute(
            f'SELECT {select} FROM "{table}" WHERE {self._where(rule)}', list(key_values.values())
        ).fetchone()
        if current is None:
            self.pend(op, "row not here yet")
            return
        changed: dict[str, Any] = {}
        clocks_changed = False
        for index, name in enumerate(names):
            merge = self.facts.merges(rule)[name]
            if merge is ColumnMerge.TEXT:
                merge = ColumnMerge.LWW  # the owner's copy of its versions' head
                self.owners[table].add(row_key)
            local = Stamped(current[index], clocks.get(name, ""))
            remote = Stamped(values[name], stamp)
            winner = merge_field(merge, local, remote)
            by_value = merge in (ColumnMerge.MAX, ColumnMerge.MIN)
            clock = max(local.clock, remote.clock) if by_value else winner.clock
            if winner is remote and remote.value != local.value:
                changed[name] = remote.value
            if clock != clocks.get(name, ""):
                clocks[name] = clock
                clocks_changed = True
        if changed:
            sets = ", ".join(f'"{n}" = ?' for n in changed)
            conn.execute(
                f'UPDATE "{table}" SET {sets} WHERE {self._where(rule)}',
                [*changed.values(), *key_values.values()],
            )
            self.report.applied += 1
            self.report.tables.add(table)
        else:
            self.report.unchanged += 1
        if clocks_changed:
            self.field_clocks.save(table, row_key, clocks)

    def purge(self, rule: TableRule, row_key: str, key_values: dict[str, Any], stamp: str) -> None:
        self.conn.execute(
            f'DELETE FROM "{rule.table}" WHERE {self._where(rule)}', list(key_values.values())
        )
        self.field_clocks.save(rule.table, row_key, {"-": stamp})
        self.report.applied += 1
        self.report.tables.add(rule.table)

    def insert(
        self, rule: TableRule, row_key: str, key_values: dict[str, Any], values: dict[str, Any]
    ) -> bool:
        row = {**self.facts.fill(rule.table), **key_values, **values}
        names = ", ".join(f'"{n}"' for n in row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(
            f'INSERT OR IGNORE INTO "{rule.table}" ({names}) VALUES ({marks})', list(row.values())
        )
        if cursor.rowcount:
            self.rows[rule.table].append(row)
            self.inserted[rule.table].add(row_key)
            self.report.tables.add(rule.table)
            return True
        return False

    # LOG and TEXT
    def union(
        self,
        rule: TableRule,
        op: Op,
        row_key: str,
        key_values: dict[str, Any],
        values: dict[str, Any],
    ) -> None:
        if self.field_clocks.get(rule.table, row_key).get("-"):
            self.report.unchanged += 1
            return
        if op.get("p"):
            self.flush_logs(rule.table)
            self.purge(rule, row_key, key_values, str(op["c"]))
            return
        if self.insert(rule, row_key, key_values, values):
            self.report.applied += 1
        else:
            self.report.unchanged += 1

    def add_log(
        self, table: str, op: Op, row_key: str, key_values: dict[str, Any], values: dict[str, Any]
    ) -> None:
        """A LOG row to insert with the others of its table (`flush_logs`), unless purged."""
        if "-" in self.field_clocks.get(table, row_key):
            self.report.unchanged += 1
            return
        row = {**self.facts.fill(table), **key_values, **values}
        self._logs.setdefault(table, {}).setdefault(tuple(row), []).append(tuple(row.values()))
        self.rows[table].append(row)  # its sources' rows are rebuilt even if here

    def flush_logs(self, table: str | None = None) -> None:
        """Insert the LOG rows waiting (of one table, or all): one statement per table and
        columns, each row kept unless its id is here already."""
        for name in [table] if table is not None else list(self._logs):
            for columns, rows in self._logs.pop(name, {}).items():
                names = ", ".join(f'"{n}"' for n in columns)
                marks = ", ".join("?" * len(columns))
                cursor = self.conn.executemany(
                    f'INSERT OR IGNORE INTO "{name}" ({names}) VALUES ({marks})', rows
                )
                self.report.applied += cursor.rowcount
                self.report.unchanged += len(rows) - cursor.rowcount
                if cursor.rowcount:
                    self.report.tables.add(name)

    # Derived state
    def rebuild(self) -> None:
        """Record the derived rows these merges touched; rebuild them now unless deferred."""
        for table, rebuilder in REBUILDERS.items():
            if not self.facts.schema(table):
                continue
            keys: set[str] = set()
            for source, column in rebuilder.sources.items():
                keys |= {str(row[column]) for row in self.rows.get(source, ()) if row.get(column)}
            if rebuilder.rebuild_inserted:
                keys |= self.inserted.get(table, set())
            record(self.conn, table, sorted(keys))
        if not self.defer_rebuild:
            self.report.tables |= rebuild_recorded(self.session)


def apply_ops(
    session: Session, ops: list[Op], device: str, *, defer_rebuild: bool = False
) -> ApplyReport:
    """Merge these operations into the profile, in the session's transaction (the caller
    advances its cursors and commits). `defer_rebuild`: derived rows are only recorded, for
    the caller to rebuild after its last batch (`app.sync.rebuild.rebuild_recorded`)."""
    with page_cache(driver(session)):
        return _Applier(session, device, defer_rebuild=defer_rebuild).run(ops)
