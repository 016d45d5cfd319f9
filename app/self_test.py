"""`studydesk --self-test [--json]`: does this installation work on this computer?

Run from every built artifact (the bundle, the .deb, the Windows and macOS builds) and by the
learner when something is wrong. Each check prints one line; the exit code is 1 when any
failed, and the failing lines name what is missing (a system library, FTS5, a decoder).

Everything happens in a temporary data folder that is deleted afterwards: the learner's real
profiles, settings and logs are never opened (STUDYDESK_DATA_DIR points at the temporary folder
for the whole run, child process included).

The window checks (Qt's platform plugin, fonts, a lesson rendered, a video frame decoded) run
in a child process: a platform plugin that cannot load aborts the process that tries, and the
self-test must live to say so (`self_test_qt`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from app import __version__

# FTS5's trigram tokenizer (search over parts of words) needs 3.34; 3.35 brought RETURNING and
# DROP COLUMN, which the migrations may use.
SQLITE_MINIMUM = (3, 35, 0)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "fail" or "skip"
    detail: str
    seconds: float


class CheckFailed(Exception):
    """A check's own failure: its message is the line the learner reads."""


class Skipped(Exception):
    """The check cannot run in this build (its feature is not there yet)."""


class CheckRun:
    """The checks so far; prints each as it finishes unless the output is JSON."""

    def __init__(self, *, quiet: bool) -> None:
        self.checks: list[Check] = []
        self.quiet = quiet

    def add(self, check: Check) -> None:
        self.checks.append(check)
        if not self.quiet:
            mark = {"ok": "ok  ", "fail": "FAIL", "skip": "skip"}[check.status]
            print(f"{mark} {check.name}: {check.detail} ({check.seconds:.2f} s)", flush=True)

    def run(self, name: str, check: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail, status = check(), "ok"
        except Skipped as skipped:
            detail, status = str(skipped), "skip"
        except CheckFailed as failed:
            detail, status = str(failed), "fail"
        except Exception as error:
            last = traceback.extract_tb(error.__traceback__)[-1]
            where = f" at {Path(last.filename).name}:{last.lineno}"
            detail, status = f"{type(error).__name__}: {error}{where}", "fail"
        self.add(Check(name, status, detail, time.perf_counter() - started))
        return status != "fail"

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]


# --- checks without Qt ----------------------------------------------------------------------


def check_sqlite() -> str:
    version = sqlite3.sqlite_version_info
    text = sqlite3.sqlite_version
    if version < SQLITE_MINIMUM:
        needed = ".".join(map(str, SQLITE_MINIMUM))
        raise CheckFailed(f"SQLite {text} is too old: Study Desk needs {needed} or newer")
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE words USING fts5(body)")
        connection.execute("CREATE VIRTUAL TABLE parts USING fts5(body, tokenize='trigram')")
        connection.execute("INSERT INTO parts VALUES ('spaced repetition')")
        found = connection.execute("SELECT count(*) FROM parts WHERE parts MATCH 'etit'")
        if found.fetchone()[0] != 1:
            raise CheckFailed(f"SQLite {text}: FTS5's trigram search found nothing")
    except sqlite3.OperationalError as error:
        raise CheckFailed(f"SQLite {text} is built without FTS5 ({error})") from None
    finally:
        connection.close()
    return f"SQLite {text} with FTS5 and its trigram tokenizer"


def check_migrations(folder: Path) -> str:
    """Every migration script, from an empty file to head (what upgrading a profile runs)."""
    from app.db.engine import create_file_owner_only, make_engine
    from app.db.inspect import FileState
    from app.db.migrate import run_upgrade
    from app.db.revisions import known_revisions
    from app.db.schema_template import revision_of

    head = known_revisions().head
    path = folder / "migrated.sqlite3"
    create_file_owner_only(path)
    engine = make_engine(path)
    try:
        run_upgrade(engine, FileState(path, None, head))
    finally:
        engine.dispose()
    reached = revision_of(path)
    if reached != head:
        raise CheckFailed(f"the migrations stopped at {reached}, not at head {head}")
    return f"an empty file migrated through every revision to head ({head})"


@dataclass
class SampleProfile:
    """What the profile checks leave for the later ones."""

    data_dir: Path
    profile: object = None
    lesson_markdown: str = ""
    lesson_title: str = ""


def check_profile(sample: SampleProfile) -> str:
    from app.core.opening import open_profile
    from app.core.profiles import create_profile
    from app.db.revisions import known_revisions
    from app.features import install_samples
    from app.paths import DataLocations

    install_samples()
    locations = DataLocations(sample.data_dir, overridden=True)
    profile = create_profile(locations, "Self-test")
    from app.db.schema_template import revision_of

    open_profile(locations, profile).close()
    sample.profile = profile
    head = known_revisions().head
    revision = revision_of(profile.db_file)
    if revision != head:
        raise CheckFailed(f"a new profile is at revision {revision}, not at head {head}")
    return f"a temporary profile created at head ({head}) with the sample content"


