"""An import killed or cancelled part way: each profile has all of its rows or none of them.

The import is one transaction per profile. `kill -9` of the `studydesk import` process at
several points of its writing leaves every profile as it was before, or complete, never a part;
the database passes `db check`; importing again then brings in the rest. A cancel from the
progress callback raises Cancelled and writes nothing, and leaves no new empty profiles behind.
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

from app.core.profiles import Profile, create_profile, list_profiles
from app.core.progress import Progress
from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.errors import Cancelled
from app.importers.legacy_import import import_legacy
from app.paths import DataLocations, data_locations

TABLES = ("courses", "course_modules", "lessons", "lesson_contents", "lesson_events")
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
    path = write_json(folder / "techtree_db.json", techtree_export(content_size=3000, **SIZES))
    reference = data_locations(folder / "reference")
    default = create_profile(reference, "Default")
    import_legacy(reference, [path], default_profile=default)
    complete = by_learner(reference)
    assert len(complete) == SIZES["users"] + 1 and all(c["lessons"] for c in complete.values())
    return path, complete


def start_import(data_dir: Path, export: Path) -> subprocess.Popen[str]:
    command = ["--data-dir", str(data_dir), "--profile", "Default", "import", "tinydb"]
    return subprocess.Popen(
        [sys.executable, "-m", "app", *command, str(export)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def wait_for_writes(data_dir: Path, process: subprocess.Popen[str], wal_bytes: int) -> bool:
    """Wait until some profile's write-ahead log holds `wal_bytes`; False if it ended first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        for wal in data_dir.glob("profiles/*/studydesk.sqlite3-wal"):
            try:
                if wal.stat().st_size >= wal_bytes:
                    return True
            except FileNotFoundError:
                pass
        time.sleep(0.002)
    raise AssertionError("the import never started writing")


def assert_all_or_nothing(
    locations: DataLocations, complete: dict[str | None, dict[str, int]], default: Profile
) -> list[str]:
    """Every profile holds none or all of its rows; returns how each one came out."""
    outcomes = []
    nothing = dict.fromkeys(TABLES, 0)
    for profile in list_profiles(locations):
        counts = table_counts(profile.db_file)
        expected = complete[profile.legacy_user_id]
        assert counts in (nothing, expected), (profile.name, counts, expected)
        outcomes.append("all" if counts == expected else "none")
        if profile.db_file.exists():
            report = check_database(profile.db_file)
            assert report.integrity == [] and report.foreign_keys == [], profile.name
            ledger = count(profile.db_file, "import_sources")
            assert ledger == (1 if counts == expected else 0), profile.name
    assert default.id in {p.id for p in list_profiles(locations)}
    return outcomes


@pytest.mark.parametrize("wal_mb", [0.3, 2.5, None])
def test_kill_9_during_the_import_leaves_each_profile_whole_or_untouched(
    wal_mb: float | None, big_export, tmp_path: Path
):
    export, complete = big_export
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()

    process = start_import(locations.root, export)
    if wal_mb is None:  # the control: a fixed delay, wherever it lands
        time.sleep(0.6)
        killed_mid_write = process.poll() is None
    else:
        killed_mid_write = wait_for_writes(locations.root, process, int(wal_mb * 1_000_000))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode in (-signal.SIGKILL, 0), process.stderr.read()  # type: ignore[union-attr]

    outcomes = assert_all_or_nothing(locations, complete, default)
    print(f"killed at {wal_mb} MB of WAL: profiles {outcomes}")
    if wal_mb is not None:
        assert killed_mid_write, "the import finished before the kill; make the file bigger"
        assert "none" in outcomes  # the profile being written was rolled back

    # Importing again brings in whatever the killed run did not commit.
    finish = start_import(locations.root, export)
    assert finish.wait(timeout=120) == 0, finish.stderr.read()  # type: ignore[union-attr]
    assert by_learner(locations) == complete
    assert len(list_profiles(locations)) == len(complete)  # learners found again, not doubled


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
