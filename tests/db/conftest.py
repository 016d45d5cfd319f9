"""Fixtures for the storage tests: real profile files in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_helpers import ProfileFile, RevisionScripts, add_learner_data

from app.db.revisions import known_revisions
from app.paths import alembic_dir


@pytest.fixture
def profile_file(tmp_path: Path) -> ProfileFile:
    """Where a profile's database and backups go; nothing exists yet."""
    folder = tmp_path / "profile"
    return ProfileFile(folder / "studydesk.sqlite3", folder / "backups")


@pytest.fixture
def filled_profile(profile_file: ProfileFile) -> ProfileFile:
    """A closed profile file at head holding learner data."""
    database = profile_file.open()
    add_learner_data(database)
    database.close()
    return profile_file


@pytest.fixture
def revision_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RevisionScripts]:
    """Point the app at a copy of alembic/ so a test can add its own revisions."""
    root = tmp_path / "alembic"
    shutil.copytree(alembic_dir(), root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr("app.db.revisions.alembic_dir", lambda: root)
    monkeypatch.setattr("app.db.migrate.alembic_dir", lambda: root)
    known_revisions.cache_clear()
    yield RevisionScripts(root)
    known_revisions.cache_clear()
