"""Startup benchmarks: cold start to the first painted window, and opening a profile.

Run on its own (not part of the test suite):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_startup.py

Prints the median of 5 runs for each figure, next to the floor of this machine (a bare Qt window
and a bare SQLAlchemy import in fresh interpreters). Target: under 0.6 s median for an empty
profile on a 2-core machine.
"""

from __future__ import annotations

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
ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
ENV["PYTHONPATH"] = str(ROOT)

BARE_WINDOW = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(900, 600); w.show(); app.processEvents()
"""


def timed(argv: list[str]) -> float:
    """Seconds from just before the process starts to its exit, or, for `--smoke`, to the
    moment it reports its first painted window (its own exit and teardown are not counted)."""
    start_epoch = time.time()
    start = time.perf_counter()
    result = subprocess.run(argv, env=ENV, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{argv} failed ({result.returncode}):\n{result.stderr}")
    match = re.search(r"painted its window \(epoch ([0-9.]+)\)", result.stdout)
    if "--smoke" in argv:
        if match is None:
            raise SystemExit(f"{argv} did not report its first paint:\n{result.stdout}")
        return float(match.group(1)) - start_epoch
    return elapsed


def median_of(make_argv, runs: int = RUNS) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = [timed(make_argv()) for _ in range(runs)]
    return statistics.median(times), times


def show(label: str, figure: tuple[float, list[float]]) -> None:
    median, times = figure
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"{label:<52} median {median:.3f} s   ({runs})")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sd-bench-") as scratch:
        run_all(Path(scratch))


def run_all(scratch: Path) -> None:
    python = sys.executable
    print("Figures are from just before the process starts; for --smoke, to its first painted")
    print("main window (its exit is not counted); for the floors, to the process's exit.")
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={ENV['QT_QPA_PLATFORM']}"
    )
    show("floor: python -c pass", median_of(lambda: [python, "-c", "pass"]))
    show("floor: bare Qt window shown", median_of(lambda: [python, "-c", BARE_WINDOW]))
    show("floor: import sqlalchemy", median_of(lambda: [python, "-c", "import sqlalchemy.orm"]))

    def first_launch() -> list[str]:
        fresh = tempfile.mkdtemp(dir=scratch)
        return [python, "-m", "app", "--data-dir", fresh, "--smoke"]

    show("studydesk --smoke, first launch (new profile)", median_of(first_launch))
    existing = tempfile.mkdtemp(dir=scratch)
    timed([python, "-m", "app", "--data-dir", existing, "--smoke"])
    show(
        "studydesk --smoke, existing empty profile",
        median_of(lambda: [python, "-m", "app", "--data-dir", existing, "--smoke"]),
    )

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
