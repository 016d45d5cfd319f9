"""Opening a profile that must not be written (issue 12): a damaged file, a folder that cannot be
written. The profile opens read-only, says why, and every write says it in the same words, the
review loop's answers too (which are written on a connection of their own)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flashcard_helpers import make_cards, make_deck

from app.core.flashcards.review_loop import ReviewLoop
from app.core.flashcards.scheduling import Rating
from app.core.opening import open_profile
from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, create_profile
from app.core.restoring import back_up_before_import
from app.errors import FolderNotWritable, ProfileDamaged, UserError
from app.paths import DataLocations
from tests.storage_doors import damage_profile, read_only


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def profile_with_cards(locations: DataLocations) -> Profile:
    profile = create_profile(locations, "Alex")
    opened = open_profile(locations, profile, samples=False)
    try:
        make_cards(opened.database, make_deck(opened.database, "Spanish"), 3)
    finally:
        opened.close()
    return profile


@contextmanager
def unwritable(locations: DataLocations, profile: Profile, how: str) -> Iterator[type[UserError]]:
    """The profile damaged, or its folder read-only; yields what its writes raise."""
    if how == "damaged":
        damage_profile(locations, profile)
        yield ProfileDamaged
    else:
        with read_only(profile.folder):
            yield FolderNotWritable


def test_the_lock_of_a_profile_in_a_folder_that_cannot_be_written_says_so(
    locations: DataLocations,
) -> None:
    profile = profile_with_cards(locations)
    with read_only(profile.folder), pytest.raises(FolderNotWritable) as refused:
        ProfileLock(profile).acquire()
    assert str(refused.value).startswith(f"Study Desk cannot write in {profile.folder}: ")


def test_a_profile_in_a_folder_that_cannot_be_written_opens_read_only_without_the_lock(
    locations: DataLocations,
) -> None:
    profile = profile_with_cards(locations)
    with read_only(profile.folder):
        opened = open_profile(locations, profile)
        try:
            assert isinstance(opened.read_only, FolderNotWritable)
            assert not opened.repairable and not opened.lock.held
            with pytest.raises(FolderNotWritable):
                back_up_before_import(opened.database)
        finally:
            opened.close()


@pytest.mark.parametrize("how", ["damaged", "read-only folder"])
def test_an_answer_in_a_profile_that_must_not_be_written_says_why(
    locations: DataLocations, how: str
) -> None:
    profile = profile_with_cards(locations)
    now = datetime.now(UTC)
    with unwritable(locations, profile, how) as refusal:
        before = digest(profile.db_file)
        opened = open_profile(locations, profile)
        try:
            assert isinstance(opened.read_only, refusal)
            assert opened.repairable == (how == "damaged")
            loop = ReviewLoop(opened.database, None)
            shown = loop.current(now)  # reading works
            assert shown.card is not None
            with pytest.raises(refusal) as refused:
                loop.answer(shown.card.id, Rating.GOOD, 3000, now)
            assert str(refused.value) == str(opened.read_only)
            assert "readonly database" not in str(refused.value)
            assert loop.current(now).card == shown.card  # still the card to answer
            loop.close()
        finally:
            opened.close()
        assert digest(profile.db_file) == before


def test_a_profile_made_now_needs_no_backup_before_its_first_import(
    locations: DataLocations,
) -> None:
    fresh = open_profile(locations, create_profile(locations, "New"), samples=False)
    try:
        assert back_up_before_import(fresh.database) is None
        make_deck(fresh.database, "Mine")  # then it holds something of the learner's
        taken = back_up_before_import(fresh.database)
        assert taken is not None and taken.reason == "before-import"
    finally:
        fresh.close()
