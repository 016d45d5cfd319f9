"""Every table's merge rule is on record, and the schema keeps SYNC.md's data rules.

A table or a column without a rule fails here, before sync ever meets its data; so does a
synced table that breaks a data rule without being listed as a known exception.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import app.db.models  # noqa: F401  (registers every model's table)
from app.core.flashcards.replay import schedule_values
from app.core.flashcards.scheduling import NEW_CARD
from app.db.base import Base
from app.db.database import ProfileDatabase
from app.db.merge_rules import (
    KNOWN_EXCEPTIONS,
    RULES,
    ColumnMerge,
    ColumnRole,
    ColumnRule,
    DataRule,
    KeyKind,
    Stamped,
    TableKind,
    TableRule,
    _fields,
    merge_field,
    rule_for,
    synced_rules,
)

WHERE = "app/db/merge_rules.py"
APP = Path(__file__).resolve().parents[2] / "app"

# Departures from SYNC.md the project accepts for now (reasons in KNOWN_EXCEPTIONS). Adding one
# is a decision, so it shows in this file's diff too.
ACCEPTED_EXCEPTIONS = {
    ("profile_settings", ("deleted_at",), DataRule.TOMBSTONES),
    ("course_modules", ("position",), DataRule.ORDER_TEXT),
    ("course_modules", ("course_id", "position"), DataRule.UNIQUE_KEY_ONLY),
    ("lessons", ("position",), DataRule.ORDER_TEXT),
    ("lessons", ("module_id", "position"), DataRule.UNIQUE_KEY_ONLY),
    ("lesson_contents", ("lesson_id",), DataRule.UNIQUE_KEY_ONLY),
    ("tags", ("name",), DataRule.UNIQUE_KEY_ONLY),
}

Violation = tuple[str, tuple[str, ...], DataRule]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    pk: int  # position in the primary key, 0 if not in it
    generated: bool

    @property
    def is_text(self) -> bool:  # SQLite's rule for text affinity
        return any(word in self.type.upper() for word in ("CHAR", "CLOB", "TEXT"))


@pytest.fixture(scope="module")
def head_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """A brand-new profile, as the app makes it, at the newest schema."""
    folder: Path = tmp_path_factory.mktemp("merge-rules")
    database = ProfileDatabase.open(folder / "studydesk.sqlite3", folder / "backups", create=True)
    database.close()
    conn = sqlite3.connect(folder / "studydesk.sqlite3")
    yield conn
    conn.close()


def table_names(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def columns(conn: sqlite3.Connection, table: str) -> dict[str, Column]:
    rows = conn.execute(f"PRAGMA table_xinfo('{table}')")
    # hidden: 2 and 3 are generated columns (virtual, stored)
    return {r[1]: Column(r[1], r[2], r[5], r[6] in (2, 3)) for r in rows}


def primary_key(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    in_key = sorted((c for c in columns(conn, table).values() if c.pk), key=lambda c: c.pk)
    return tuple(c.name for c in in_key)


def unique_constraints(conn: sqlite3.Connection, table: str) -> list[tuple[str, ...]]:
    found = []
    for _seq, index, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')"):
        if unique and origin != "pk":
            info = conn.execute(f"PRAGMA index_info('{index}')")
            found.append(tuple(row[2] for row in info))
    return found


def model_columns(table: str) -> set[str]:
    model = Base.metadata.tables.get(table)
    return set() if model is None else {c.name for c in model.columns}


def violations(conn: sqlite3.Connection) -> set[Violation]:
    """Where the head schema breaks a SYNC.md data rule, as (table, columns, rule)."""
    made_by_versions = {r.versions_of for r in RULES.values() if r.versions_of}
    found: set[Violation] = set()
    for rule in synced_rules():
        table = rule.table
        cols = columns(conn, table)
        key = primary_key(conn, table)
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        if not key or not all(cols[n].is_text for n in key) or "AUTOINCREMENT" in sql.upper():
            found.add((table, key, DataRule.TEXT_KEY))
        stamps = [n for n in ("updated_at", "deleted_at") if n in cols]
        if rule.kind in (TableKind.FIELDS, TableKind.MEMBERSHIP):
            missing = {"updated_at", "deleted_at"} - set(stamps)
            found |= {(table, (name,), DataRule.TOMBSTONES) for name in missing}
        else:  # LOG and TEXT rows are written once
            found |= {(table, (name,), DataRule.APPEND_ONLY) for name in stamps}
        for column in rule.columns:
            if column.merge is ColumnMerge.ORDER and not cols[column.name].is_text:
                found.add((table, (column.name,), DataRule.ORDER_TEXT))
            if (
                column.merge is ColumnMerge.TEXT
                and f"{table}.{column.name}" not in made_by_versions
            ):
                found.add((table, (column.name,), DataRule.TEXT_VERSIONS))
        found |= {(table, u, DataRule.UNIQUE_KEY_ONLY) for u in unique_constraints(conn, table)}
    return found


# --- every table and every column has a rule ----------------------------------------------------


def test_every_table_has_a_merge_rule_and_every_rule_a_table(
    head_schema: sqlite3.Connection,
) -> None:
    in_schema = table_names(head_schema) | set(Base.metadata.tables)
    without = sorted(t for t in in_schema if t not in RULES and not t.startswith("sqlite_"))
    assert not without, (
        f"tables without a merge rule: {without}. Add each to {WHERE} with its kind "
        "(log, fields, text, membership, device-local, derived, internal; see SYNC.md)."
    )
    stale = sorted(set(RULES) - in_schema)
    assert not stale, f"merge rules for tables that do not exist: {stale}; remove them from {WHERE}"


def test_every_column_of_a_synced_table_is_classified(head_schema: sqlite3.Connection) -> None:
    unclassified, stale = [], []
    for rule in synced_rules():
        actual = set(columns(head_schema, rule.table)) | model_columns(rule.table)
        registered = {c.name for c in rule.columns}
        unclassified += [f"{rule.table}.{name}" for name in sorted(actual - registered)]
        stale += [f"{rule.table}.{name}" for name in sorted(registered - actual)]
    assert not unclassified, (
        f"columns without a merge rule: {unclassified}. Add each to its table in {WHERE}: synced "
        "(last writer wins, or merge= MAX / MIN / ORDER / TEXT), derived (a cache rebuilt from a "
        "log), generated, or local (never synced)."
    )
    assert not stale, (
        f"merge rules for columns that do not exist: {stale}; remove them from {WHERE}"
    )


def test_generated_columns_are_the_ones_marked_generated(head_schema: sqlite3.Connection) -> None:
    for rule in synced_rules():
        generated = {c.name for c in columns(head_schema, rule.table).values() if c.generated}
        assert set(rule.names(ColumnRole.GENERATED)) == generated, rule.table


def test_each_synced_table_is_keyed_as_its_rule_says(head_schema: sqlite3.Connection) -> None:
    for rule in synced_rules():
        assert primary_key(head_schema, rule.table) == rule.key, rule.table


def test_each_log_has_its_time_column(head_schema: sqlite3.Connection) -> None:
    logs = [rule for rule in synced_rules() if rule.kind is TableKind.LOG]
    assert {r.table for r in logs} >= {"card_reviews", "card_review_undos", "lesson_events"}
    for rule in logs:
        assert rule.time_column in columns(head_schema, rule.table), rule.table


def test_rebuilt_tables_are_rebuilt_from_registered_tables() -> None:
    for rule in RULES.values():
        for source in rule.rebuilt_from:
            assert source in RULES, f"{rule.table} is rebuilt from {source}, which has no rule"


def test_a_cards_cached_schedule_is_exactly_what_replay_writes() -> None:
    """The schedule columns are rebuilt from the review log, never synced as values."""
    cards = RULES["cards"]
    assert set(cards.derived_columns) == set(schedule_values(NEW_CARD))
    assert not set(cards.derived_columns) & set(cards.synced_columns)
    assert RULES["card_reviews"].kind is TableKind.LOG
    assert set(cards.rebuilt_from) == {"card_reviews", "card_review_undos"}


# --- SYNC.md's data rules -----------------------------------------------------------------------


def test_the_schema_keeps_sync_data_rules_but_for_known_exceptions(
    head_schema: sqlite3.Connection,
) -> None:
    found = violations(head_schema)
    known = {(e.table, e.columns, e.rule) for e in KNOWN_EXCEPTIONS}
    new = sorted(found - known)
    assert not new, "\n".join(
        [f"SYNC.md data rules broken (fix the schema, or record a known exception in {WHERE}):"]
        + [f"  {table} {list(cols)}: {rule.value}" for table, cols, rule in new]
    )
    fixed = sorted(known - found)
    assert not fixed, f"known exceptions that no longer apply, remove them from {WHERE}: {fixed}"


def test_the_known_exceptions_are_the_accepted_ones() -> None:
    listed = [(e.table, e.columns, e.rule) for e in KNOWN_EXCEPTIONS]
    assert len(listed) == len(set(listed))
    assert set(listed) == ACCEPTED_EXCEPTIONS
    assert all(e.reason for e in KNOWN_EXCEPTIONS)


def schema_from_rules(replaced: dict[str, str]) -> sqlite3.Connection:
    """An in-memory schema with every synced table as its rule describes it, but `replaced`."""
    conn = sqlite3.connect(":memory:")
    for rule in synced_rules():
        names = ", ".join(f'"{c.name}" TEXT' for c in rule.columns)
        key = ", ".join(rule.key)
        conn.execute(
            replaced.get(rule.table)
            or f'CREATE TABLE "{rule.table}" ({names}, PRIMARY KEY ({key}))'
        )
    return conn


def test_the_checks_catch_an_autoincrement_key_and_a_log_updated_in_place() -> None:
    # What the registry itself declares: settings without deleted_at.
    declared = {("profile_settings", ("deleted_at",), DataRule.TOMBSTONES)}
    assert violations(schema_from_rules({})) == declared
    conn = schema_from_rules(
        {
            "cards": "CREATE TABLE cards (id INTEGER PRIMARY KEY AUTOINCREMENT, updated_at TEXT, "
            "deleted_at TEXT)",
            "card_reviews": "CREATE TABLE card_reviews (id TEXT PRIMARY KEY, updated_at TEXT)",
            "course_modules": "CREATE TABLE course_modules (id TEXT PRIMARY KEY, position INTEGER, "
            "updated_at TEXT, deleted_at TEXT)",
        }
    )
    assert violations(conn) - declared == {
        ("cards", ("id",), DataRule.TEXT_KEY),
        ("card_reviews", ("updated_at",), DataRule.APPEND_ONLY),
        ("course_modules", ("position",), DataRule.ORDER_TEXT),
    }


def test_no_code_updates_or_deletes_log_rows() -> None:
    """Logs are append-only: no statement in the app updates or deletes a log table's rows,
    whether written as SQL text or through its model or a Core table bound to it."""
    logs = {r.table for r in synced_rules() if r.kind in (TableKind.LOG, TableKind.TEXT)}
    models = {m.class_.__name__ for m in Base.registry.mappers if m.local_table.name in logs}
    sources = {path: path.read_text(encoding="utf-8") for path in APP.rglob("*.py")}
    bound = {  # e.g. REVIEWS = cast(Table, CardReview.__table__)
        name
        for text in sources.values()
        for name, model in re.findall(r"^(\w+) = .*?\b(\w+)\.__table__", text, re.MULTILINE)
        if model in models
    }
    names = "|".join(sorted(models | bound))
    tables = "|".join(sorted(logs))
    changes = re.compile(
        rf"\b(update|delete)\(\s*({names})\b|\b(UPDATE|DELETE\s+FROM)\s+[\"'`]?({tables})\b",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(APP.parent)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for path, text in sorted(sources.items())
        for m in changes.finditer(text)
    ]
    assert not found, f"log rows changed in place (append a new row instead): {found}"


# --- the registry's helpers ---------------------------------------------------------------------


def test_rule_for_a_table_without_one_says_where_to_add_it() -> None:
    with pytest.raises(KeyError, match=re.escape(WHERE)):
        rule_for("no_such_table")
    assert rule_for("cards") is RULES["cards"]
    assert rule_for("sqlite_stat1").kind is TableKind.INTERNAL
    assert not rule_for("sqlite_stat1").kind.synced


def test_a_column_can_merge_by_max_or_min_as_watch_progress_will() -> None:
    rule = _fields(
        "watch_progress",
        "Where the learner is in a video.",
        synced="video_id last_position furthest_position first_completed_at",
        merge={"furthest_position": ColumnMerge.MAX, "first_completed_at": ColumnMerge.MIN},
    )
    assert rule.column("last_position").merge is ColumnMerge.LWW
    assert rule.column("furthest_position").merge is ColumnMerge.MAX
    assert rule.column("first_completed_at").merge is ColumnMerge.MIN
    assert rule.column("deleted_at").merge is ColumnMerge.LWW
    with pytest.raises(KeyError, match=re.escape(WHERE)):
        rule.column("volume")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ColumnRule("front", ColumnRole.SYNCED), id="synced without merge"),
        pytest.param(
            lambda: TableRule(
                "reviews", TableKind.LOG, "r", ("id",), KeyKind.UUID,
                (ColumnRule("id", ColumnRole.KEY),),
            ),
            id="log without its time column",
        ),
        pytest.param(
            lambda: TableRule(
                "card_tags", TableKind.MEMBERSHIP, "r", ("card_id",), KeyKind.PAIR,
                (ColumnRule("card_id", ColumnRole.KEY),),
            ),
            id="membership keyed by one column",
        ),
        pytest.param(
            lambda: _fields("cards", "r", synced="front", derived="due"),
            id="cache without the log it is rebuilt from",
        ),
        pytest.param(
            lambda: _fields("cards", "r", synced="front", merge={"back": ColumnMerge.MAX}),
            id="merge for a column not synced",
        ),
        pytest.param(
            lambda: TableRule("cards_fts", TableKind.DERIVED, "r", ("id",), KeyKind.UUID),
            id="key on a table that never syncs",
        ),
    ],
)  # fmt: skip
def test_a_rule_that_cannot_drive_sync_is_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


clocks = st.text(alphabet="012-ab", min_size=1, max_size=5)
writes = st.builds(Stamped, st.none() | st.integers(-3, 3), clocks)
value_merges = st.sampled_from([m for m in ColumnMerge if m is not ColumnMerge.TEXT])


@given(value_merges, writes, writes, writes)
def test_merging_two_writes_is_order_independent_and_idempotent(
    merge: ColumnMerge, a: Stamped, b: Stamped, c: Stamped
) -> None:
    assert merge_field(merge, a, b) in (a, b)
    assert merge_field(merge, a, b) == merge_field(merge, b, a)
    assert merge_field(merge, merge_field(merge, a, b), c) == merge_field(
        merge, a, merge_field(merge, b, c)
    )
    assert merge_field(merge, a, a) == a


def test_each_merge_keeps_the_write_sync_md_says() -> None:
    early, late = "1700000000000-0-dev-a", "1700000005000-0-dev-b"
    assert merge_field(ColumnMerge.LWW, Stamped("Old", early), Stamped(None, late)).value is None
    assert merge_field(ColumnMerge.ORDER, Stamped("a0", late), Stamped("a1", early)).value == "a0"
    assert merge_field(ColumnMerge.MAX, Stamped(120, early), Stamped(90, late)).value == 120
    assert merge_field(ColumnMerge.MAX, Stamped(None, late), Stamped(5, early)).value == 5
    assert (
        merge_field(ColumnMerge.MIN, Stamped("2026-02", early), Stamped("2026-01", late)).value
        == "2026-01"
    )
    assert (
        merge_field(ColumnMerge.MIN, Stamped(None, early), Stamped("2026-03", late)).value
        == "2026-03"
    )
    assert merge_field(ColumnMerge.ONCE, Stamped("x", late), Stamped("x", early)).clock == early
    with pytest.raises(ValueError, match="version graph"):
        merge_field(ColumnMerge.TEXT, Stamped("a", early), Stamped("b", late))
