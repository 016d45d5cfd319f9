"""Importing legacy files into profiles: read, check, route, then one transaction per profile.

Used by first launch, File > Import and `studydesk import tinydb|questions`. A file that cannot be
read at all is reported and nothing is written for it; everything else lands in a typed table or
verbatim in `legacy_documents`, and the report says which and why.

A profile database that exists is written in one WAL transaction. One that the import makes (a
new learner's profile, or a profile whose file does not exist yet) is built out of sight and
moved into place whole (`app.db.fresh_file`, `app.core.profile_staging`): either way a crash, a
kill or a cancel leaves each profile as it was before, or complete.
"""

from __future__ import annotations

import functools
import gc
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.opening import open_locked
from app.core.profile_staging import (
    clear_stale_staging,
    finish_staging,
    new_profile,
)
from app.core.profiles import (
    MAX_NAME_LENGTH,
    Profile,
    ensure_data_dir,
    list_profiles,
    usable_name,
)
from app.core.progress import Progress
from app.errors import UserError
from app.importers.legacy_profiles import (
    OpenDatabase,
    ProfileReport,
    import_into_existing,
    import_new_profile,
    planned_report,
)
from app.importers.legacy_records import LegacyPlan, LegacyUser, Remark
from app.importers.legacy_resolve import resolve_pending
from app.importers.legacy_routing import DEFAULT, LearnerDirectory, Routing, route
from app.importers.legacy_write import ProfileShare
from app.importers.ms2 import looks_like_ms2, read_ms2_array
from app.importers.parallel_jobs import run_jobs
from app.importers.source import SourceFile, read_source
from app.importers.techtree import read_tinydb
from app.paths import DataLocations

__all__ = ["ImportReport", "OpenDatabase", "ProfileReport", "import_legacy", "plan_file"]

SHARED_KINDS = ("courses", "questions", "notes")  # in the order the report says them
# The profiles an import makes are written this many at a time (app.importers.parallel_jobs).
WRITERS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class ImportReport:
    profiles: list[ProfileReport] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    dry_run: bool = False
    empty: list[tuple[str, str]] = field(default_factory=list)  # (file, message): no documents
    # Where what the older apps kept for every account went (profile names), when that was not
    # (only) the profile the import was for, and what kinds of it there were ("courses",
    # "questions", "notes"); see app.importers.legacy_routing.
    shared_with: list[str] = field(default_factory=list)
    shared_kinds: list[str] = field(default_factory=list)
    shared_once: bool = False  # there were several learners: one copy, not one each

    @property
    def complete(self) -> bool:
        return not self.unreadable

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "profiles": [p.as_json() for p in self.profiles],
            "unreadable": [{"file": f, "reason": r} for f, r in self.unreadable],
            "empty": [{"file": f, "message": m} for f, m in self.empty],
            "shared_with": self.shared_with,
            "shared_kinds": self.shared_kinds,
            "shared_once": self.shared_once,
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


def import_legacy(
    locations: DataLocations,
    paths: list[Path],
    *,
    default_profile: Profile,
    dry_run: bool = False,
    questions_only: bool = False,
    progress: Progress | None = None,
    open_database: OpenDatabase = open_locked,
) -> ImportReport:
    """Import `paths`; one transaction per profile, rolled back entirely on error or cancel."""
    with _cyclic_gc_paused():
        return _import(
            locations,
            paths,
            default_profile,
            dry_run,
            questions_only,
            progress or Progress(),
            open_database,
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while an import runs, as it was again after.

    An import holds hundreds of thousands of small containers (documents, records, rows) that
    form no cycles; every collection would walk them all again (measured: half a second of an
    import of 100,000 documents). Whatever garbage cycles there are are collected afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    locations: DataLocations,
    paths: list[Path],
    default_profile: Profile,
    dry_run: bool,
    questions_only: bool,
    progress: Progress,
    open_database: OpenDatabase,
) -> ImportReport:
    progress.set_message("Reading files")
    plans: list[LegacyPlan] = []
    sources: dict[str, SourceFile] = {}
    unreadable: list[tuple[str, str]] = []
    empty: list[tuple[str, str]] = []
    for path in paths:
        progress.check()
        progress.set_message(f"Reading {path.name}")  # the window names each file as it goes
        try:
            source = read_source(path)
            plan = plan_file(source, questions_only=questions_only)
        except UserError as error:
            unreadable.append((str(path), str(error)))
            continue
        if source.data is None:  # 0 bytes, or only blank space: not a file to import at all
            what = "empty (0 bytes)" if source.size == 0 else "empty (only blank space)"
            unreadable.append((str(path), f"{path} is {what}; there is nothing in it to import."))
            continue
        if _holds_nothing(source.data):  # written nowhere, not even in the ledger
            empty.append((str(path), f"{path} holds no documents; there was nothing to import."))
            continue
        plans.append(plan)
        sources[plan.file] = replace(source, data=None)  # the documents live on in the plan
        del source
    directory, twins = _directory(locations, plans)
    resolve_pending(
        plans, lambda user: directory.target(user) is not None, directory.user_id_for_email
    )
    # The profile the import is for is one share, also when it is a learner's of the older app.
    home = f"profile:{default_profile.id}"
    if home not in directory.by_id.values() and home not in directory.by_email.values():
        home = DEFAULT
    routing = route(plans, sources, directory, home)
    targets = _targets(locations, routing, default_profile, dry_run, set(twins))
    # Said when it went elsewhere than only where the import was for, or when learners' profiles
    # were made beside it (they might look for it in theirs).
    told = routing.shared_to != [home] or len(routing.users) > 1
    shared_with = [
        targets[key][0].name for key in routing.shared_to if routing.shared_kinds and told
    ]
    for user_id, twin in twins.items():
        key = directory.target(user_id) or ""
        routing.share(key).remarks.append(twin.remark(targets[key][0].name))
    total = sum(share.row_total() for share in routing.shares.values())
    progress.set_total(total, "Importing")
    if not dry_run:
        ensure_data_dir(locations)
        clear_stale_staging(locations)
    reports = []
    new: list[tuple[Profile, ProfileShare]] = []
    ordered = sorted(routing.shares.items(), key=lambda item: item[0] != home)
    for key, share in ordered:
        if not _has_rows(share) and key not in routing.users and key != home:
            continue
        profile, created = targets[key]
        if created and dry_run:
            reports.append(planned_report(profile, share))
        elif created:
            new.append((profile, share))
        else:  # profiles that exist, one at a time on this thread, the default one first
            reports.append(import_into_existing(profile, share, dry_run, progress, open_database))
    jobs = [
        functools.partial(import_new_profile, locations, profile, share, progress)
        for profile, share in new
    ]
    try:
        reports.extend(run_jobs(jobs, WRITERS))
    finally:
        if jobs:
            finish_staging(locations)
    kinds: list[str] = [k for k in SHARED_KINDS if k in routing.shared_kinds and shared_with]
    once = bool(shared_with) and len(routing.users) > 1
    return ImportReport(reports, unreadable, dry_run, empty, shared_with, kinds, once)


