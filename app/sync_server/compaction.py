"""Which operations a snapshot can leave out: those no device needs to end up where the whole log
takes it (shared/docs/SYNC.md, "Recovery instead of overwrite").

A device applying the snapshot merges it by the same rules as the log (`app.sync.apply`), so
per row of a last-writer-wins table (FIELDS, MEMBERSHIP) only these operations matter:

- if the row was purged: its earliest purge (a purge wins over everything, and the stamp kept
  is that of the first applied);
- otherwise its earliest insert (the row's existence; every column it set is merged anyway),
  every operation stamped before it (a device without the row sets those aside until the row
  comes, as it would with the whole log), and among the others, per column, the operation whose
  value the column's merge keeps (`merge_field`, the one the device uses) and, for MAX and MIN,
  also the newest one (the device keeps the newest stamp beside the extreme value);
- a row with no insert in the log: all of its operations.

Everything else is kept whole: append-only logs and note versions (every row counts), tables
this server's version does not know, columns it does not know (a newer app's), and any
operation the device would refuse or set aside (malformed key or value), so the devices that
take the snapshot end up equal to those that applied every operation
(`tests/sync_server/test_compaction.py` proves it on random operations).
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Iterable
from typing import Any

from app.db.merge_rules import RULES, ColumnMerge, Stamped, TableKind, merge_field


def compactable_tables() -> dict[str, dict[str, ColumnMerge]]:
    """The tables whose operations may be compacted, with their columns' merges."""
    found = {}
    for rule in RULES.values():
        if rule.kind in (TableKind.FIELDS, TableKind.MEMBERSHIP):
            found[rule.table] = {c.name: c.merge for c in rule.columns if c.merge is not None}
    return found


def _decode(value: Any) -> tuple[bool, Any]:
    """As the device decodes a wire value (app.sync.ops.decode_value): (ok, value)."""
    if value is None or isinstance(value, str | int | float):
        return True, int(value) if isinstance(value, bool) else value
    if isinstance(value, dict) and set(value) == {"$b"} and isinstance(value["$b"], str):
        try:
            return True, base64.b64decode(value["$b"], validate=True)
        except ValueError:
            return False, None
    return False, None


@functools.cache
def _shape(table: str) -> tuple[frozenset[str], int]:
    rule = RULES[table]
    return frozenset(c.name for c in rule.columns), len(rule.key)


class RowOps:
    """One row's operations (seq, stamp, op), fed in any order; `superseded` says which may go."""

    def __init__(self, table: str, merges: dict[str, ColumnMerge]) -> None:
        self.table = table
        self.merges = merges
        self.known, self.key_size = _shape(table)
        self.ops: list[tuple[int, str, dict[str, Any]]] = []
        self.bodies: list[tuple[int, str]] = []

    def add(self, seq: int, body: str) -> None:
        self.bodies.append((seq, body))

    def _parse(self) -> None:
        for seq, body in self.bodies:
            try:
                op = json.loads(body)
            except ValueError:
                continue  # never stored by this server; left in
            if isinstance(op, dict):
                self.ops.append((seq, str(op.get("c", "")), op))
        self.bodies = []

    def _valid(self, op: dict[str, Any]) -> dict[str, Any] | None:
        """The merged columns' decoded values of an operation the device would apply as it
        is; None for one it would refuse or keep aside in part (left alone, never dropped)."""
        key = op.get("k")
        parts = [key] if isinstance(key, str) else key if isinstance(key, list) else []
        if len(parts) != self.key_size or not all(isinstance(p, str) for p in parts):
            return None
        if (self.key_size > 1) != isinstance(key, list):
            return None
        raw = op.get("v", {})
        if not isinstance(raw, dict):
            return None
        values = {}
        for name, value in raw.items():
            if name not in self.known:
                return None  # a column of a newer app: kept, it is pended as it is
            if name not in self.merges:
                continue
            ok, decoded = _decode(value)
            if not ok:
                return None
            values[name] = decoded
        return values

    def superseded(self) -> list[int]:
        if len(self.bodies) + len(self.ops) < 2:
            return []  # most rows: written once (their operation is not even read)
        self._parse()
        valid: list[tuple[int, str, dict[str, Any], dict[str, Any]]] = []
        for seq, stamp, op in self.ops:
            values = self._valid(op)
            if values is not None:
                valid.append((seq, stamp, op, values))
        if len(valid) < 2:
            return []
        keep: set[int] = set()
        purges = [(stamp, seq) for seq, stamp, op, _values in valid if op.get("p")]
        if purges:
            keep.add(min(purges)[1])
        else:
            inserts = [(stamp, seq) for seq, stamp, op, _values in valid if op.get("i")]
            if not inserts:
                return []  # a row this log never made: every operation waits for it
            first, first_seq = min(inserts)
            keep.add(first_seq)
            # Written before the row's first insert: a device that lacks the row sets them aside
            # until it has it, so they are kept as they are (and out of the contest below).
            keep.update(seq for seq, stamp, _op, _values in valid if stamp < first)
            by_column: dict[str, list[tuple[int, Stamped]]] = {}
            for seq, stamp, _op, values in valid:
                if stamp < first:
                    continue
                for name, value in values.items():
                    by_column.setdefault(name, []).append((seq, Stamped(value, stamp)))
            for name, written in by_column.items():
                merge = self.merges[name]
                if merge is ColumnMerge.TEXT:
                    merge = ColumnMerge.LWW  # the owner's copy of its versions' head
                try:
                    winner = written[0]
                    for candidate in written[1:]:
                        if merge_field(merge, winner[1], candidate[1]) is candidate[1]:
                            winner = candidate
                except TypeError:  # values the merge cannot order: keep every one
                    keep.update(seq for seq, _ in written)
                    continue
                keep.add(winner[0])
                if merge in (ColumnMerge.MAX, ColumnMerge.MIN):
                    keep.add(max(written, key=lambda w: w[1].clock)[0])
        return [seq for seq, _stamp, _op, _values in valid if seq not in keep]


def superseded(
    rows: Iterable[tuple[int, str, str, str]],
    tables: dict[str, dict[str, ColumnMerge]] | None = None,
) -> set[int]:
    """The sequence numbers of operations a snapshot may leave out, from (seq, table, row key,
    body) of the compactable tables' operations, grouped by (table, row key) (any order within
    a group)."""
    tables = compactable_tables() if tables is None else tables
    dropped: set[int] = set()
    current: RowOps | None = None
    current_key: tuple[str, str] | None = None
    for seq, table, row_key, body in rows:
        merges = tables.get(table)
        if merges is None:
            continue
        if (table, row_key) != current_key:
            if current is not None:
                dropped.update(current.superseded())
            current, current_key = RowOps(table, merges), (table, row_key)
        assert current is not None
        current.add(seq, body)
    if current is not None:
        dropped.update(current.superseded())
    return dropped


def compact(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """These operations (in log order) without the superseded ones: what a snapshot holds."""
    from app.sync_server.wire import make_op_rows

    rows = make_op_rows(ops, now=2**62)
    tables = compactable_tables()
    grouped = sorted(
        (
            (row.tbl, row.row_key, seq, row.body)
            for seq, row in enumerate(rows)
            if row.tbl in tables
        ),
    )
    dropped = superseded(((seq, t, k, b) for t, k, seq, b in grouped), tables)
    return [op for seq, op in enumerate(ops) if seq not in dropped]
