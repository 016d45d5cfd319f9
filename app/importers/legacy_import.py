"""Importing legacy files into profiles: read, check, route, then one transaction per profile.

Used by first launch, File > Import and `studydesk import tinydb|questions`. A file that cannot be
read at all is reported and nothing is written for it; everything else lands in a typed table or
verbatim in `legacy_documents`, and the report says which and why.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.profile_lock import ProfileLock
from app.core.profiles import (
    MAX_NAME_LENGTH,
    Profile,
    create_profile,
    list_profiles,
    save_legacy_identity,
    usable_name,
)
from app.core.progress import Progress
from app.db.database import ProfileDatabase
from app.db.models import ImportSource
from app.errors import UserError
from app.importers.legacy_records import LegacyPlan, Problem
from app.importers.legacy_resolve import resolve_pending
from app.importers.legacy_routing import DEFAULT, LearnerDirectory, Routing, route
from app.importers.legacy_write import COUNT_KEYS, ProfileShare, write_share
from app.importers.ms2 import looks_like_ms2, read_ms2_array
from app.importers.source import SourceFile, read_source
from app.importers.techtree import read_tinydb
from app.paths import DataLocations


class _DryRunDone(Exception):
    """Raised inside the write transaction of a dry run so that it rolls back."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__("dry run")
        self.counts = counts


OpenDatabase = Callable[[Profile], AbstractContextManager[ProfileDatabase]]


@dataclass(frozen=True)
class ProfileReport:
    profile: str
    profile_id: str
    created: bool
    counts: dict[str, int]
    problems: list[Problem]
    already_imported: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_id": self.profile_id,
            "created": self.created,
            **self.counts,
            "problems": [p.as_json() for p in self.problems],
            "already_imported": self.already_imported,
        }


@dataclass(frozen=True)
class ImportReport:
    profiles: list[ProfileReport] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    dry_run: bool = False
    empty: list[tuple[str, str]] = field(default_factory=list)  # (file, message): no documents

    @property
    def complete(self) -> bool:
        return not self.unreadable

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "profiles": [p.as_json() for p in self.profiles],
            "unreadable": [{"file": f, "reason": r} for f, r in self.unreadable],
            "empty": [{"file": f, "message": m} for f, m in self.empty],
        }


def plan_file(source: SourceFile, *, questions_only: bool = False) -> LegacyPlan:
    """Read one parsed file into a plan; UserError when its top level is of no known kind."""
    plan = LegacyPlan(file=str(source.path), check_text=source.odd_text)
    data = source.data
    if data is None:
        return plan
    if isinstance(data, list):
        if not data:
            return plan
        if not looks_like_ms2(data):
            raise UserError(
                f"{source.path} holds a JSON list, but not of MS2 questions, notes or articles; "
                "a TinyDB file is an object of tables. Nothing was imported from it."
            )
        read_ms2_array(plan, data, source.path.stem)
        return plan
    if questions_only:
        raise UserError(f"{source.path} is not a JSON list of questions. Nothing was imported.")
    if not isinstance(data, dict):
        raise UserError(
            f"{source.path} holds a single JSON value, not a database. Nothing was imported."
        )
    if data and not any(_is_tinydb_table(table) for table in data.values()):
        raise UserError(
            f"{source.path} is JSON, but not a TinyDB database (its top level holds no tables). "
            "Nothing was imported from it."
        )
    read_tinydb(plan, data)
    return plan


def _is_tinydb_table(value: Any) -> bool:
    """TinyDB tables are objects keyed by document ids, which are strings of integers."""
    return isinstance(value, dict) and all(str(key).isdigit() for key in value)


@contextmanager
def _open_locked(profile: Profile) -> Iterator[ProfileDatabase]:
    with ProfileLock(profile):
        database = ProfileDatabase.open(
            profile.db_file, profile.backups_dir, create=not profile.db_file.exists()
        )
        try:
            yield database
        finally:
            database.close()


