"""Opening and closing a profile: its database, the sample content, backups on close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.opening import AUTO_BACKUP_EVERY, OpenProfile, ensure_first_profile, open_profile
from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, create_profile, find_profile, list_profiles
from app.core.samples import SETTING_KEY, SampleKind, register_sample
from app.db.backup import list_backups
from app.db.inspect import inspect_profile_file
from app.db.models import ProfileSetting
from app.db.revisions import known_revisions
from app.errors import ProfileFileRefused, WrongPassword
from app.paths import DataLocations


def write_goal(opened: OpenProfile, cards: int) -> None:
    with opened.database.write_session() as session:
        session.merge(ProfileSetting(key="daily_goal", value={"cards": cards}))


def backups(profile: Profile) -> list[str]:
    return [b.reason for b in list_backups(profile.backups_dir)]


def assert_unlocked(profile: Profile) -> None:
    lock = ProfileLock(profile).acquire()
    lock.release()


def load_flashcards(session: Session, folder: Path) -> int:
    session.add(ProfileSetting(key="sample:flashcards", value={"folder": str(folder)}))
    return 1


def remove_flashcards(session: Session, _at: object = None) -> int:
    return 0


def test_opening_a_new_profile_creates_its_database_and_loads_the_samples(
    locations: DataLocations,
):
    register_sample(SampleKind("flashcards", load_flashcards, remove_flashcards, Change.CARDS))
    ana = create_profile(locations, "Ana")
    assert not ana.db_file.exists()

    opened = open_profile(locations, ana)
    try:
        assert inspect_profile_file(ana.db_file).revision == known_revisions().head
        with opened.database.read_session() as session:
            state = session.get(ProfileSetting, SETTING_KEY)
            assert state is not None
            assert "flashcards" in state.value["loaded"]
            assert session.get(ProfileSetting, "sample:flashcards") is not None
    finally:
        opened.close()
    assert find_profile(locations, "Ana").last_opened_at is not None


def test_the_first_launch_makes_one_profile(locations: DataLocations):
    first = ensure_first_profile(locations)
    assert first is not None
    assert ensure_first_profile(locations) is None
    assert [p.id for p in list_profiles(locations)] == [first.id]


def test_close_backs_up_only_when_something_changed(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    # A brand-new profile holds only its first rows (samples, settings): nothing to lose yet.
    assert open_profile(locations, ana).close() is None
    ana = find_profile(locations, "Ana")
    assert open_profile(locations, ana).close() is None
    assert backups(ana) == []

    opened = open_profile(locations, ana)
    write_goal(opened, 30)
    info = opened.close()
    assert info is not None
    assert backups(ana) == ["on-close"]
    assert not opened.lock.held
    assert open_profile(locations, ana).close() is None
    assert backups(ana) == ["on-close"]


def test_the_automatic_backup_waits_for_a_change_and_half_an_hour(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    open_profile(locations, ana).close()
    opened = open_profile(locations, find_profile(locations, "Ana"))
    try:
        start = datetime.now(UTC)
        later = start + AUTO_BACKUP_EVERY + timedelta(minutes=1)
        assert opened.backup_if_due(later) is None  # nothing changed
        write_goal(opened, 30)
        assert opened.backup_if_due(start + timedelta(minutes=10)) is None  # too soon
        info = opened.backup_if_due(later)
        assert info is not None
        assert info.reason == "auto"
        assert opened.last_backup_at == info.taken_at
        assert opened.backup_if_due(later) is None  # nothing changed since
        assert opened.close() is None
    finally:
        opened.lock.release()
    assert backups(ana) == ["auto"]


def test_a_missing_database_of_a_used_profile_is_not_silently_recreated(
    locations: DataLocations,
):
    ana = create_profile(locations, "Ana")
    open_profile(locations, ana).close()
    ana = find_profile(locations, "Ana")
    ana.db_file.unlink()

    with pytest.raises(ProfileFileRefused, match="missing") as refused:
        open_profile(locations, ana)

    assert str(ana.db_file) in str(refused.value)
    assert str(ana.backups_dir) in str(refused.value)
    assert not ana.db_file.exists()
    assert_unlocked(ana)


def test_a_refused_file_leaves_the_profile_unlocked(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    ana.db_file.write_bytes(b"")
    with pytest.raises(ProfileFileRefused, match="empty"):
        open_profile(locations, ana)
    assert_unlocked(ana)
    assert ana.db_file.read_bytes() == b""


def test_a_wrong_password_opens_nothing(locations: DataLocations):
    ana = create_profile(locations, "Ana", password="secret")
    with pytest.raises(WrongPassword):
        open_profile(locations, ana, password="Secret")
    with pytest.raises(WrongPassword, match="'Ana' is locked; its password is needed"):
        open_profile(locations, ana)
    assert not ana.db_file.exists()
    assert find_profile(locations, "Ana").last_opened_at is None
    assert_unlocked(ana)
    open_profile(locations, ana, password="secret").close()
    assert ana.db_file.exists()
