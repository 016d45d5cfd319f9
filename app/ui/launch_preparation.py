"""What launch does before any window: the data folder and the first profile, the older apps'
files found on a first launch, and which profile the picker starts from afterwards.

`prepare_launch` runs on the task runner's writer (it may create the data folder and the first
profile); the rest is plain data for the launcher (app/ui/launch.py).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.opening import ensure_first_profile
from app.core.profiles import Profile, ensure_data_dir, list_profiles
from app.errors import UserError
from app.importers.discovery import find_legacy_files
from app.paths import DataLocations

if TYPE_CHECKING:  # the importer loads only when there is something to import
    from app.importers.legacy_import import ImportReport

OWN_PROFILE_NOTE = "“{name}” is your profile from the older app — use your old password."


@dataclass(frozen=True)
class Prepared:
    """The profiles at launch; on a first launch, the profile just made and any legacy files."""

    profiles: list[Profile]
    first: Profile | None = None
    legacy_files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Choice:
    """Which profile the picker (or smoke mode) should start from, and why."""

    selected_id: str | None = None
    note: str = ""


def prepare_launch(locations: DataLocations) -> Prepared:
    """The data folder and, on a first launch, the first profile and the older apps' files.
    Raises UserError when the disk cannot take them (see storage_problem)."""
    try:
        ensure_data_dir(locations)
        first = ensure_first_profile(locations)
    except Exception as error:
        problem = storage_problem(locations, error)
        if problem is None:
            raise
        raise UserError(problem) from None
    found = find_legacy_files(locations) if first is not None else []
    return Prepared(list_profiles(locations), first, tuple(found))


def choice_after_import(first: Profile, report: ImportReport | None, smoke: bool) -> Choice:
    """A lone learner from the older app finds their profile chosen in the picker (smoke mode
    always opens the profile made for this launch)."""
    learners = [p for p in report.profiles if p.created] if report is not None else []
    if len(learners) == 1 and not smoke:
        own = learners[0]
        return Choice(own.profile_id, OWN_PROFILE_NOTE.format(name=own.profile))
    return Choice(first.id)


def storage_problem(locations: DataLocations, error: BaseException) -> str | None:
    """What to tell the learner when the data folder cannot take the first profile (a full or
    read-only disk: an OSError, or SQLite's "database or disk is full"); None for a bug."""
    code = error.errno if isinstance(error, OSError) else None
    if code == errno.ENOSPC or "disk is full" in str(error):
        reason = "the disk it is on is full"
        fix = "Free some space on that disk"
    elif isinstance(error, OSError) and code in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = "it cannot be written: " + (error.strerror or "no permission").lower()
        fix = "Give your account write permission there"
    else:
        return None
    return (
        f"Study Desk cannot set up its data folder {locations.root}: {reason}. {fix}, or "
        "start Study Desk with --data-dir pointing to a folder on another disk. Nothing of "
        "yours was changed."
    )
