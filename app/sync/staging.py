"""New rows of a batch inserted together (`app.sync.apply`): a table's new rows go through a
temporary staging table into the table in one `INSERT ... SELECT`, so the table's triggers (its
search entry) run in one statement, where a statement a row paid for each (47 -> 10 µs of CPU a
card: SQLite opens a statement journal for every statement that fires triggers).

A table takes part when it is a single-key FIELDS table with no other unique index and the batch
brings it at least `bulk_index.BULK_MIN_ROWS` new rows; the keys already here are read first, so
only rows that are not here are staged. A staged row is written before anything else is done to
it (`waiting_for`, then `flush`). The insert is a plain INSERT: a conflict would fail the batch's
transaction rather than lose a row quietly.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from app.db.merge_rules import RULES, TableKind
from app.sync import bulk_index
from app.sync.ops import Op


class NewRows:
    def __init__(
        self, conn: sqlite3.Connection, schema: Callable[[str], Mapping[str, object]]
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.present: dict[str, set[str]] = {}  # per table taking part: the keys already here
        self.waiting: dict[str, dict[tuple[str, ...], list[tuple[Any, ...]]]] = {}  # by columns
        self.keys: dict[str, set[str]] = {}  # the keys of the rows waiting

    def prepare(self, ops: list[Op]) -> None:
        """Which tables take part in this batch, and their keys already here."""
        wanted: dict[str, list[str]] = defaultdict(list)
        for op in ops:
            key = op.get("k")
            if op.get("i") and type(key) is str:
                wanted[str(op.get("t"))].append(key)
        for table, keys in wanted.items():
            rule = RULES.get(table)
            if (
                rule is None
                or rule.kind is not TableKind.FIELDS
                or len(rule.key) != 1
                or len(keys) < bulk_index.BULK_MIN_ROWS
                or not self.schema(table)
                or any(
                    index[2] and index[3] != "pk"
                    for index in self.conn.execute(f"PRAGMA index_list('{table}')")
                )
            ):
                continue
            column = rule.key[0]
            found = self.conn.execute(
                f'SELECT "{column}" FROM "{table}" WHERE "{column}" IN '
                "(SELECT value FROM json_each(?))",
                (json.dumps(keys),),
            )
            self.present[table] = {str(key) for (key,) in found}

    def takes(self, table: str, row_key: str) -> bool:
        """Whether this new row is staged (its table takes part, the row is not here)."""
        present = self.present.get(table)
        return (
            present is not None and row_key not in present and not self.waiting_for(table, row_key)
        )

    def waiting_for(self, table: str, row_key: str) -> bool:
        return row_key in self.keys.get(table, ())

    def add(self, table: str, row_key: str, row: dict[str, Any]) -> None:
        self.waiting.setdefault(table, {}).setdefault(tuple(row), []).append(tuple(row.values()))
        self.keys.setdefault(table, set()).add(row_key)

    def flush(self, table: str | None = None) -> None:
        """Insert the rows waiting (of one table, or all)."""
        conn = self.conn
        for name in [table] if table is not None else list(self.waiting):
            for columns, rows in self.waiting.pop(name, {}).items():
                quoted = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" * len(columns))
                conn.execute("DROP TABLE IF EXISTS temp.sync_stage")
                conn.execute(f"CREATE TEMP TABLE sync_stage ({quoted})")
                conn.executemany(f"INSERT INTO temp.sync_stage ({quoted}) VALUES ({marks})", rows)
                conn.execute(
                    f'INSERT INTO main."{name}" ({quoted}) '
                    f"SELECT {quoted} FROM temp.sync_stage ORDER BY rowid"
                )
                conn.execute("DROP TABLE temp.sync_stage")
            self.present[name] |= self.keys.pop(name, set())
