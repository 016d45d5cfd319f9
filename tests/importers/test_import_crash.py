"""An import killed or cancelled part way: each profile has all of its rows or none of them.

A profile that exists is written in one transaction; one the import makes (a new learner's, or
one whose database file does not exist yet) is built out of sight and moved into place whole.
`kill -9` of the `studydesk import` process at several points of its writing leaves every
profile as it was before, or complete, never a part: no profile is listed whose database is not
complete; the database passes `db check`; importing again brings in the rest and removes what
the killed run left behind. A cancel from the progress callback raises Cancelled and writes
nothing, and leaves no new empty profiles behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from importer_helpers import ROOT, count, dump_data_dir, techtree_export, write_json

from app.core.profile_staging import ORPHAN_LOCK_AGE_S, clear_stale_staging, staging_dir
from app.core.profiles import Profile, create_profile, list_profiles
from app.core.progress import Progress
from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.errors import Cancelled
from app.importers.legacy_import import import_legacy
from app.paths import DataLocations, data_locations

TABLES = ("courses", "course_modules", "lessons", "lesson_contents", "lesson_events")
DEPARTED = "0d6f1b0e-5a4c-4e8e-9a57-1c2b3d4e5f60"  # a legacy user id in no users table
# Large enough that the writing takes about a second on a 2-core machine.
SIZES = {"users": 3, "syllabi": 150, "contents": 3000, "progress": 1500, "assessments": 60}


def table_counts(db_file: Path) -> dict[str, int]:
    if not db_file.exists():
        return dict.fromkeys(TABLES, 0)
    return {table: count(db_file, table) for table in TABLES}


def by_learner(locations: DataLocations) -> dict[str | None, dict[str, int]]:
    """Row counts per profile, keyed by its legacy user id (None: the default profile)."""
    return {p.legacy_user_id: table_counts(p.db_file) for p in list_profiles(locations)}


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str | None, dict]]:
    """The generated file, and what a complete import of it gives each profile."""
    folder = tmp_path_factory.mktemp("crash")
    export = techtree_export(content_size=3000, **SIZES)
    # The shared syllabi would go to every learner: these belong to an account that is gone
    # (not in the users table), and go to the default profile, whose share is written first.
    for syllabus in export["syllabi"].values():
        if syllabus["user_id"] is None:
            syllabus["user_id"] = DEPARTED
    path = write_json(folder / "techtree_db.json", export)
    reference = data_locations(folder / "reference")
    default = create_profile(reference, "Default")
    import_legacy(reference, [path], default_profile=default)
    complete = by_learner(reference)
    assert len(complete) == SIZES["users"] + 1 and all(c["lessons"] for c in complete.values())
    return path, complete


def start_import(data_dir: Path, export: Path, *kill_at: str) -> subprocess.Popen[str]:
    """`studydesk import tinydb` in a process of its own; `kill_at` (module, function, n): it
    dies as by kill -9 (no cleanup runs) on the n-th call of that function."""
    command = ["--data-dir", str(data_dir), "--profile", "Default", "import", "tinydb"]
    return subprocess.Popen(
        [sys.executable, "-c", DYING_CHILD, *(kill_at or ("", "", "0")), *command, str(export)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


DYING_CHILD = """
import importlib, os, sys
module, name, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
if module:
    target = importlib.import_module(module)
    original = getattr(target, name)
    calls = []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            os._exit(137)
        return original(*args, **kwargs)

    setattr(target, name, dying)
from app.__main__ import main
sys.exit(main(sys.argv[4:]))
"""

# Where the writing shows on disk: an existing profile's write-ahead log, a new learner's file
# being built in the staging area, a missing profile file being built beside its final name.
GROWING = {
    "wal": "profiles/*/studydesk.sqlite3-wal",
    "staged": "profiles/.importing/*/studydesk.sqlite3",
    "building": "profiles/*/studydesk.sqlite3.building",
}


def wait_for_writes(data_dir: Path, process: subprocess.Popen[str], where: str, size: int) -> bool:
    """Wait until a file of `GROWING[where]` holds `size` bytes; False if the import ended first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        for path in data_dir.glob(GROWING[where]):
            try:
                if path.stat().st_size >= size:
                    return True
            except FileNotFoundError:
                pass
        time.sleep(0.002)
    raise AssertionError("the import never started writing")


def assert_all_or_nothing(
    locations: DataLocations, complete: dict[str | None, dict[str, int]], default: Profile
) -> list[str]:
    """Every profile holds none or all of its rows; returns how each one came out.

    A learner's profile made by the import is listed only once it is complete.
    """
    outcomes = []
    nothing = dict.fromkeys(TABLES, 0)
    for profile in list_profiles(locations):
        counts = table_counts(profile.db_file)
        expected = complete[profile.legacy_user_id]
        assert counts in (nothing, expected), (profile.name, counts, expected)
        if profile.id != default.id:
            assert counts == expected, f"{profile.name} is listed but not complete"
        outcomes.append("all" if counts == expected else "none")
        if profile.db_file.exists():
            report = check_database(profile.db_file)
            assert report.integrity == [] and report.foreign_keys == [], profile.name
            ledger = count(profile.db_file, "import_sources")
            assert ledger == (1 if counts == expected else 0), profile.name
    assert default.id in {p.id for p in list_profiles(locations)}
    return outcomes


