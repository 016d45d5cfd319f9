"""The older apps' real sample files, as the window tests of their data name them (the
fixtures `fixtures` and `no_legacy_files_of_this_computer` are in tests/ui/conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "legacy"
RECONSTRUCTED = "techtree_db.reconstructed-164e153.json"
ENGINE = "techtree_syllabus_db.e4fc694.json"
MS2_FILES = ("ms2_sample_questions.json", "ms2_notes.json", "ms2_articles.json")


def count(db_file: Path, table: str) -> int:
    """Rows through a separate read-only connection, not the app's engine."""
    conn = sqlite3.connect(f"file:{quote(str(db_file))}?mode=ro", uri=True)
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    finally:
        conn.close()
