"""A profile with one damaged page: `db check` reports the damage (never crashes), opening says
the profile is damaged and gives out no write session, so nothing is ever written into it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from damage import copy_with_side_files, damage_page, table_pages
from db_helpers import (
    ProfileFile,
    add_kept_documents,
    add_learner_data,
    build_closed_profile,
    copy_into,
    sha256,
)

import app.db.open_check as open_check
from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.db.models import ImportSource, ProfileSetting
from app.errors import ProfileDamaged

KINDS = ["random", "zeroed", "cell pointer", "page type"]
DAMAGED_TABLE = "legacy_documents"
DOCUMENTS = 400


@pytest.fixture(scope="module")
def built_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed profile whose legacy_documents table (rows referring to import_sources) spans
    dozens of pages; built once, copied by each test."""
    folder = tmp_path_factory.mktemp("built")

    def fill(database: ProfileDatabase) -> None:
        add_learner_data(database)
        add_kept_documents(database, DOCUMENTS)

    built = build_closed_profile(folder, fill)
    pages = table_pages(built, DAMAGED_TABLE)
    assert len(pages.leaves) > 20 and pages.interior
    return built


@pytest.fixture
def big_profile(built_profile: Path, profile_file: ProfileFile) -> ProfileFile:
    return copy_into(built_profile, profile_file)


def damage(profile: ProfileFile, how: str, where: str = "leaf") -> None:
    pages = table_pages(profile.db_file, DAMAGED_TABLE)
    number = pages.leaves[len(pages.leaves) // 2] if where == "leaf" else pages.root
    damage_page(profile.db_file, number, how)


@pytest.mark.parametrize("how", KINDS)
@pytest.mark.parametrize("where", ["leaf", "root"])
def test_db_check_reports_a_damaged_page(big_profile: ProfileFile, how: str, where: str):
    damage(big_profile, how, where)
    before = sha256(big_profile.db_file)

    report = check_database(big_profile.db_file)

    assert not report.healthy
    assert report.damaged
    assert report.integrity
    as_json = json.loads(json.dumps(report.as_json()))
    assert as_json["integrity"] != "ok"
    assert as_json["damaged"] is True
    assert "Repair" in report.advice and "Restore from Backup" in report.advice
    assert sha256(big_profile.db_file) == before


@pytest.mark.parametrize("how", KINDS)
def test_a_damaged_profile_opens_read_only_and_takes_no_write(big_profile: ProfileFile, how: str):
    damage(big_profile, how)
    before = sha256(big_profile.db_file)

    database = ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir)
    try:
        assert isinstance(database.read_only, ProfileDamaged)
        assert database.damaged
        message = str(database.read_only)
        assert str(big_profile.db_file) in message
        assert "damaged" in message and "\n" not in message
        assert "Repair" in message and "Restore from Backup" in message
        # What can be read still is (this table's pages are whole).
        with database.read_session() as session:
            assert session.get(ProfileSetting, "daily_goal") is not None
        # An import's write is refused before it starts: nothing is committed.
        with pytest.raises(ProfileDamaged), database.write_session() as session:
            session.add(ImportSource(kind="csv", path="x", size=1, sha256="0" * 64, report={}))
        with pytest.raises(ProfileDamaged):
            database.backup("before-import")
    finally:
        database.close()
    assert sha256(big_profile.db_file) == before
    assert not big_profile.backups_dir.exists() or not any(big_profile.backups_dir.iterdir())


def test_a_damaged_profile_that_needs_an_upgrade_is_refused(
    big_profile: ProfileFile, monkeypatch: pytest.MonkeyPatch
):
    damage(big_profile, "random")
    monkeypatch.setattr("app.db.database.known_revisions", lambda: _Chain("9999"))
    before = sha256(big_profile.db_file)
    with pytest.raises(ProfileDamaged, match="damaged"):
        ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir)
    assert sha256(big_profile.db_file) == before


class _Chain:
    def __init__(self, head: str) -> None:
        self.head = head


class CountingChecks:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = open_check.integrity_problems

        def counted(path: Path, *, quick: bool = False) -> list[str]:
            self.calls += 1
            return real(path, quick=quick)

        monkeypatch.setattr(open_check, "integrity_problems", counted)


def test_the_check_on_open_runs_only_when_the_file_may_have_changed(
    big_profile: ProfileFile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    checks = CountingChecks(monkeypatch)
    # Copied from elsewhere (no note of a check beside it): checked.
    ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir).close()
    assert checks.calls == 1
    checks.calls = 0
    # Closed cleanly by Study Desk: opening again trusts it (a large profile opens fast).
    ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir).close()
    ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir).close()
    assert checks.calls == 0

    # Left with its -wal by a kill: checked.
    database = ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir)
    with database.write_session() as session:
        session.add(ProfileSetting(key="theme", value="dark"))
    crashed = tmp_path / "crashed" / "studydesk.sqlite3"
    copy_with_side_files(big_profile.db_file, crashed)
    database.close()
    ProfileDatabase.open(crashed, crashed.parent / "backups").close()
    assert checks.calls == 1

    # Changed by something else while Study Desk was closed: checked.
    with open(big_profile.db_file, "r+b") as handle:
        handle.seek(4096 * 3)
        data = handle.read(16)
        handle.seek(4096 * 3)
        handle.write(data)
    ProfileDatabase.open(big_profile.db_file, big_profile.backups_dir).close()
    assert checks.calls == 2

    # Copied or restored from elsewhere: checked.
    moved = tmp_path / "moved" / "studydesk.sqlite3"
    moved.parent.mkdir()
    shutil.copyfile(big_profile.db_file, moved)
    ProfileDatabase.open(moved, moved.parent / "backups").close()
    assert checks.calls == 3
