"""Fixtures for the notebook tests: a real profile database in tmp_path, and a sample registry
of the test's own (so registering the Notebook's samples stays in one test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import app.core.samples as samples
from app.db.database import ProfileDatabase


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    opened = ProfileDatabase.open(
        tmp_path / "profile" / "studydesk.sqlite3", tmp_path / "profile" / "backups", create=True
    )
    yield opened
    opened.close()


@pytest.fixture
def own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
