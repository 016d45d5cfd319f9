"""Learner profiles: create, list, rename, delete to trash, names and passwords."""

from __future__ import annotations

import json
from pathlib import Path

import bcrypt
import pytest

from app.core.opening import open_profile
from app.core.passwords import hash_password, is_bcrypt, needs_rehash, verify_password
from app.core.profile_lock import ProfileLock
from app.core.profiles import (
    MAX_NAME_LENGTH,
    create_profile,
    find_profile,
    list_profiles,
    move_to_trash,
    rename_profile,
    set_password,
    unlock,
)
from app.errors import UserError, WrongPassword
from app.paths import PROFILE_META_NAME, DataLocations

PASSWORD = "correct horse battery staple"


def test_created_profiles_are_listed_by_name(locations: DataLocations):
    zoe = create_profile(locations, "  Zoë ")
    ana = create_profile(locations, "ana")
    assert [p.name for p in list_profiles(locations)] == ["ana", "Zoë"]
    assert zoe.folder == locations.profile_dir(zoe.id)
    assert find_profile(locations, "ZOË").id == zoe.id
    assert find_profile(locations, ana.id).name == "ana"
    meta = json.loads((zoe.folder / PROFILE_META_NAME).read_text(encoding="utf-8"))
    assert meta["name"] == "Zoë"
    assert meta["password_hash"] is None


def test_a_missing_profile_is_named_with_the_ones_there_are(locations: DataLocations):
    create_profile(locations, "Ana")
    with pytest.raises(UserError, match=r"no profile called 'Bob'.*'Ana'"):
        find_profile(locations, "Bob")


def test_a_folder_without_profile_json_is_not_a_profile(locations: DataLocations):
    create_profile(locations, "Ana")
    (locations.profiles_dir / "stray").mkdir()
    broken = locations.profiles_dir / "broken"
    broken.mkdir()
    (broken / PROFILE_META_NAME).write_text("{not json")
    assert [p.name for p in list_profiles(locations)] == ["Ana"]


def test_rename_keeps_the_profile_and_its_id(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    renamed = rename_profile(locations, "ana", "Ana María")
    assert renamed.id == ana.id
    assert [(p.id, p.name) for p in list_profiles(locations)] == [(ana.id, "Ana María")]
    # Changing only the case of one's own name is allowed.
    assert rename_profile(locations, "Ana María", "ANA MARÍA").name == "ANA MARÍA"


def test_delete_moves_the_profile_with_its_data_to_the_trash(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    open_profile(locations, ana).close()
    with ProfileLock(ana):
        trashed = move_to_trash(locations, ana)
    assert list_profiles(locations) == []
    assert not ana.folder.exists()
    assert trashed.parent == locations.trash_dir
    assert (trashed / "studydesk.sqlite3").stat().st_size > 0
    assert (trashed / PROFILE_META_NAME).exists()


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * (MAX_NAME_LENGTH + 1), f"at most {MAX_NAME_LENGTH} characters"),
        ("../x", "cannot be used"),
        ("a/b", "cannot be used"),
        ("a\\b", "cannot be used"),
        ("con:", "cannot be used"),
        ("tab\there", "cannot be used"),
        ("..", "cannot be used"),
        ("ANA", "already exists"),
    ],
)
def test_bad_names_are_refused_with_a_reason(locations: DataLocations, name: str, complaint: str):
    create_profile(locations, "Ana")
    with pytest.raises(UserError, match=complaint):
        create_profile(locations, name)
    assert [p.name for p in list_profiles(locations)] == ["Ana"]
    assert len(list(locations.profiles_dir.iterdir())) == 1


def test_renaming_onto_another_profiles_name_is_refused(locations: DataLocations):
    create_profile(locations, "Ana")
    create_profile(locations, "Bob")
    with pytest.raises(UserError, match="already exists"):
        rename_profile(locations, "Bob", "ana")
    assert sorted(p.name for p in list_profiles(locations)) == ["Ana", "Bob"]


def test_a_name_of_the_longest_allowed_length_is_fine(locations: DataLocations):
    assert create_profile(locations, "x" * MAX_NAME_LENGTH).name == "x" * MAX_NAME_LENGTH


def test_a_data_dir_that_cannot_be_written_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "afile"
    blocker.write_text("a file where a folder should be")
    locations = DataLocations(blocker / "x", overridden=True)
    with pytest.raises(UserError, match="cannot write to its data folder") as refused:
        create_profile(locations, "Ana")
    assert str(locations.root) in str(refused.value)
    assert "--data-dir" in str(refused.value)


