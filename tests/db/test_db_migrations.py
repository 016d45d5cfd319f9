"""The schema revisions, what an upgrade from nothing builds, and how every connection is set up."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from db_helpers import ProfileFile, add_learner_data, revision_of, rows, table_names
from sqlalchemy import text

import app.db.models  # noqa: F401  (registers every table)
from app.db.base import Base, include_in_comparison, is_unmodelled_table
from app.db.engine import APPLICATION_ID
from app.db.inspect import inspect_profile_file
from app.db.revisions import known_revisions
from app.paths import alembic_dir


def alembic_scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    return ScriptDirectory.from_config(config)


def test_the_revisions_form_one_chain_with_exactly_one_head():
    assert len(alembic_scripts().get_heads()) == 1


def test_known_revisions_agrees_with_alembic_on_head_and_order():
    scripts = alembic_scripts()
    oldest_first = [script.revision for script in scripts.walk_revisions()][::-1]
    chain = known_revisions()
    assert chain.head == scripts.get_current_head()
    assert list(chain.ordered) == oldest_first


def test_known_revisions_refuses_a_forked_chain(tmp_path: Path):
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("a", None), ("b", "a"), ("c", "a")):
        down_text = "None" if down is None else f'"{down}"'
        (versions / f"{name}.py").write_text(f'revision = "{name}"\ndown_revision = {down_text}\n')
    with pytest.raises(RuntimeError, match="one chain"):
        known_revisions.__wrapped__(versions)


def test_upgrade_from_nothing_creates_every_model_table(profile_file: ProfileFile):
    database = profile_file.open()
    database.close()
    modelled = {name for name in table_names(profile_file.db_file) if not is_unmodelled_table(name)}
    assert modelled == set(Base.metadata.tables) | {"alembic_version"}
    assert revision_of(profile_file.db_file) == known_revisions().head
    assert database.last_upgrade is not None
    assert database.last_upgrade.from_revision is None
    # A brand-new file has nothing worth backing up before its first upgrade.
    assert database.last_upgrade.backup is None


def test_models_and_migrations_describe_the_same_schema(profile_file: ProfileFile):
    database = profile_file.open()
    try:
        with database.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_comparison}
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        database.close()
    assert differences == []


def test_every_connection_carries_the_safety_pragmas(profile_file: ProfileFile):
    database = profile_file.open()
    try:
        pragmas = "foreign_keys", "journal_mode", "synchronous", "busy_timeout"
        seen = []
        with database.read_session() as session:
            seen.append([session.execute(text(f"PRAGMA {p}")).scalar() for p in pragmas])
        with database.write_session() as session:
            seen.append([session.execute(text(f"PRAGMA {p}")).scalar() for p in pragmas])
        with database.engine.connect() as conn:
            seen.append([conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas])
    finally:
        database.close()
    for foreign_keys, journal_mode, synchronous, busy_timeout in seen:
        assert foreign_keys == 1
        assert journal_mode == "wal"
        assert synchronous == 2  # FULL: a committed review survives a power cut
        assert busy_timeout > 0


def test_the_foreign_keys_of_a_session_are_enforced(profile_file: ProfileFile):
    from sqlalchemy.exc import IntegrityError

    from app.db.models import LegacyDocument

    database = profile_file.open()
    try:
        with pytest.raises(IntegrityError), database.write_session() as session:
            session.add(
                LegacyDocument(
                    source_id="no-such-import", table_name="t", doc_id="1", body={}, reason="x"
                )
            )
        with database.read_session() as session:
            assert session.query(LegacyDocument).count() == 0
    finally:
        database.close()


def test_profile_files_are_readable_by_the_owner_only(profile_file: ProfileFile):
    old_umask = os.umask(0o022)
    try:
        database = profile_file.open()
        try:
            add_learner_data(database, count=1)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM profile_settings").scalar()
                folder = profile_file.db_file.parent
                files = [profile_file.db_file, folder / "studydesk.sqlite3-wal"]
                files.append(folder / "studydesk.sqlite3-shm")
                for path in files:
                    assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
                assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            backup = database.backup("manual")
        finally:
            database.close()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(profile_file.backups_dir.stat().st_mode) == 0o700


def test_a_profile_file_is_marked_as_study_desk(profile_file: ProfileFile):
    profile_file.open().close()
    assert rows(profile_file.db_file, "PRAGMA application_id") == [(APPLICATION_ID,)]
    state = inspect_profile_file(profile_file.db_file)
    assert state.revision == state.head
    assert not state.needs_upgrade
