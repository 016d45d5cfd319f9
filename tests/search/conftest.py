"""Fixtures for the search tests: a real profile database in tmp_path, and a few helpers that
write through the same sessions the app's actions use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import app.core.samples as samples
from app.db.database import ProfileDatabase


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    opened = ProfileDatabase.open(tmp_path / "p" / "studydesk.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