def check_review(sample: SampleProfile) -> str:
    from datetime import UTC, datetime

    from app.core.flashcards.review import answer_card, next_card, review_summary
    from app.core.opening import open_profile
    from app.paths import DataLocations

    if sample.profile is None:
        raise CheckFailed("not run: no profile (see above)")
    locations = DataLocations(sample.data_dir, overridden=True)
    opened = open_profile(locations, sample.profile, samples=False)  # type: ignore[arg-type]
    try:
        now = datetime.now(UTC)
        with opened.database.write_session() as session:
            shown = next_card(session, None, now).card
            if shown is None:
                raise CheckFailed("the sample deck has no card to review")
            answered = answer_card(session, shown.id, 3, 1500, now)
    finally:
        opened.close()  # also takes the on-close backup
    opened = open_profile(locations, sample.profile, samples=False)  # type: ignore[arg-type]
    try:
        summary = review_summary(opened.database, [answered.review_id])
    finally:
        opened.close()
    if summary.reviewed != 1 or summary.good != 1:
        raise CheckFailed("an answered card's review was not there after reopening the profile")
    return "a sample card answered Good; the answer was there after closing and reopening"


def check_lesson_text(sample: SampleProfile) -> str:
    from app.core.courses.lesson_reading import lesson_for_reading
    from app.core.courses.library import continue_target, library
    from app.core.opening import open_profile
    from app.paths import DataLocations

    if sample.profile is None:
        raise CheckFailed("not run: no profile (see above)")
    locations = DataLocations(sample.data_dir, overridden=True)
    opened = open_profile(locations, sample.profile, samples=False)  # type: ignore[arg-type]
    try:
        with opened.database.read_session() as session:
            course = next((row for row in library(session) if row.is_sample), None)
            target = continue_target(session, course.course_id) if course else None
        if target is None:
            raise CheckFailed("the sample course is missing or has no lesson")
        media = sample.profile.media_dir  # type: ignore[attr-defined]
        lesson = lesson_for_reading(opened.database, target.lesson_id, media)
    finally:
        opened.close()
    if lesson is None or not lesson.view.markdown.strip():
        raise CheckFailed("the sample lesson has no text")
    sample.lesson_markdown = lesson.view.markdown
    sample.lesson_title = lesson.view.title
    return f"the sample lesson {lesson.view.title!r} read and made safe to show"


def search_available() -> bool:
    try:
        return importlib.util.find_spec("app.core.search") is not None
    except ImportError:
        return False


def check_search(sample: SampleProfile) -> str:
    if not search_available():
        raise Skipped("search is not in this build yet (no app.core.search)")
    from app.core.opening import open_profile
    from app.core.search import search_all
    from app.paths import DataLocations

    if sample.profile is None:
        raise CheckFailed("not run: no profile (see above)")
    locations = DataLocations(sample.data_dir, overridden=True)
    opened = open_profile(locations, sample.profile, samples=False)  # type: ignore[arg-type]
    try:
        hits = search_all(opened.database, "repetition")
    finally:
        opened.close()
    if not hits:
        raise CheckFailed("searching the sample content for 'repetition' found nothing")
    return f"'repetition' found {len(hits)} result(s) in the sample content"


def check_fsrs_rs() -> str:
    try:
        import fsrs_rs_python as fsrs_rs
    except ImportError as error:
        raise CheckFailed(f"fsrs-rs (fsrs_rs_python) does not load: {error}") from None
    model = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS)
    states = model.next_states(None, 0.9, 0)
    if not states.good.interval > 0:
        raise CheckFailed("fsrs-rs loaded but computed no interval")
    return f"fsrs-rs loaded (a new card answered Good: {states.good.interval:.1f} days)"


# --- the whole run ----------------------------------------------------------------------------


@contextmanager
def _temporary_data_dir() -> Iterator[Path]:
    """A data folder of the self-test's own, named in STUDYDESK_DATA_DIR while it runs."""
    from app.paths import DATA_DIR_ENV

    folder = Path(tempfile.mkdtemp(prefix="studydesk-self-test-"))
    previous = os.environ.get(DATA_DIR_ENV)
    os.environ[DATA_DIR_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


def self_test(*, quiet: bool = False) -> list[Check]:
    """Run every check; returns them in the order they ran."""
    run = CheckRun(quiet=quiet)
    with _temporary_data_dir() as data_dir:
        sample = SampleProfile(data_dir / "data")
        run.run("sqlite", check_sqlite)
        run.run("migrations", lambda: check_migrations(data_dir))
        run.run("profile", lambda: check_profile(sample))
        run.run("review", lambda: check_review(sample))
        run.run("lesson text", lambda: check_lesson_text(sample))
        run.run("search", lambda: check_search(sample))
        run.run("fsrs-rs", check_fsrs_rs)
        from app.self_test_qt import run_qt_checks  # it imports this module

        run_qt_checks(run, sample)
    return run.checks


def main(argv: list[str]) -> int:
    """`studydesk --self-test [--json]` (the --self-test itself already taken off)."""
    parser = argparse.ArgumentParser(
        prog="studydesk --self-test",
        description="Check that Study Desk works on this computer, in a temporary profile.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if not args.json:
        print(
            f"Study Desk {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})"
        )
    checks = self_test(quiet=args.json)
    elapsed = time.perf_counter() - started
    failed = [check for check in checks if check.status == "fail"]
    if args.json:
        report = {
            "version": __version__,
            "ok": not failed,
            "seconds": round(elapsed, 3),
            "checks": [asdict(check) | {"seconds": round(check.seconds, 3)} for check in checks],
        }
        print(json.dumps(report, indent=2))
    elif failed:
        print(
            f"Self-test FAILED in {elapsed:.1f} s: {', '.join(c.name for c in failed)} "
            "(the lines marked FAIL say what is missing)"
        )
    else:
        skipped = sum(check.status == "skip" for check in checks)
        also = f", {skipped} skipped" if skipped else ""
        print(f"Self-test passed: {len(checks) - skipped} checks{also} in {elapsed:.1f} s")
    return 1 if failed else 0
