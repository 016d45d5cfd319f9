"""Importing the older apps' files, as one action: what first launch, File > Import and
`studydesk import tinydb|questions` all call.

It reads and routes the files, then writes each profile's share in one transaction of its own
(`legacy_import.import_legacy`). A profile that is open in the window is written through its
open database, read when the work runs (a restore may have replaced it); every other profile
is opened and locked for its write. Each profile that exists is backed up ("before import")
right after it is opened, before its first write. The result carries the report and what the
open profile received, so the window's views refresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from app.core.changes import Change
from app.core.opening import OpenProfile, open_locked
from app.core.profiles import Profile
from app.core.progress import Progress
from app.core.restoring import back_up_before_import
from app.db.database import ProfileDatabase
from app.importers.legacy_import import ImportReport, OpenDatabase, import_legacy
from app.paths import DataLocations


@dataclass(frozen=True)
class LegacyImported:
    """The report, and what the open profile (if any) received."""

    report: ImportReport
    changes: Change = Change.NONE


def database_opener(opened: OpenProfile | None, *, back_up: bool = True) -> OpenDatabase:
    """Opens each profile the import writes to: the open one through its own database, the
    others locked as usual; then (`back_up`) takes its "before import" backup, which refuses a
    damaged or read-only profile before anything is written."""

    @contextmanager
    def open_database(profile: Profile) -> Iterator[ProfileDatabase]:
        opening: AbstractContextManager[ProfileDatabase] = (
            nullcontext(opened.database)
            if opened is not None and profile.id == opened.profile.id
            else open_locked(profile)
        )
        with opening as database:
            if back_up:
                back_up_before_import(database)
            yield database

    return open_database


def import_legacy_files(
    locations: DataLocations,
    paths: list[Path],
    *,
    default_profile: Profile,
    opened: OpenProfile | None = None,
    dry_run: bool = False,
    questions_only: bool = False,
    progress: Progress | None = None,
) -> LegacyImported:
    """Import `paths` (TinyDB files, MS2 question arrays) into the profiles they belong to, the
    rest into `default_profile`. One transaction per profile: a cancel (Cancelled from
    `progress`) or an error leaves the profile being written as it was, those finished before
    complete. A file that cannot be read is in the report, not raised."""
    report = import_legacy(
        locations,
        paths,
        default_profile=default_profile,
        dry_run=dry_run,
        questions_only=questions_only,
        progress=progress,
        open_database=database_opener(opened, back_up=not dry_run),
    )
    received = opened is not None and any(
        p.profile_id == opened.profile.id and any(p.counts.values()) for p in report.profiles
    )
    return LegacyImported(report, Change.EVERYTHING if received else Change.NONE)
