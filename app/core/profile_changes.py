"""Profile changes that need more than one step: deleting safely and changing a password.

A locked profile asks for its current password before its password changes or it is deleted,
so someone else on a shared computer cannot take it over from the profile manager.
"""

from __future__ import annotations

from pathlib import Path

from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, move_to_trash, set_password, unlock
from app.paths import DataLocations


def trash_profile(
    locations: DataLocations, profile: Profile, *, password: str | None = None
) -> Path:
    """Move the profile's folder to the trash; returns where it went.

    Raises WrongPassword for a locked profile without its password, ProfileInUse if it is open.
    """
    if profile.locked:
        unlock(profile, password or "")
    with ProfileLock(profile):
        return move_to_trash(locations, profile)


def change_password(profile: Profile, *, current: str | None, new: str | None) -> Profile:
    """Set, change or (with `new` None) remove the password; a locked profile needs `current`."""
    if profile.locked:
        profile = unlock(profile, current or "")
    return set_password(profile, new or None)
