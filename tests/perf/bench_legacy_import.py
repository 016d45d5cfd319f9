"""Legacy import benchmark: a 100,000-document TechTree export into a fresh data dir.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_legacy_import.py [--export FILE] [--keep] [--tracemalloc]

Generates a `DatabaseService`-layout TinyDB file (100 users, 2,000 syllabi of 6 modules x 9
lessons, 50,000 lesson contents of a few KB, 45,000 progress rows, 3,000 placement checks), then,
each in a fresh process so that peak memory is its own:

- imports it with `import_legacy` into a new data dir: wall time, peak RSS, time per phase and
  rows written per table;
- the floor: plain `json.load` plus `executemany` of the same rows into the same schema (one file
  per profile, made by copying a file that `ProfileDatabase.open(create=True)` made), with the
  same pragmas as every profile connection (WAL, synchronous=FULL, foreign keys on);
- the ratio of the two;
- a second floor, labelled "floor, build-then-rename": the same, but each file written the way
  the import writes the profiles it makes (`app.db.fresh_file`): journal in memory, no syncs while
  writing, then WAL mode, one fsync, a rename into place and an fsync of the folder. Same
  durability once done; the ratio to it is printed too.

Each child starts after `os.sync()`, so that none pays for the writes of the one before. The
import's phases add up to its wall time; the new learners' profiles are written two at a time,
and what happens inside them is also shown summed over the two writers.

Target: the import under 5 s and under 500 MB peak on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "importers"))

SIZES = {"users": 100, "syllabi": 2000, "contents": 50_000, "progress": 45_000, "assessments": 3000}
TARGET_SECONDS = 5.0
TARGET_MB = 500.0
TABLES = (
    "courses",
    "course_modules",
    "lessons",
    "lesson_contents",
    "lesson_events",
    "placement_checks",
    "legacy_documents",
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path) -> None:
    from importer_helpers import document_total, techtree_export

    export = techtree_export(**SIZES)
    path.write_text(json.dumps(export), encoding="utf-8")
    print(
        json.dumps({"documents": document_total(export), "bytes": path.stat().st_size}),
        flush=True,
    )


def run_import(export: Path, data_dir: Path, trace: bool) -> None:
    """Child process: import with phase timers wrapped around the importer's own steps."""
    import tracemalloc

    import app.db.fresh_file as fresh_file
    import app.importers.legacy_import as legacy_import
    import app.importers.legacy_profiles as profiles_module
    from app.core.profiles import create_profile
    from app.paths import data_locations

    phases: dict[str, float] = defaultdict(float)  # one after the other: they add up to the wall
    writers: dict[str, float] = defaultdict(float)  # inside the new profiles: over both writers

    def timed(name: str, function: Any, into: dict[str, float] = phases) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                into[name] += time.perf_counter() - start

        return wrapper

    for name, phase in (
        ("read_source", "read + parse JSON"),
        ("plan_file", "documents -> records"),
        ("resolve_pending", "link content/progress"),
        ("route", "route to profiles"),
        ("_targets", "plan profiles"),
        ("import_into_existing", "write the default profile"),
        ("run_jobs", f"write {legacy_import.WRITERS} new profiles at a time"),
    ):
        setattr(legacy_import, name, timed(phase, getattr(legacy_import, name)))
    profiles_module.write_share = timed(  # type: ignore[attr-defined]
        "rows: build + insert", profiles_module.write_share, writers
    )
    profiles_module.import_new_profile = timed(  # type: ignore[attr-defined]
        "total", profiles_module.import_new_profile, writers
    )
    legacy_import.import_new_profile = profiles_module.import_new_profile  # type: ignore[attr-defined]
    fresh_file._finish = timed("WAL mode + fsync", fresh_file._finish, writers)  # type: ignore[attr-defined]

    locations = data_locations(data_dir)
    default = create_profile(locations, "Default")
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    report = legacy_import.import_legacy(locations, [export], default_profile=default)
    wall = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    counts: dict[str, int] = defaultdict(int)
    for profile in report.profiles:
        for key, number in profile.counts.items():
            counts[key] += number
    total = writers.pop("total")
    writers["files: make, commit, close, move"] = (
        total - writers["rows: build + insert"] - writers["WAL mode + fsync"]
    )
    phases["the rest"] = wall - sum(phases.values())
    print(
        json.dumps(
            {
                "seconds": wall,
                "peak_mb": peak_mb(),
                "tracemalloc_mb": traced,
                "profiles": len(report.profiles),
                "counts": counts,
                "phases": phases,
                "writers": writers,
                "tables": table_totals(data_dir),
            }
        ),
        flush=True,
    )


def table_totals(data_dir: Path) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for db_file in data_dir.glob("profiles/*/studydesk.sqlite3"):
        conn = sqlite3.connect(db_file)
        try:
            for table in TABLES:
                totals[table] += conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        finally:
            conn.close()
    return dict(totals)


# --- the floor ---------------------------------------------------------------------------------

NS = uuid.UUID("5d0c8f7e-3b1a-4c55-9a39-6f2b7d1e4a10")