def test_an_argon2_password_is_set_and_checked(locations: DataLocations):
    ana = create_profile(locations, "Ana", password=PASSWORD)
    assert ana.locked
    assert ana.password_hash is not None
    assert ana.password_hash.startswith("$argon2id$")
    assert PASSWORD not in (ana.folder / PROFILE_META_NAME).read_text(encoding="utf-8")
    assert unlock(ana, PASSWORD) == ana
    with pytest.raises(WrongPassword, match="'Ana'"):
        unlock(ana, "Correct horse battery staple")
    unlocked = set_password(ana, None)
    assert not find_profile(locations, "Ana").locked
    assert unlock(unlocked, "anything") == unlocked


def test_a_bcrypt_password_is_accepted_and_upgraded_to_argon2id(locations: DataLocations):
    old_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    ana = create_profile(locations, "Ana", password_hash=old_hash)
    assert is_bcrypt(ana.password_hash or "")

    with pytest.raises(WrongPassword):
        unlock(ana, "wrong")
    assert find_profile(locations, "Ana").password_hash == old_hash

    unlocked = unlock(ana, PASSWORD)
    stored = find_profile(locations, "Ana").password_hash
    assert stored == unlocked.password_hash
    assert stored is not None and stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD)
    assert not needs_rehash(stored)


def test_password_checks_never_crash_on_odd_input():
    assert not verify_password("not a hash", PASSWORD)
    assert not verify_password("$2b$04$short", PASSWORD)
    assert not verify_password(hash_password(PASSWORD), "")
    assert verify_password(hash_password("pässwörd ✓"), "pässwörd ✓")


def every_file(locations: DataLocations) -> dict[str, bytes]:
    return {
        str(path.relative_to(locations.root)): path.read_bytes()
        for path in sorted(locations.root.rglob("*"))
        if path.is_file() and path.name != ".studydesk.lock" and "logs" not in path.parts
    }


def test_every_door_to_a_locked_profile_checks_its_password(locations: DataLocations):
    """Opening, checking, backing up, upgrading, restoring, renaming, deleting and changing the
    password: each refuses a locked profile without its password or with a wrong one, before
    anything is read or written, and each does its work with the right one."""
    from app.core.opening import check_profile, upgrade_profile
    from app.core.profile_changes import change_password, rename, trash_profile
    from app.core.restoring import back_up_profile, restore_profile

    ana = create_profile(locations, "Ana", password=PASSWORD)
    opened = open_profile(locations, ana, password=PASSWORD)
    backup = opened.backup().path
    opened.close()
    ana = find_profile(locations, "Ana")
    doors = {
        "open": lambda password: open_profile(locations, ana, password=password).close(),
        "check": lambda password: check_profile(ana, password=password),
        "back up": lambda password: back_up_profile(ana, password=password),
        "upgrade": lambda password: upgrade_profile(ana, password=password),
        "restore": lambda password: restore_profile(ana, backup, password=password),
        "rename": lambda password: rename(locations, ana, "Anna", password=password),
        "password": lambda password: change_password(ana, current=password, new="new"),
        "delete": lambda password: trash_profile(locations, ana, password=password),
    }
    before = every_file(locations)
    for name, door in doors.items():
        with pytest.raises(WrongPassword, match="'Ana' is locked; its password is needed"):
            door(None)
        with pytest.raises(WrongPassword, match="not the password of the profile 'Ana'"):
            door("Correct horse battery staple")
        assert every_file(locations) == before, name
    assert check_profile(ana, password=PASSWORD).healthy
    assert back_up_profile(ana, password=PASSWORD).path.exists()
    assert rename(locations, ana, "Anna", password=PASSWORD).name == "Anna"
    assert trash_profile(locations, ana, password=PASSWORD).parent == locations.trash_dir


def test_a_profile_open_elsewhere_is_not_renamed_but_the_open_one_renames_itself(
    locations: DataLocations,
):
    from app.core.profile_changes import rename
    from app.errors import ProfileInUse

    ana = create_profile(locations, "Ana")
    opened = open_profile(locations, ana)
    try:
        with pytest.raises(ProfileInUse, match="'Ana' is open in another Study Desk window"):
            rename(locations, ana, "Anna")  # a command, or another window
        assert find_profile(locations, ana.id).name == "Ana"
        assert rename(locations, ana, "Anna", opened=opened).name == "Anna"  # its own window
    finally:
        opened.close()
    assert find_profile(locations, ana.id).name == "Anna"
