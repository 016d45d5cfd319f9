"""Fixtures for the course tests: a real profile database in tmp_path, and its media folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from course_helpers import FIXTURES

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
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "media"


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared legacy samples are not here ({FIXTURES})")
    return FIXTURES


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
