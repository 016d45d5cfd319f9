"""Fixtures for the planner tests: a real profile database in tmp_path; the cache forgotten."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.planner.today import forget_cached
from app.db.database import ProfileDatabase

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    forget_cached()
    opened = ProfileDatabase.open(
        tmp_path / "profile" / "studydesk.sqlite3", tmp_path / "profile" / "backups", create=True
    )
    yield opened
    opened.close()
    forget_cached()
