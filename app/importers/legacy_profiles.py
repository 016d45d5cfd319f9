"""Writing one profile's share of an import: into its database as one transaction, or into a
new database file built whole out of sight.

A profile whose database exists gets its rows in one WAL transaction (rolled back for a dry run),
after its import ledger has said which files it already has. A new learner's profile is made in
the staging area and moved into place complete (`app.core.profile_staging`); a profile whose
file does not exist yet gets one built beside its final name and renamed into place
(`app.db.fresh_file`). Either way a crash, a kill or a cancel leaves the profile as it was, or
complete.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.core.profile_lock import ProfileLock
from app.core.profile_staging import staged_profile
from app.core.profiles import Profile
from app.core.progress import Progress
from app.db.database import ProfileDatabase
from app.db.fresh_file import build_database, building_path, move_into_place, remove_database
from app.db.models import ImportSource
from app.importers.legacy_records import Problem, Remark
from app.importers.legacy_write import COUNT_KEYS, ProfileShare, write_share
from app.paths import DataLocations

OpenDatabase = Callable[[Profile], AbstractContextManager[ProfileDatabase]]


@dataclass(frozen=True)
class ProfileReport:
    profile: str
    profile_id: str
    created: bool
    counts: dict[str, int]
    problems: list[Problem]
    already_imported: list[str]
    # Said of documents that came in (a timestamp that could not be read, a learner kept apart
    # from another with the same email).
    remarks: list[Remark] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_id": self.profile_id,
            "created": self.created,
            **self.counts,
            "problems": [p.as_json() for p in self.problems],
            "remarks": [r.as_json() for r in self.remarks],
            "already_imported": self.already_imported,
        }


def import_new_profile(
    locations: DataLocations, profile: Profile, share: ProfileShare, progress: Progress
) -> ProfileReport:
    """A new learner's profile, database and all, appearing only once it is complete."""
    with (
        staged_profile(locations, profile) as building,
        build_database(building.db_file, building.backups_dir) as database,
    ):
        counts = _write(database, share, progress, dry_run=False)
    return ProfileReport(profile.name, profile.id, True, counts, share.problems, [], share.remarks)


def _build_missing_file(
    profile: Profile, share: ProfileShare, progress: Progress
) -> ProfileReport | None:
    """A profile without its database file yet gets one built whole and moved into place.

    None when the file appeared meanwhile (then it is written like any other).
    """
    with ProfileLock(profile):
        if profile.db_file.exists():
            return None
        built = building_path(profile.db_file)
        remove_database(built)  # left by an import that was killed; we hold the profile's lock
        with build_database(built, profile.backups_dir) as database:
            counts = _write(database, share, progress, dry_run=False)
        move_into_place(built, profile.db_file)
    return ProfileReport(profile.name, profile.id, False, counts, share.problems, [], share.remarks)


def import_into_existing(
    profile: Profile,
    share: ProfileShare,
    dry_run: bool,
    progress: Progress,
    open_database: OpenDatabase,
) -> ProfileReport:
    if not dry_run and not profile.db_file.exists():
        report = _build_missing_file(profile, share, progress)
        if report is not None:
            return report
    with open_database(profile) as database:
        with database.read_session() as session:
            done = set(
                session.scalars(
                    select(ImportSource.sha256).where(ImportSource.deleted_at.is_(None))
                )
            )
        already = [path for path, source in share.sources.items() if source.sha256 in done]
        if already and len(already) == len(share.sources):
            return ProfileReport(
                profile.name, profile.id, False, dict.fromkeys(COUNT_KEYS, 0), [], already
            )
        for path in already:
            share.sources.pop(path)
        share.verbatim = [(f, v) for f, v in share.verbatim if f in share.sources]
        share.problems = [p for p in share.problems if p.file in share.sources]
        share.remarks = [r for r in share.remarks if r.file in share.sources]
        counts = _write(database, share, progress, dry_run)
    return ProfileReport(
        profile.name, profile.id, False, counts, share.problems, already, share.remarks
    )


def _write(
    database: ProfileDatabase, share: ProfileShare, progress: Progress, dry_run: bool
) -> dict[str, int]:
    """The share's rows and the ledger in one transaction; rolled back for a dry run."""
    try:
        with database.write_session() as session:
            counts, _ledger = write_share(session, share, progress)
            if dry_run:
                raise _DryRunDone(counts)
    except _DryRunDone as done:
        counts = done.counts
    return counts


def planned_report(profile: Profile, share: ProfileShare) -> ProfileReport:
    """What a dry run says a new profile would receive."""
    counts = _planned_counts(share)
    return ProfileReport(profile.name, profile.id, True, counts, share.problems, [], share.remarks)


def _planned_counts(share: ProfileShare) -> dict[str, int]:
    courses = share.courses.values()
    return {
        "courses": len(share.courses),
        "modules": sum(len(c.modules) for c in courses),
        "lessons": sum(len(m.lessons) for c in courses for m in c.modules),
        "lesson_contents": len(share.contents),
        "progress": len(share.progress),
        "assessments": len(share.assessments),
        "questions": len(share.questions),
        "notes": len(share.notes),
        "kept_verbatim": len(share.verbatim),
    }


class _DryRunDone(Exception):
    """Raised inside the write transaction of a dry run so that it rolls back."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__("dry run")
        self.counts = counts
