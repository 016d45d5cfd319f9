"""Today's "Remove sample content": one action of its own transaction, and the read behind the
button."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import sample_actions
from app.core.changes import Change
from app.core.samples import SampleKind, load_sample_content, register_sample
from app.db.database import ProfileDatabase
from app.db.models import ImportSource


def load_rows(session: Session, folder: Path) -> int:
    session.add(ImportSource(kind="sample", path=str(folder / "x.csv"), size=1, sha256="0" * 64))
    return 1


def remove_rows(session: Session) -> int:
    rows = session.scalars(select(ImportSource).where(ImportSource.kind == "sample")).all()
    for row in rows:
        row.deleted_at = datetime.now(UTC)
    return len(rows)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    register_sample(SampleKind("test-rows", load_rows, remove_rows, Change.CARDS))
    opened = ProfileDatabase.open(tmp_path / "p" / "db.sqlite3", tmp_path / "b", create=True)
    with opened.write_session() as session:
        load_sample_content(session, tmp_path / "sample")
    yield opened
    opened.close()


def test_removing_samples_soft_deletes_them_and_says_what_changed(database: ProfileDatabase):
    assert sample_actions.has_sample_content(database)
    changes = sample_actions.remove_sample_content(database)
    assert changes & Change.CARDS and changes & Change.SETTINGS
    assert not sample_actions.has_sample_content(database)
    with database.read_session() as session:
        rows = session.scalars(select(ImportSource.deleted_at)).all()
    assert len(rows) == 1 and rows[0] is not None  # kept, marked deleted (it syncs)
