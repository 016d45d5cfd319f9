"""Table facts: what an apply reads of the tables and columns its operations name.

An apply (`app.sync.apply`) asks, per table an operation names, for its merge rule, whether
this file has it, its columns (`PRAGMA table_xinfo`), the merge of each synced column, and
the value each NOT NULL column without a default gets when a row arrives without it. Each is
looked up once per batch and kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from app.db.merge_rules import RULES, ColumnMerge, TableRule

_NUMERIC = ("INT", "REAL", "FLOA", "DOUB", "NUM", "BOOL", "DEC")


@dataclass
class Table:
    """What the apply needs of one table named by operations, looked up once per batch."""

    rule: TableRule | None
    known: bool  # a rule, and (for a synced table) the table in this file
    synced: bool
    columns: dict[str, Column] = field(default_factory=dict)
    merges: dict[str, ColumnMerge] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    type: str
    notnull: bool
    default: Any
    generated: bool
    pk: bool


class TableFacts:
    """The tables' and columns' facts one batch reads, each looked up once and kept."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._schema: dict[str, dict[str, Column]] = {}
        self._merges: dict[str, dict[str, ColumnMerge]] = {}  # synced columns' merges
        self._tables: dict[str, Table] = {}
        self._fill: dict[str, dict[str, Any]] = {}  # NOT NULL columns an insert must fill

    def schema(self, table: str) -> dict[str, Column]:
        """This file's columns of the table (`{}` if it has no such table)."""
        if table not in self._schema:
            rows = self.conn.execute(f"PRAGMA table_xinfo('{table}')").fetchall()
            self._schema[table] = {
                r[1]: Column(r[2] or "", bool(r[3]), r[4], r[6] in (2, 3), bool(r[5])) for r in rows
            }
        return self._schema[table]

    def merges(self, rule: TableRule) -> dict[str, ColumnMerge]:
        """The merge of each synced column of the rule's table."""
        found = self._merges.get(rule.table)
        if found is None:
            found = {c.name: c.merge for c in rule.columns if c.merge is not None}
            self._merges[rule.table] = found
        return found

    def fill(self, table: str) -> dict[str, Any]:
        """The value each NOT NULL column without a default gets in a row that lacks it."""
        found = self._fill.get(table)
        if found is None:
            found = {}
            for name, column in self.schema(table).items():
                if column.generated or column.pk or not column.notnull:
                    continue
                if column.default is None:
                    numeric = any(word in column.type.upper() for word in _NUMERIC)
                    found[name] = 0 if numeric else ""
            self._fill[table] = found
        return found

    def table(self, name: str) -> Table:
        """The rule, known/synced, columns and merges of the table an operation names."""
        found = self._tables.get(name)
        if found is None:
            rule = RULES.get(name)
            known = rule is not None and (not rule.kind.synced or bool(self.schema(name)))
            found = Table(rule, known, rule is not None and rule.kind.synced)
            if rule is not None and found.synced and known:
                found.columns = self.schema(name)
                found.merges = self.merges(rule)
            self._tables[name] = found
        return found
