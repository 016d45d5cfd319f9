"""Fixtures for the flashcard tests: a real profile database in tmp_path, a learner's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flashcard_helpers import ZONE

import app.core.samples as samples
from app.db.database import ProfileDatabase


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    opened = ProfileDatabase.open(tmp_path / "p" / "studydesk.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


@pytest.fixture
def now() -> datetime:
    """Mid-morning on a weekday, in the learner's zone (UTC-5)."""
    return datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
