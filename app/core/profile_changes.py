"""Profile changes that need more than one step: renaming, deleting and changing a password.

A locked profile asks for its password before it is renamed, its password changes or it is
deleted (`unlock`, the one check), so someone else on a shared computer cannot take it over from
the profile manager or the command line.
"""

from __future__ import annotations

from pathlib import Path

from app.core.opening import OpenProfile
from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, move_to_trash, rename_profile, set_password, unlock
from app.paths import DataLocations


def rename(
    locations: DataLocations,
    profile: Profile,
    name: str,
    *,
    password: str | None = None,
    opened: OpenProfile | None = None,
) -> Profile:
    """Give the profile a new name; returns it renamed.

    `opened` is the profile this window has open, if it is that one: the window then shows the
    new name itself. Any other profile is renamed holding its lock, so a profile open in
    another window or command (which would go on showing the old name) is refused. Raises
    WrongPassword for a locked profile without its password, ProfileInUse, or UserError for a
    name that cannot be used; the profile is then as it was.
    """
    profile = unlock(profile, password)
    if opened is not None and opened.profile.id == profile.id and opened.lock.held:
        return rename_profile(locations, profile.id, name)
    with ProfileLock(profile):
        return rename_profile(locations, profile.id, name)


def trash_profile(
    locations: DataLocations, profile: Profile, *, password: str | None = None
) -> Path:
    """Move the profile's folder to the trash; returns where it went.

    Raises WrongPassword for a locked profile without its password, ProfileInUse if it is open.
    """
    unlock(profile, password)
    with ProfileLock(profile):
        return move_to_trash(locations, profile)


def change_password(profile: Profile, *, current: str | None, new: str | None) -> Profile:
    """Set, change or (with `new` None) remove the password; a locked profile needs `current`."""
    profile = unlock(profile, current)
    return set_password(profile, new or None)
