"""Repairing a damaged profile: a new file with every row that can be read, sound and at the
same revision; the damaged file kept byte for byte; rows whose parent was lost kept aside."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest
from damage import damage_page, read_page, table_pages
from db_helpers import (
    ProfileFile,
    RevisionScripts,
    add_kept_documents,
    add_learner_data,
    build_closed_profile,
    copy_into,
    revision_of,
    rows,
    sha256,
)
from flashcard_helpers import make_cards, make_deck

from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.db.engine import APPLICATION_ID
from app.db.models import ProfileSetting
from app.db.repair import repair_profile
from app.db.revisions import known_revisions
from app.errors import ProfileDamaged, UserError

KINDS = ["random", "zeroed", "cell pointer", "page type"]
DOCUMENTS = 400
CARDS = 600


@pytest.fixture(scope="module")
def built_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")

    def fill(database: ProfileDatabase) -> None:
        add_learner_data(database)
        add_kept_documents(database, DOCUMENTS)
        make_cards(database, make_deck(database, "Anatomy"), CARDS, prefix="femur")

    return build_closed_profile(folder, fill)


@pytest.fixture
def profile(built_profile: Path, profile_file: ProfileFile) -> ProfileFile:
    return copy_into(built_profile, profile_file)


def cells_on(path: Path, page: int) -> int:
    return int(struct.unpack(">H", read_page(path, page)[3:5])[0])


def damage_leaf(profile: ProfileFile, table: str, how: str, which: int | None = None) -> int:
    """Damage one leaf page of `table`; returns how many rows it held."""
    leaves = table_pages(profile.db_file, table).leaves
    page = leaves[len(leaves) // 2 if which is None else which]
    held = cells_on(profile.db_file, page)
    damage_page(profile.db_file, page, how)
    return held


def everything(path: Path, table: str) -> set[tuple[object, ...]]:
    return set(rows(path, f"SELECT rowid, * FROM {table}"))


def assert_opens_writable(profile: ProfileFile) -> None:
    database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
    try:
        assert database.read_only is None
        with database.write_session() as session:
            session.add(ProfileSetting(key="after_repair", value=True))
    finally:
        database.close()


@pytest.mark.parametrize("how", KINDS)
def test_a_repair_keeps_every_readable_row_and_the_damaged_file(profile: ProfileFile, how: str):
    original = everything(profile.db_file, "legacy_documents")
    sources = everything(profile.db_file, "import_sources")
    lost_at_most = damage_leaf(profile, "legacy_documents", how)
    damaged_bytes = sha256(profile.db_file)
    database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
    assert isinstance(database.read_only, ProfileDamaged)
    database.close()

    result = repair_profile(profile.db_file)

    assert sha256(result.damaged_copy) == damaged_bytes
    assert result.damaged_copy.parent.parent == profile.db_file.parent / "repairs"
    report = check_database(profile.db_file)
    assert report.healthy, report.as_json()
    kept = everything(profile.db_file, "legacy_documents")
    assert kept <= original  # nothing invented
    assert len(kept) >= len(original) - lost_at_most
    assert everything(profile.db_file, "import_sources") == sources
    assert result.rows["legacy_documents"] == len(kept)
    assert result.revision == revision_of(profile.db_file) == known_revisions().head
    assert rows(profile.db_file, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert rows(profile.db_file, "PRAGMA journal_mode") == [("wal",)]
    assert str(result.damaged_copy) in result.summary
    assert_opens_writable(profile)


def test_cards_keep_their_search_index(profile: ProfileFile):
    lost_at_most = damage_leaf(profile, "cards", "random")

    repair_profile(profile.db_file)

    conn = sqlite3.connect(profile.db_file)
    try:
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        assert CARDS - lost_at_most <= cards < CARDS
        found = conn.execute("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH 'femur'")
        assert found.fetchone()[0] == cards
        conn.execute("INSERT INTO cards_fts(cards_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_rows_whose_parent_was_lost_are_kept_aside(profile: ProfileFile):
    """Every kept document refers to the first imported file; its page is damaged."""
    documents = everything(profile.db_file, "legacy_documents")
    damage_leaf(profile, "import_sources", "zeroed", which=0)

    result = repair_profile(profile.db_file)

    assert check_database(profile.db_file).healthy
    assert result.set_aside["legacy_documents"] == DOCUMENTS
    assert result.leftovers is not None
    aside = set(rows(result.leftovers, "SELECT * FROM legacy_documents"))
    assert aside == documents
    assert rows(profile.db_file, "SELECT count(*) FROM legacy_documents") == [(0,)]
    assert "parent" in result.summary


def test_a_damaged_interior_page_costs_only_the_rows_below_it(profile: ProfileFile):
    pages = table_pages(profile.db_file, "legacy_documents")
    damage_page(profile.db_file, pages.root, "random")

    result = repair_profile(profile.db_file)

    assert check_database(profile.db_file).healthy
    assert result.damaged_spots.get("legacy_documents")
    assert rows(profile.db_file, "SELECT count(*) FROM import_sources") == [(50,)]
    assert_opens_writable(profile)


def test_a_profile_at_an_older_revision_is_repaired_at_its_own_and_then_upgraded(
    profile: ProfileFile, revision_scripts: RevisionScripts
):
    head = known_revisions().head
    newer = f"{int(head) + 1:04d}"
    revision_scripts.add(newer, head, 'op.create_table("shelves", sa.Column("id", sa.Text()))')
    damage_leaf(profile, "legacy_documents", "random")

    result = repair_profile(profile.db_file)

    assert result.revision == head == revision_of(profile.db_file)
    database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
    database.close()
    assert revision_of(profile.db_file) == newer
    assert database.last_upgrade is not None and database.last_upgrade.backup is not None


def test_another_programs_file_is_not_repaired(profile_file: ProfileFile):
    profile_file.db_file.parent.mkdir(parents=True)
    conn = sqlite3.connect(profile_file.db_file)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    conn.close()
    before = sha256(profile_file.db_file)
    with pytest.raises(UserError, match="another program"):
        repair_profile(profile_file.db_file)
    assert sha256(profile_file.db_file) == before
    assert not (profile_file.db_file.parent / "repairs").exists()