def utc_text(value: str) -> str:
    stamp = datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)
    return stamp.isoformat(timespec="microseconds") + "Z"


def run_floor(export: Path, work: Path, strategy: str) -> None:
    """Child process: the least work that gives the same rows in the same files.

    `strategy` "wal": each file written in WAL mode with synchronous=FULL, as every profile
    connection is; "build": journal in memory and no syncs while writing, then WAL mode, one
    fsync, a rename into place and an fsync of the folder (what the import does for the
    profiles it makes).
    """
    from app.db.database import ProfileDatabase

    template = work / "template.sqlite3"
    ProfileDatabase.open(template, work / "template-backups", create=True).close()
    start = time.perf_counter()
    with export.open(encoding="utf-8") as handle:
        data = json.load(handle)
    parsed = time.perf_counter() - start

    course_rows: dict[str, tuple[Any, ...]] = {}
    owner: dict[str, str | None] = {}
    lessons_of: dict[str, list[tuple[Any, ...]]] = {}
    modules_of: dict[str, list[tuple[Any, ...]]] = {}
    lesson_id: dict[tuple[str, int, int], str] = {}
    for doc in data["syllabi"].values():
        sid, content = doc["syllabus_id"], doc["content"]
        created, updated = utc_text(doc["created_at"]), utc_text(doc["updated_at"])
        owner[sid] = doc["user_id"]
        course_rows[sid] = (
            sid,
            doc["topic"],
            doc["level"],
            content["duration"],
            json.dumps(content["learning_objectives"]),
            doc["user_id"] is None,
            False,
            "techtree",
            sid,
            "{}",
            created,
            updated,
        )
        modules, lessons = [], []
        for m, module in enumerate(content["modules"]):
            mid = str(uuid.uuid5(NS, f"module/{sid}/{m}"))
            modules.append((mid, sid, m, module["week"], module["title"], module.get("summary")))
            modules[-1] += (created, updated)
            for n, lesson in enumerate(module["lessons"]):
                lid = str(uuid.uuid5(NS, f"lesson/{sid}/{m}/{n}"))
                lesson_id[sid, m, n] = lid
                lessons.append((lid, mid, sid, n, lesson["title"], created, updated))
        modules_of[sid], lessons_of[sid] = modules, lessons
    contents_of: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for doc in data["lesson_content"].values():
        sid = doc["syllabus_id"]
        lid = lesson_id[sid, doc["module_index"], doc["lesson_index"]]
        stamps = (utc_text(doc["created_at"]), utc_text(doc["updated_at"]))
        contents_of[sid].append((doc["lesson_id"], lid, json.dumps(doc["content"]), *stamps))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    profile_of = {doc["user_id"]: doc["user_id"] for doc in data["users"].values()}
    courses_for: dict[str | None, set[str]] = defaultdict(set)
    for sid, user in owner.items():
        courses_for[user].add(sid)
    events_for: dict[str | None, list[tuple[Any, ...]]] = defaultdict(list)
    for doc in data["user_progress"].values():
        sid, user = doc["syllabus_id"], profile_of[doc["user_id"]]
        lid = lesson_id[sid, doc["module_index"], doc["lesson_index"]]
        at = utc_text(doc["updated_at"])
        key = f"progress/{doc['progress_id']}/{user}/{lid}/{at}/{doc['status']}"
        event_id = str(uuid.uuid5(NS, key))
        events_for[user].append(
            (event_id, lid, sid, "status", doc["status"], doc["score"], at, now, "techtree")
        )
        courses_for[user].add(sid)
    checks_for: dict[str | None, list[tuple[Any, ...]]] = defaultdict(list)
    for doc in data["user_assessments"].values():
        taken = utc_text(doc["created_at"])
        checks_for[doc["user_id"]].append(
            (
                doc["assessment_id"],
                doc["topic"],
                doc["knowledge_level"],
                doc["score"],
                json.dumps(doc["question_history"]),
                json.dumps(doc["response_history"]),
                taken,
                taken,
                taken,
            )
        )
    counts: dict[str, int] = defaultdict(int)
    profiles = set(courses_for) | set(checks_for)
    building = strategy == "build"
    for number, user in enumerate(sorted(profiles, key=str)):
        final = work / f"floor-{number}.sqlite3"
        db_file = final.with_name(final.name + ".building") if building else final
        shutil.copyfile(template, db_file)
        conn = sqlite3.connect(db_file, isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA journal_mode={'MEMORY' if building else 'WAL'}")
        conn.execute(f"PRAGMA synchronous={'OFF' if building else 'FULL'}")
        conn.execute("BEGIN IMMEDIATE")
        sids = sorted(courses_for[user])
        batches = {
            "courses": [course_rows[s] for s in sids],
            "course_modules": [row for s in sids for row in modules_of[s]],
            "lessons": [row for s in sids for row in lessons_of[s]],
            "lesson_contents": [row for s in sids for row in contents_of[s]],
            "lesson_events": events_for[user],
            "placement_checks": checks_for[user],
        }
        columns = {
            "courses": "id, topic, level, duration, objectives, is_master, is_sample, source, "
            "legacy_key, extra, created_at, updated_at",
            "course_modules": "id, course_id, position, week, title, summary, created_at, "
            "updated_at",
            "lessons": "id, module_id, course_id, position, title, created_at, updated_at",
            "lesson_contents": "id, lesson_id, body, created_at, updated_at",
            "lesson_events": "id, lesson_id, course_id, kind, status, score, occurred_at, "
            "created_at, source",
            "placement_checks": "id, topic, knowledge_level, score, questions, responses, "
            "taken_at, created_at, updated_at",
        }
        for table, rows in batches.items():
            marks = ", ".join("?" * len(columns[table].split(",")))
            sql = f"INSERT INTO {table} ({columns[table]}) VALUES ({marks}) ON CONFLICT DO NOTHING"
            counts[table] += conn.executemany(sql, rows).rowcount
        conn.execute("COMMIT")
        if building:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        if building:
            fsync(db_file)
            os.replace(db_file, final)
            fsync(work)
    wall = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": wall,
                "json_load_seconds": parsed,
                "peak_mb": peak_mb(),
                "profiles": len(profiles),
                "tables": counts,
            }
        ),
        flush=True,
    )


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the driver --------------------------------------------------------------------------------


