"""Every hand-written statement is valid against the newest schema: a renamed column or table
fails here, not in a learner's review. Each module under app/core, app/db and app/importers is
imported (so every statement declared with `app.db.plain_sql.statement` is known), then each is
EXPLAINed, with its example parameters, on a profile made at the head revision."""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from pathlib import Path

import app.core
import app.db
import app.importers
from app.db.database import ProfileDatabase
from app.db.plain_sql import declared_statements


def import_every_module() -> list[str]:
    names = []
    for package in (app.core, app.db, app.importers):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)
            names.append(module.name)
    return names


def test_every_declared_statement_explains_against_the_head_schema(tmp_path: Path) -> None:
    modules = import_every_module()
    assert "app.core.flashcards.review_sql" in modules
    statements = declared_statements()
    assert statements, "no hand-written statement is declared"
    database = ProfileDatabase.open(tmp_path / "p.sqlite3", tmp_path / "backups", create=True)
    database.close()
    conn = sqlite3.connect(tmp_path / "p.sqlite3")
    failures = []
    try:
        for declared in statements:
            try:
                conn.execute(f"EXPLAIN {declared.example_sql()}", declared.example).fetchall()
            except (sqlite3.Error, ValueError) as error:
                failures.append(f"{declared.name}: {error}\n    {declared.example_sql()}")
    finally:
        conn.close()
    assert failures == [], "\n".join(failures)


def test_the_review_loop_statements_are_among_them() -> None:
    import_every_module()
    names = {declared.name for declared in declared_statements()}
    for name in ("review_card", "review_insert_review", "review_store_schedule", "tally_answered"):
        assert name in names
