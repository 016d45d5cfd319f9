"""Startup benchmarks: cold start to the first painted window, and opening a profile.

Run on its own (not part of the test suite):

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_startup.py [--pairs N] [--ratio-only]

Prints the median of each figure and the ratio of `studydesk --smoke` on an existing profile to
the floor of this machine: ONE fresh interpreter that imports SQLAlchemy (its ORM, as Study Desk
does) and shows a bare QMainWindow, timed the same way (to its first painted window). The floor
moves with the machine's load, so the two are run interleaved, pair by pair, and the ratio is
the median of the pairs' ratios; the CPU time each used to its first paint (all threads, which
the load moves less) is printed beside it. Target (issue 13): at most 1.3x.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RUNS = 5
# The older apps' sample files (shared/fixtures/legacy), imported by a first launch.
LEGACY_FIXTURES = ROOT.parent / "shared" / "fixtures" / "legacy"
PAIRS = 15  # interleaved floor / smoke pairs for the ratio
ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
ENV["PYTHONPATH"] = str(ROOT)
# An installed Study Desk has its bytecode; without it every module changed since the last run
# would be compiled at each launch (PYTHONDONTWRITEBYTECODE=1 in a developer's shell).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)

BARE_WINDOW = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(900, 600); w.show(); app.processEvents()
"""

# The floor for the ratio: the SQLAlchemy import and a bare window, reporting its first paint
# exactly as `--smoke` does (after the paint event has been handled), then exiting.
FLOOR = """
import time
import sqlalchemy.orm
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])
window = QMainWindow()
window.resize(900, 600)

def painted():
    print(
        f"Study Desk painted its window (epoch {time.time():.6f}, "
        f"cpu {time.process_time():.4f} s)",
        flush=True,
    )
    app.exit(0)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, painted)
        return False

watch = FirstPaint(window)
window.installEventFilter(watch)
window.show()
app.exec()
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from just before the process starts to its exit, or, for `--smoke`, to the
    moment it reports its first painted window (its own exit and teardown are not counted)."""
    return painted(argv, env)[0]


def painted(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, the process's CPU seconds) as `timed`; the CPU time (all its threads, to
    the first paint) is reported by the process itself, for a window, else (nan)."""
    start_epoch = time.time()
    start = time.perf_counter()
    result = subprocess.run(argv, env=env or ENV, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{argv} failed ({result.returncode}):\n{result.stderr}")
    match = re.search(r"painted its window \(epoch ([0-9.]+), cpu ([0-9.]+) s\)", result.stdout)
    if "--smoke" in argv or argv[-1] == FLOOR:
        if match is None:
            raise SystemExit(f"{argv} did not report its first paint:\n{result.stdout}")
        return float(match.group(1)) - start_epoch, float(match.group(2))
    return elapsed, float("nan")


def median_of(make_argv, runs: int = RUNS, env=None) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = [timed(make_argv(), env) for _ in range(runs)]
    return statistics.median(times), times


def show(label: str, figure: tuple[float, list[float]]) -> None:
    median, times = figure
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"{label:<52} median {median:.3f} s   ({runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help="interleaved floor/smoke pairs")
    parser.add_argument(
        "--ratio-only", action="store_true", help="only the smoke / floor ratio (no other figures)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sd-bench-") as scratch:
        run_all(Path(scratch), args.pairs, args.ratio_only)


def run_all(scratch: Path, pairs: int = PAIRS, ratio_only: bool = False) -> None:
    python = sys.executable
    print("Figures are from just before the process starts; for --smoke, to its first painted")
    print("main window (its exit is not counted); for the floors, to the process's exit.")
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={ENV['QT_QPA_PLATFORM']}"
    )
    if not ratio_only:
        show("floor: python -c pass", median_of(lambda: [python, "-c", "pass"]))
        show("floor: bare Qt window shown", median_of(lambda: [python, "-c", BARE_WINDOW]))
        show("floor: import sqlalchemy", median_of(lambda: [python, "-c", "import sqlalchemy.orm"]))

        def first_launch() -> list[str]:
            fresh = tempfile.mkdtemp(dir=scratch)
            return [python, "-m", "app", "--data-dir", fresh, "--smoke"]

        show("studydesk --smoke, first launch (new profile)", median_of(first_launch))
        if LEGACY_FIXTURES.is_dir():
            # The older apps' files found at first launch (all the sample files, the largest
            # TinyDB among them) are imported before the window; an empty home folder, so only
            # these are found.
            home = tempfile.mkdtemp(dir=scratch)
            legacy_env = {**ENV, "HOME": home, "STUDYDESK_LEGACY_DIRS": str(LEGACY_FIXTURES)}
            show(
                "studydesk --smoke, first launch + older app's files",
                median_of(first_launch, env=legacy_env),
            )
    existing = tempfile.mkdtemp(dir=scratch)
    timed([python, "-m", "app", "--data-dir", existing, "--smoke"])
    smoke_argv = [python, "-m", "app", "--data-dir", existing, "--smoke"]
    floors, smokes, floor_cpus, smoke_cpus = [], [], [], []
    for _ in range(pairs):
        floor, floor_cpu = painted([python, "-c", FLOOR])
        smoke, smoke_cpu = painted(smoke_argv)
        floors.append(floor)
        smokes.append(smoke)
        floor_cpus.append(floor_cpu)
        smoke_cpus.append(smoke_cpu)
    show("floor: import sqlalchemy.orm + bare window painted", (statistics.median(floors), floors))
    show("studydesk --smoke, existing profile (interleaved)", (statistics.median(smokes), smokes))
    ratios = [smoke / floor for smoke, floor in zip(smokes, floors, strict=True)]
    cpu_ratios = [smoke / floor for smoke, floor in zip(smoke_cpus, floor_cpus, strict=True)]
    print(
        f"{'ratio smoke / floor (median of the pairs)':<52} {statistics.median(ratios):.2f}x   "
        f"(medians' ratio {statistics.median(smokes) / statistics.median(floors):.2f}x; "
        "target <= 1.3x)"
    )
    print(
        f"{'CPU to the first paint, smoke / floor':<52} {statistics.median(cpu_ratios):.2f}x   "
        f"({statistics.median(smoke_cpus):.3f} s / {statistics.median(floor_cpus):.3f} s, "
        "medians; all threads; moves less with the load)"
    )
    if ratio_only:
        return

    from app.db.database import ProfileDatabase

    def open_once(create: bool) -> float:
        folder = Path(tempfile.mkdtemp(dir=scratch))
        db_file = folder / "studydesk.sqlite3"
        if not create:
            ProfileDatabase.open(db_file, folder / "backups", create=True).close()
        start = time.perf_counter()
        database = ProfileDatabase.open(db_file, folder / "backups", create=create)
        with database.read_session() as session:
            session.connection()
        elapsed = time.perf_counter() - start
        database.close()
        return elapsed

    open_once(True)  # warm imports (Alembic) so the figures are about the file work
    for label, create in (
        ("create + upgrade a new profile file", True),
        ("open a profile at head", False),
    ):
        times = [open_once(create) for _ in range(RUNS)]
        show(f"in-process: {label}", (statistics.median(times), times))


if __name__ == "__main__":
    main()