def import_legacy(
    locations: DataLocations,
    paths: list[Path],
    *,
    default_profile: Profile,
    dry_run: bool = False,
    questions_only: bool = False,
    progress: Progress | None = None,
    open_database: OpenDatabase = _open_locked,
) -> ImportReport:
    """Import `paths`; one transaction per profile, rolled back entirely on error or cancel."""
    progress = progress or Progress()
    progress.set_message("Reading files")
    plans: list[LegacyPlan] = []
    sources: dict[str, SourceFile] = {}
    unreadable: list[tuple[str, str]] = []
    empty: list[tuple[str, str]] = []
    for path in paths:
        progress.check()
        try:
            source = read_source(path)
            plan = plan_file(source, questions_only=questions_only)
        except UserError as error:
            unreadable.append((str(path), str(error)))
            continue
        if _holds_nothing(source.data):  # written nowhere, not even in the ledger
            empty.append((str(path), f"{path} holds no documents; there was nothing to import."))
            continue
        plans.append(plan)
        sources[plan.file] = source
    directory = _directory(locations, plans)
    resolve_pending(
        plans, lambda user: directory.target(user) is not None, directory.user_id_for_email
    )
    routing = route(plans, sources, directory)
    made: list[Profile] = []
    written: set[str] = set()
    try:
        targets = _targets(locations, routing, default_profile, dry_run, made)
        total = sum(share.row_total() for share in routing.shares.values())
        progress.set_total(total, "Importing")
        reports = []
        ordered = sorted(routing.shares.items(), key=lambda item: item[0] != DEFAULT)
        for key, share in ordered:
            if not _has_rows(share) and key not in routing.users and key != DEFAULT:
                continue
            profile, created = targets[key]
            reports.append(_import_share(profile, created, share, dry_run, progress, open_database))
            written.add(profile.id)
    except BaseException:
        # A cancel or an error: the profiles this run made for learners whose rows were
        # never committed hold nothing; they go, so the data dir is as it was before.
        for profile in made:
            if profile.id not in written:
                shutil.rmtree(profile.folder, ignore_errors=True)
        raise
    return ImportReport(reports, unreadable, dry_run, empty)


def _holds_nothing(data: Any) -> bool:
    """A 0-byte file, `{}`, `[]` or TinyDB tables without documents."""
    if isinstance(data, dict):
        return all(isinstance(table, dict) and not table for table in data.values())
    return data is None or data == []


def _has_rows(share: ProfileShare) -> bool:
    return share.row_total() > 0


def _directory(locations: DataLocations, plans: list[LegacyPlan]) -> LearnerDirectory:
    directory = LearnerDirectory()
    for profile in list_profiles(locations):
        directory.add(f"profile:{profile.id}", profile.legacy_user_id, profile.legacy_email)
    for plan in plans:
        for user in plan.users:
            key = directory.target(user.user_id) or directory.target(
                f"email:{user.email.casefold()}"
            )
            directory.add(key or f"user:{user.user_id}", user.user_id, user.email)
    return directory


def _targets(
    locations: DataLocations,
    routing: Routing,
    default: Profile,
    dry_run: bool,
    made: list[Profile],
) -> dict[str, tuple[Profile, bool]]:
    """The profile behind each target key, creating profiles for new legacy learners.

    Each profile created is appended to `made` at once, so a failure later can remove it.
    """
    by_id = {p.id: p for p in list_profiles(locations)}
    targets: dict[str, tuple[Profile, bool]] = {DEFAULT: (default, False)}
    for key in routing.shares:
        if key == DEFAULT:
            continue
        if key.startswith("profile:"):
            targets[key] = (by_id[key[len("profile:") :]], False)
            continue
        user = routing.users[key]
        if dry_run:
            targets[key] = (
                Profile(f"new:{user.user_id}", user.name, locations.root, user.created_at),
                True,
            )
            continue
        profile = create_profile(
            locations,
            _free_name(locations, user.name, user.email),
            password_hash=user.password_hash,
            legacy_user_id=user.user_id,
        )
        made.append(profile)
        targets[key] = (save_legacy_identity(profile, user.email), True)
    return targets


def _free_name(locations: DataLocations, name: str, email: str) -> str:
    """The learner's name; if a profile has it, with their email, else with a number."""
    taken = {p.name.casefold() for p in list_profiles(locations)}
    base = usable_name(name)
    for suffix in ("", f" ({email})", *(f" ({number})" for number in range(2, 10_000))):
        candidate = usable_name(base[: max(1, MAX_NAME_LENGTH - len(suffix))] + suffix)
        if candidate.casefold() not in taken:
            return candidate
    raise UserError(f"There are too many profiles called {base!r}.")


def _import_share(
    profile: Profile,
    created: bool,
    share: ProfileShare,
    dry_run: bool,
    progress: Progress,
    open_database: OpenDatabase,
) -> ProfileReport:
    if dry_run and created:
        counts = _planned_counts(share)
        return ProfileReport(profile.name, profile.id, True, counts, share.problems, [])
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
                profile.name, profile.id, created, dict.fromkeys(COUNT_KEYS, 0), [], already
            )
        for path in already:
            share.sources.pop(path)
        share.verbatim = [(f, v) for f, v in share.verbatim if f in share.sources]
        share.problems = [p for p in share.problems if p.file in share.sources]
        try:
            with database.write_session() as session:
                counts, ledger = write_share(session, share, progress)
                for path, row_id in ledger.items():
                    row = session.get(ImportSource, row_id)
                    if row is not None:
                        row.report = {
                            "counts": counts,
                            "problems": [p.as_json() for p in share.problems if p.file == path],
                        }
                if dry_run:
                    raise _DryRunDone(counts)
        except _DryRunDone as done:
            counts = done.counts
    return ProfileReport(profile.name, profile.id, created, counts, share.problems, already)


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
