"""Planner UI benchmark: what the learner waits for, timed from the window's side.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_planner_ui.py [--cards 100000] [--runs 5]

On bench_planner's profile (1,000 lessons, 500 videos, 20,000 questions, `--cards` cards, a
180-day plan), prints medians (and the best) of:
- the Planner view re-planning after a change: the read asked on the GUI thread until the
  schedule, calendar, burn-down and ways out are shown (the read runs on the worker);
- the Today section: today's tasks asked until shown;
- a what-if answer after the slider moves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

from bench_planner import NOW, build  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.ui.navigation import Navigator  # noqa: E402
from app.ui.planner import common  # noqa: E402
from app.ui.planner.today_section import PlanTodaySection  # noqa: E402
from app.ui.planner.view import PlannerView  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402


def wait(app: QApplication, done: Callable[[], bool], seconds: float = 60) -> None:
    end = time.perf_counter() + seconds
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("no answer")
        app.processEvents()
        time.sleep(0.001)


def figures(name: str, times: list[float]) -> None:
    print(f"{name}: median {statistics.median(times):.0f} ms, best {min(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication([])
    common.now = lambda: NOW  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        database, _plan_id = build(Path(tmp), args.cards)
        runner = TaskRunner()
        context = SimpleNamespace(
            runner=runner, opened=SimpleNamespace(database=database), navigator=Navigator()
        )
        view = PlannerView(context)  # type: ignore[arg-type]
        view.resize(1000, 650)
        view.show()
        wait(app, lambda: view.reads > 0)
        replans = []
        for _ in range(args.runs):
            before = view.reads
            view.refresh()
            wait(app, lambda b=before: view.reads > b)  # type: ignore[misc]
            replans.append(view.replan_ms or 0.0)
        figures("Planner view: re-plan asked -> shown", replans)

        view.tabs.setCurrentIndex(3)
        what_ifs = []
        for value in (600, 480, 420, 360, 300)[: args.runs]:
            answered = view.fit.answered
            started = time.perf_counter()
            view.fit.slider.setValue(value)
            wait(app, lambda a=answered: view.fit.answered > a)  # type: ignore[misc]
            what_ifs.append((time.perf_counter() - started) * 1000)
        figures("What-if: slider moved -> finish date shown", what_ifs)

        host = QWidget()
        section = PlanTodaySection(context, host)  # type: ignore[arg-type]
        host.show()
        wait(app, lambda: section.reads > 0)
        first = section.read_ms or 0.0
        reads = []
        for _ in range(args.runs):
            before = section.reads
            section.refresh()
            wait(app, lambda b=before: section.reads > b)  # type: ignore[misc]
            reads.append(section.read_ms or 0.0)
        print(f"Today section: first read of the day {first:.0f} ms")
        figures("Today section: today's tasks asked -> shown", reads)
        runner.shutdown(timeout=30)
        database.close()


if __name__ == "__main__":
    main()