def leftovers(locations: DataLocations) -> list[Path]:
    """What an import killed part way may leave: staged folders, files being built."""
    staged = list(staging_dir(locations).iterdir()) if staging_dir(locations).is_dir() else []
    return staged + list(locations.profiles_dir.glob("*/studydesk.sqlite3.building*"))


def assert_import_again_completes(
    locations: DataLocations, export: Path, complete: dict[str | None, dict[str, int]]
) -> None:
    """Importing again brings in whatever the killed run did not, and clears what it left."""
    finish = start_import(locations.root, export)
    assert finish.wait(timeout=120) == 0, finish.stderr.read()  # type: ignore[union-attr]
    assert by_learner(locations) == complete
    assert len(list_profiles(locations)) == len(complete)  # learners found again, not doubled
    # A kill between a finished profile's move into place and the removal of its lock file
    # leaves that lock file alone: kept while young (a running import may be about to take a
    # lock file it has just made), removed by the next import once it is old.
    young = [path for path in leftovers(locations) if orphan_lock(path)]
    for path in young:
        os.utime(path, (time.time() - ORPHAN_LOCK_AGE_S - 60,) * 2)
    if young:
        clear_stale_staging(locations)
    assert leftovers(locations) == []
    assert not staging_dir(locations).exists()


def orphan_lock(path: Path) -> bool:
    return path.suffix == ".lock" and not path.with_suffix("").exists()


@pytest.mark.parametrize(
    ("where", "megabytes", "default_has_file"),
    [
        ("wal", 0.3, True),  # inside the default profile's transaction
        ("staged", 0.6, True),  # while a new learner's file is being built
        ("staged", 2.5, True),
        ("building", 0.6, False),  # while the default profile's missing file is being built
        (None, 0, True),  # the control: a fixed delay, wherever it lands
    ],
)
def test_kill_9_during_the_import_leaves_each_profile_whole_or_untouched(
    where: str | None, megabytes: float, default_has_file: bool, big_export, tmp_path: Path
):
    export, complete = big_export
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    if default_has_file:
        ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()

    process = start_import(locations.root, export)
    if where is None:
        time.sleep(0.6)
        killed_mid_write = process.poll() is None
    else:
        killed_mid_write = wait_for_writes(
            locations.root, process, where, int(megabytes * 1_000_000)
        )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode in (-signal.SIGKILL, 0), process.stderr.read()  # type: ignore[union-attr]

    outcomes = assert_all_or_nothing(locations, complete, default)
    left = leftovers(locations)
    print(f"killed at {megabytes} MB of {where}: profiles {outcomes}, left {len(left)}")
    if where is not None:
        assert killed_mid_write, "the import finished before the kill; make the file bigger"
    if where == "wal":
        assert "none" in outcomes  # the profile being written was rolled back
    if where == "building":
        assert not default.db_file.exists()  # as before: the half-built file never moved in
        assert left  # ... and is removed by the next import
    assert_import_again_completes(locations, export, complete)


@pytest.mark.parametrize(
    "kill_at",
    [
        ("app.db.fresh_file", "sync_file", "1"),  # a learner's file built, not yet synced
        ("app.core.profile_staging", "sync_folder", "1"),  # ... its folder about to move in
        ("app.db.fresh_file", "sync_file", "3"),  # others may have moved in already
        ("app.core.profile_staging", "finish_staging", "1"),  # all moved, not yet synced
    ],
    ids=lambda part: str(part),
)
def test_killed_at_each_step_of_making_a_profile_none_is_left_half_made(
    kill_at: tuple[str, str, str], big_export, tmp_path: Path
):
    export, complete = big_export
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()

    process = start_import(locations.root, export, *kill_at)
    assert process.wait(timeout=120) == 137, process.stderr.read()  # type: ignore[union-attr]

    outcomes = assert_all_or_nothing(locations, complete, default)
    print(f"died at {kill_at}: profiles {outcomes}, left {len(leftovers(locations))}")
    if kill_at[1] != "finish_staging":
        assert len(outcomes) < len(complete)  # the learner being made is not there at all
    assert_import_again_completes(locations, export, complete)


def test_cancel_from_the_progress_callback_writes_nothing(big_export, tmp_path: Path):
    export, _ = big_export
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()
    before = dump_data_dir(locations.root)
    seen: list[int] = []
    progress: Progress

    def on_change(done: int, total: int, message: str) -> None:
        seen.append(done)
        if done >= 100:  # inside the first profile written (the default one)
            progress.cancel()

    progress = Progress(on_change)
    with pytest.raises(Cancelled):
        import_legacy(locations, [export], default_profile=default, progress=progress)
    assert max(seen) < progress.snapshot()[1]
    # Nothing written, and the learners' new profiles are not left behind empty.
    assert dump_data_dir(locations.root) == before
    assert [p.name for p in list_profiles(locations)] == ["Default"]


def test_cancel_after_a_profile_was_written_keeps_that_one_whole(big_export, tmp_path: Path):
    export, complete = big_export
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    stop_at = sum(complete[None].values())  # the default profile's rows are written first
    progress: Progress

    def on_change(done: int, total: int, message: str) -> None:
        if done > stop_at + 1000:
            progress.cancel()

    progress = Progress(on_change)
    with pytest.raises(Cancelled):
        import_legacy(locations, [export], default_profile=default, progress=progress)
    outcomes = assert_all_or_nothing(locations, complete, default)
    assert outcomes.count("all") >= 1
    assert leftovers(locations) == []  # the learners' files being built were removed
    assert not staging_dir(locations).exists()
