"""The tables' and columns' facts an apply reads (app/sync/table_facts.py): what a table
named by operations is to this file, the values an insert fills, each looked up once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync_helpers import Device, connect

from app.db.merge_rules import RULES, ColumnMerge
from app.sync.table_facts import TableFacts


def test_tables_known_synced_and_their_merges(tmp_path: Path) -> None:
    device = Device.make(tmp_path, "a")
    conn = connect(device.database)
    try:
        facts = TableFacts(conn)
        decks = facts.table("decks")
        assert decks.rule is RULES["decks"] and decks.known and decks.synced
        assert decks.columns["id"].pk and "name" in decks.columns
        assert "id" not in decks.merges  # a key: never merged from outside
        assert decks.merges["created_at"] is ColumnMerge.MIN
        assert decks.merges["updated_at"] is ColumnMerge.MAX
        assert facts.table("decks") is decks
        unknown = facts.table("no_such_table")
        assert unknown.rule is None and not unknown.known and not unknown.synced
        derived = facts.table("cards_fts")  # a rule, not synced: known, nothing merged
        assert derived.known and not derived.synced and not derived.columns
        conn.execute("DROP TABLE tags")  # a synced table this file lacks: not known
        assert RULES["tags"].kind.synced
        assert not TableFacts(conn).table("tags").known
    finally:
        conn.close()
        device.close()


def test_fill_gives_not_null_columns_without_default_a_value() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE t (id TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL, r REAL NOT NULL, "
        "s TEXT NOT NULL, d INTEGER NOT NULL DEFAULT 3, o TEXT, "
        "g INTEGER NOT NULL GENERATED ALWAYS AS (n + 1))"
    )
    facts = TableFacts(conn)
    assert facts.fill("t") == {"n": 0, "r": 0, "s": ""}
    assert facts.schema("t")["g"].generated and facts.schema("t")["id"].pk
    assert facts.schema("missing") == {}
    conn.close()


def test_each_table_read_once(tmp_path: Path) -> None:
    device = Device.make(tmp_path, "a")
    conn = connect(device.database)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        facts = TableFacts(conn)
        for _ in range(3):
            facts.table("decks")
            facts.fill("decks")
            facts.schema("decks")
            facts.merges(RULES["decks"])
        assert statements == ["PRAGMA table_xinfo('decks')"]
    finally:
        conn.close()
        device.close()
