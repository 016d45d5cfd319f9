"""The vocabulary of the merge rules (shared/docs/SYNC.md): kinds of table, column roles, how a
column merges, how keys are made, the `TableRule` that checks itself, and `merge_field`, the pure
choice between two devices' writes of one column. The registry of every table is
`app.db.merge_rules`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class TableKind(StrEnum):
    LOG = "log"  # append-only: inserted once, never updated or deleted; union by id
    FIELDS = "fields"  # last writer wins per field (HLC order); deleted_at is a synced field
    TEXT = "text"  # versions of a free text, each naming its parents; union by id, heads merged
    MEMBERSHIP = "membership"  # last writer wins per (owner, member) pair, on deleted_at
    DEVICE_LOCAL = "device-local"  # this device's own data: never synced
    DERIVED = "derived"  # rebuilt from other tables (logs, cards): never synced
    INTERNAL = "internal"  # the database's machinery (schema revision, FTS5 storage): never synced

    @property
    def synced(self) -> bool:
        return self in (TableKind.LOG, TableKind.FIELDS, TableKind.TEXT, TableKind.MEMBERSHIP)


class ColumnRole(StrEnum):
    KEY = "key"  # names the row (its id, or the membership pair)
    SYNCED = "synced"  # sent to other devices and merged by its ColumnMerge
    DERIVED = "derived"  # a cache recomputed from logs after a merge (`rebuilt_from`); never sent
    GENERATED = "generated"  # computed by SQLite from other columns; never sent or written
    DEVICE_LOCAL = "device-local"  # this device's own value; never sent, kept when others merge


class ColumnMerge(StrEnum):
    LWW = "lww"  # last writer wins, by HLC
    MAX = "max"  # the greatest value wins (a furthest position); NULL is no value yet
    MIN = "min"  # the least value wins (a first completion, a creation time); NULL is none yet
    ORDER = "order"  # a fractional index string per item, last writer wins
    ONCE = "once"  # written with the row and never changed (log rows); copies are equal
    TEXT = "text"  # the merged heads of a version graph (a TEXT table's `versions_of`)


class KeyKind(StrEnum):
    UUID = "uuid"  # made on the device: UUIDv7, or UUIDv5 of the source for imported rows
    CONTENT = "content"  # always a UUIDv5 of what the row is: two devices' same thing is one row
    NAME = "name"  # a name fixed by the code (a setting's key): the same on every device
    PAIR = "pair"  # (owner id, member id)


class DataRule(StrEnum):
    """SYNC.md's data rules the test checks against the schema (value: the rule in words)."""

    TEXT_KEY = "a synced row's key is client-generated text, never an integer or autoincrement"
    TOMBSTONES = "a synced row that can change has updated_at and deleted_at (deletes sync)"
    APPEND_ONLY = "a log row is never updated or deleted: no updated_at or deleted_at"
    ORDER_TEXT = "an ordering is a fractional index string per item (text), last writer wins"
    UNIQUE_KEY_ONLY = "no UNIQUE constraint but the key: two devices' rows must always merge"
    TEXT_VERSIONS = "free text merges through a version graph (a TEXT table names the column)"


@dataclass(frozen=True)
class ColumnRule:
    name: str
    role: ColumnRole
    merge: ColumnMerge | None = None  # SYNCED columns only

    def __post_init__(self) -> None:
        if (self.role is ColumnRole.SYNCED) != (self.merge is not None):
            raise ValueError(f"{self.name}: a merge is given for synced columns, and only them")


@dataclass(frozen=True)
class TableRule:
    table: str
    kind: TableKind
    reason: str  # one line: why this kind
    key: tuple[str, ...] = ()
    key_kind: KeyKind | None = None
    columns: tuple[ColumnRule, ...] = ()  # every column of a synced table
    time_column: str | None = None  # LOG: when the logged thing happened
    rebuilt_from: tuple[str, ...] = ()  # tables whose merged rows require rebuilding this one's
    versions_of: str | None = None  # TEXT: the "table.column" its version graph makes
    note: str = ""  # what else the sync engine must know

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValueError(f"merge rule for {self.table}: {problem}")

    def column(self, name: str) -> ColumnRule:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.table}.{name} has no merge rule: add it to app/db/merge_rules.py")

    def names(self, role: ColumnRole) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.role is role)

    @property
    def synced_columns(self) -> tuple[str, ...]:
        return self.names(ColumnRole.SYNCED)

    @property
    def derived_columns(self) -> tuple[str, ...]:
        return self.names(ColumnRole.DERIVED)


def _problem(rule: TableRule) -> str:
    names = [c.name for c in rule.columns]
    merges = {c.merge for c in rule.columns if c.merge is not None}
    if not rule.kind.synced:
        if rule.key or rule.key_kind or rule.columns or rule.time_column:
            return "a table that never syncs has no key, columns or time column here"
        return ""
    if not rule.key or rule.key_kind is None:
        return "a synced table names its key and how the key is made"
    if len(set(names)) != len(names):
        return "a column is named twice"
    if rule.names(ColumnRole.KEY) != rule.key:
        return f"the KEY columns {rule.names(ColumnRole.KEY)} are not the key {rule.key}"
    if rule.kind is TableKind.LOG and (
        rule.time_column not in names or merges - {ColumnMerge.ONCE}
    ):
        return "a log names its time column, and every column is written once"
    if rule.kind not in (TableKind.LOG, TableKind.TEXT) and ColumnMerge.ONCE in merges:
        return "only log and text-version columns are written once"
    if rule.kind is TableKind.MEMBERSHIP and (
        rule.key_kind is not KeyKind.PAIR or len(rule.key) != 2
    ):
        return "membership is keyed by the (owner, member) pair"
    if (rule.kind is TableKind.TEXT) != (rule.versions_of is not None):
        return "a TEXT table, and only one, names the column its versions make"
    if bool(rule.derived_columns) != bool(rule.rebuilt_from):
        return "derived cache columns name the tables they are rebuilt from, and only they"
    return ""


@dataclass(frozen=True)
class Stamped:
    """A column's value as one device wrote it, with the HLC of that write (sorts as text)."""

    value: Any
    clock: str


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def merge_field(merge: ColumnMerge, ours: Stamped, theirs: Stamped) -> Stamped:
    """The value a column keeps when two devices' writes meet: one of the two.

    Every merge is a total order, so the result does not depend on which side is `ours`, on the
    order writes arrive in, or on seeing a write twice. Raises ValueError for TEXT, which merges
    versions, not values.
    """
    if merge is ColumnMerge.TEXT:
        raise ValueError("free text merges through its version graph, not value by value")

    def order(side: Stamped) -> tuple[Any, ...]:
        tiebreak = (side.clock, _canonical(side.value))
        if merge in (ColumnMerge.MAX, ColumnMerge.MIN):
            # NULL is no value yet: any value beats it, whichever the direction.
            present = side.value is not None
            direction = present if merge is ColumnMerge.MAX else not present
            return (direction, side.value if present else 0, *tiebreak)
        return tiebreak

    pick = min if merge in (ColumnMerge.MIN, ColumnMerge.ONCE) else max
    return pick(ours, theirs, key=order)