def child(*args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    os.sync()  # each run starts with no writes of the one before still pending on the disk
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"{args[1]} failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--export", type=Path, help="reuse (or keep) the generated file here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python memory")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        if what == "generate":
            generate(Path(rest[0]))
        elif what == "import":
            run_import(Path(rest[0]), Path(rest[1]), rest[2] == "trace")
        else:
            run_floor(Path(rest[0]), Path(rest[1]), rest[2])
        return

    work = Path(tempfile.mkdtemp(prefix="studydesk-bench-"))
    try:
        export = args.export or work / "techtree_db.json"
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, work dir {work}")
        if not export.exists():
            start = time.perf_counter()
            made = child("--child", "generate", str(export))
            print(
                f"generated {made['documents']:,} documents, {made['bytes'] / 1e6:.1f} MB "
                f"in {time.perf_counter() - start:.1f} s"
            )
        else:
            print(f"reusing {export} ({export.stat().st_size / 1e6:.1f} MB)")
        (work / "floor").mkdir()
        (work / "floor-build").mkdir()
        imported = child("--child", "import", str(export), str(work / "data"), "plain")
        floor = child("--child", "floor", str(export), str(work / "floor"), "wal")
        built = child("--child", "floor", str(export), str(work / "floor-build"), "build")
        print()
        seconds, peak = imported["seconds"], imported["peak_mb"]
        print(f"import_legacy   {seconds:7.2f} s   peak RSS {peak:6.0f} MB")
        print(f"  into {imported['profiles']} profiles; phases (wall, one after the other):")
        for phase, seconds in imported["phases"].items():
            print(f"    {phase:<34} {seconds:6.2f} s")
        print("  inside the new profiles (summed over the writer threads):")
        for phase, seconds in sorted(imported["writers"].items(), key=lambda kv: -kv[1]):
            print(f"    {phase:<34} {seconds:6.2f} s")
        print("  rows written:")
        for table in TABLES:
            print(f"    {table:<28} {imported['tables'].get(table, 0):>9,}")
        print(
            f"floor           {floor['seconds']:7.2f} s   peak RSS {floor['peak_mb']:6.0f} MB"
            f"   (json.load {floor['json_load_seconds']:.2f} s; {floor['profiles']} files)"
        )
        same = all(floor["tables"][t] == imported["tables"].get(t, 0) for t in floor["tables"])
        print(f"  floor rows equal the import's rows: {'yes' if same else 'NO'}")
        print(
            f"floor, build-then-rename {built['seconds']:5.2f} s   peak RSS "
            f"{built['peak_mb']:6.0f} MB   (json.load {built['json_load_seconds']:.2f} s)"
        )
        print(f"ratio           {imported['seconds'] / floor['seconds']:7.2f} x the floor")
        print(
            f"ratio           {imported['seconds'] / built['seconds']:7.2f} x the floor "
            "(build-then-rename)"
        )
        print(
            "RESULT "
            + json.dumps(
                {
                    "import_s": imported["seconds"],
                    "import_mb": imported["peak_mb"],
                    "floor_s": floor["seconds"],
                    "floor_mb": floor["peak_mb"],
                    "floor_build_s": built["seconds"],
                    "floor_build_mb": built["peak_mb"],
                    "phases": imported["phases"],
                    "writers": imported["writers"],
                }
            )
        )
        if args.tracemalloc:
            traced = child("--child", "import", str(export), str(work / "traced"), "trace")
            print(f"tracemalloc peak (separate run) {traced['tracemalloc_mb']:.0f} MB")
        verdict = (
            "met"
            if imported["seconds"] < TARGET_SECONDS and imported["peak_mb"] < TARGET_MB
            else "NOT met"
        )
        print(f"target (< {TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB): {verdict}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
