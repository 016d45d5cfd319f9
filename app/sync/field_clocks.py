"""Field clocks: the stamp this device holds for each merged field, during one apply.

`sync_row_clocks` keeps, per synced row, the stamp of each field's last merged write (and
`"-"` once the row is purged). An apply (`app.sync.apply`) reads the stamps of every row its
batch touches in one query per table, merges against them in memory, and writes the changed
ones back together, in key order, once its rows are written.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from app.sync.ops import Op, load_clocks, row_key_text


class FieldClocks:
    """The stamps of the rows one batch touches, loaded once and written back once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._clocks: dict[tuple[str, str], dict[str, str]] = {}  # loaded for this batch
        self._dirty: set[tuple[str, str]] = set()

    def preload(self, ops: list[Op]) -> None:
        """The stored stamps of every row these operations touch, in one query per table."""
        keys: dict[str, list[str]] = defaultdict(list)
        for op in ops:
            try:
                keys[str(op["t"])].append(row_key_text(op["k"]))
            except (KeyError, TypeError):
                continue
        for table, wanted in keys.items():
            for key in wanted:
                self._clocks[(table, key)] = {}
            found = self.conn.execute(
                "SELECT row_key, clocks FROM sync_row_clocks WHERE tbl = ? AND row_key IN "
                "(SELECT value FROM json_each(?))",
                (table, json.dumps(wanted)),
            )
            for key, clocks in found:
                self._clocks[(table, key)] = dict(json.loads(clocks))

    def get(self, table: str, row_key: str) -> dict[str, str]:
        """The stamps held for this row (`{}` if none), loaded if the batch did not preload it."""
        found = self._clocks.get((table, row_key))
        if found is None:
            found = self._clocks[(table, row_key)] = load_clocks(self.conn, table, row_key)
        return found

    def save(self, table: str, row_key: str, clocks: dict[str, str]) -> None:
        """This row's stamps now, written at the next `flush`."""
        self._clocks[(table, row_key)] = clocks
        self._dirty.add((table, row_key))

    def flush(self) -> None:
        """Write the saved stamps, in key order, in one statement."""
        self.conn.executemany(
            "INSERT INTO sync_row_clocks (tbl, row_key, clocks) VALUES (?, ?, ?) "
            "ON CONFLICT (tbl, row_key) DO UPDATE SET clocks = excluded.clocks",
            [
                (
                    table,
                    key,
                    json.dumps(self._clocks[(table, key)], sort_keys=True, separators=(",", ":")),
                )
                for table, key in sorted(self._dirty)
            ],
        )
        self._dirty.clear()
