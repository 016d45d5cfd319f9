"""Fixtures for the assessments tests: a real profile database in tmp_path, questions made in
bulk, the sample questions loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from assessment_helpers import load_samples

import app.core.samples as samples
from app.db.database import ProfileDatabase


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    opened = ProfileDatabase.open(tmp_path / "p" / "studydesk.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


@pytest.fixture
def bank_db(database: ProfileDatabase) -> ProfileDatabase:
    """A profile holding the ten sample questions (Physiology and Pharmacology)."""
    load_samples(database)
    return database


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
