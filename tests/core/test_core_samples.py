"""Sample content: loaded into a new profile once, removable in one action, never back again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import sample_actions
from app.core.changes import Change
from app.core.samples import (
    SampleKind,
    has_sample_content,
    load_sample_content,
    register_sample,
    registered_samples,
    remove_sample_content,
)
from app.db.database import ProfileDatabase
from app.db.models import ImportSource

calls: list[str] = []


def load_decks(session: Session, folder: Path) -> int:
    calls.append("load")
    session.add(
        ImportSource(kind="sample", path=str(folder / "decks.csv"), size=1, sha256="0" * 64)
    )
    return 1


def remove_decks(session: Session, _at: object = None) -> int:
    calls.append("remove")
    samples = session.scalars(select(ImportSource).where(ImportSource.kind == "sample")).all()
    for row in samples:
        row.deleted_at = datetime.now(UTC)
    return len(samples)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    calls.clear()
    register_sample(SampleKind("test-decks", load_decks, remove_decks, Change.DECKS))
    opened = ProfileDatabase.open(tmp_path / "p" / "db.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


def live_kinds(database: ProfileDatabase) -> list[str]:
    with database.read_session() as session:
        query = select(ImportSource.kind).where(ImportSource.deleted_at.is_(None))
        return sorted(session.scalars(query))


def test_samples_load_once_and_are_remembered(database: ProfileDatabase, tmp_path: Path):
    assert "test-decks" in registered_samples()
    with database.write_session() as session:
        changes = load_sample_content(session, tmp_path / "sample")
    assert changes & Change.DECKS
    assert calls == ["load"]
    with database.read_session() as session:
        assert has_sample_content(session)
    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    assert calls == ["load"]
    assert live_kinds(database) == ["sample"]


def test_removed_samples_go_and_never_come_back(database: ProfileDatabase, tmp_path: Path):
    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
        session.add(ImportSource(kind="csv", path="/mine.csv", size=2, sha256="1" * 64))

    with database.write_session() as session:
        changes = remove_sample_content(session).changes
    assert changes & Change.DECKS
    assert calls == ["load", "remove"]
    assert live_kinds(database) == ["csv"]  # the learner's own import stays
    with database.read_session() as session:
        assert not has_sample_content(session)

    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    assert calls == ["load", "remove"]
    assert live_kinds(database) == ["csv"]


def test_a_kind_added_later_loads_without_reloading_the_others(
    database: ProfileDatabase, tmp_path: Path
):
    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    register_sample(
        SampleKind(
            "test-notes", lambda s, f: calls.append("notes") or 0, remove_decks, Change.NOTES
        )
    )
    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    assert calls == ["load", "notes"]


def test_todays_remove_samples_action_owns_its_transaction(
    database: ProfileDatabase, tmp_path: Path
):
    with database.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    assert sample_actions.has_sample_content(database)
    changes = sample_actions.remove_sample_content(database).changes
    assert changes & Change.DECKS and changes & Change.SETTINGS
    assert not sample_actions.has_sample_content(database)
    assert live_kinds(database) == []  # soft-deleted: the rows stay, marked (they sync)
    with database.read_session() as session:
        assert session.scalars(select(ImportSource.deleted_at)).one() is not None
