"""Parent cycles broken after an apply (`app.sync.apply`): two devices moving decks (or any
table whose synced column references itself) under each other offline make a cycle when merged.
Every device breaks it the same way: the row with the greatest id in the cycle moves to the top
level (and the change is captured, like a local move).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from app.db.merge_rules import RULES, TableKind

if TYPE_CHECKING:
    from app.sync.apply import ApplyReport


def break_cycles(conn: sqlite3.Connection, report: ApplyReport) -> None:
    """Break the parent cycles concurrent moves made in the tables these merges wrote."""
    for table in sorted(report.tables):
        rule = RULES.get(table)
        if rule is None or rule.kind is not TableKind.FIELDS or len(rule.key) != 1:
            continue
        for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall():
            column = fk[3]
            if fk[2] == table and column in rule.synced_columns:
                _break(conn, report, table, rule.key[0], column)


def _break(
    conn: sqlite3.Connection, report: ApplyReport, table: str, key: str, column: str
) -> None:
    parent = dict(
        conn.execute(
            f'SELECT "{key}", "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
        ).fetchall()
    )
    done: set[str] = set()
    for start in sorted(parent):
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            loser = max(cycle)
            conn.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE "{key}" = ?', (loser,))
            parent.pop(loser, None)
            report.cycles_broken += 1
        done |= on_path