def _holds_nothing(data: Any) -> bool:
    """A 0-byte file, `{}`, `[]` or TinyDB tables without documents."""
    if isinstance(data, dict):
        return all(isinstance(table, dict) and not table for table in data.values())
    return data is None or data == []


def _has_rows(share: ProfileShare) -> bool:
    return share.row_total() > 0


@dataclass(frozen=True)
class _Twin:
    """A legacy learner whose email a learner met before (another id) has too: kept apart."""

    file: str
    user: LegacyUser
    other: str  # the one met first, in words

    def remark(self, profile_name: str) -> Remark:
        return Remark(
            self.file,
            self.user.table,
            self.user.doc_id,
            f"{self.other} has the same email ({self.user.email}) but is another learner "
            f"(another user id); this one is kept apart, in the profile {profile_name!r}",
            self.user.user_id,
        )


def _directory(
    locations: DataLocations, plans: list[LegacyPlan]
) -> tuple[LearnerDirectory, dict[str, _Twin]]:
    """Every learner known (profiles of earlier imports, users in the files), found by legacy
    user id only; and the learners whose email someone else met before has too (by user id).

    Two user ids are two learners, even with the same email: merging them would mix two
    people's progress and let one password open the other's data.
    """
    directory = LearnerDirectory()
    first_with: dict[str, str] = {}  # folded email -> who has it, in words
    for profile in list_profiles(locations):
        directory.add(f"profile:{profile.id}", profile.legacy_user_id, profile.legacy_email)
        if profile.legacy_email:
            first_with.setdefault(profile.legacy_email.casefold(), f"The profile {profile.name!r}")
    twins: dict[str, _Twin] = {}
    for plan in plans:
        for user in plan.users:
            key = directory.target(user.user_id)
            folded = user.email.casefold()
            if key is None and folded in first_with and user.user_id not in twins:
                twins[user.user_id] = _Twin(plan.file, user, first_with[folded])
            first_with.setdefault(folded, f"The learner {user.name!r} (user {user.user_id})")
            directory.add(key or f"user:{user.user_id}", user.user_id, user.email)
    return directory, twins


def _targets(
    locations: DataLocations,
    routing: Routing,
    default: Profile,
    dry_run: bool,
    twins: set[str],
) -> dict[str, tuple[Profile, bool]]:
    """The profile behind each target key, and whether the import makes it.

    The profiles of new legacy learners are only planned here (nothing is written): each is
    made when its rows are written, complete (`import_new_profile`). A learner in `twins`
    (user ids) is named with the day their account was made, to be told apart from the other.
    """
    existing = list_profiles(locations)
    by_id = {p.id: p for p in existing}
    taken = {p.name.casefold() for p in existing}
    targets: dict[str, tuple[Profile, bool]] = {DEFAULT: (default, False)}
    for key in routing.shares:
        if key == DEFAULT:
            continue
        if key.startswith("profile:"):
            targets[key] = (by_id[key[len("profile:") :]], False)
            continue
        user = routing.users[key]
        since = user.created_at if user.user_id in twins else None
        name = _free_name(taken, user.name, user.email, since)
        taken.add(name.casefold())
        if dry_run:
            targets[key] = (
                Profile(f"new:{user.user_id}", name, locations.root, user.created_at),
                True,
            )
            continue
        planned = new_profile(
            locations,
            name,
            password_hash=user.password_hash,
            legacy_user_id=user.user_id,
            legacy_email=user.email,
        )
        targets[key] = (planned, True)
    return targets


def _free_name(taken: set[str], name: str, email: str, since: datetime | None = None) -> str:
    """The learner's name; if a profile has it, with their email, else with a number.

    A learner sharing an email with another (`since`: when their account was made) is named
    with that day, "Ana (account of 2025-03-22)": the email would not tell the two apart.
    """
    base = usable_name(name)
    numbered = (f" ({number})" for number in range(2, 10_000))
    first = (f" (account of {since.astimezone():%Y-%m-%d})",) if since else ("", f" ({email})")
    for suffix in itertools.chain(first, numbered):
        candidate = usable_name(base[: max(1, MAX_NAME_LENGTH - len(suffix))] + suffix)
        if candidate.casefold() not in taken:
            return candidate
    raise UserError(f"There are too many profiles called {base!r}.")
