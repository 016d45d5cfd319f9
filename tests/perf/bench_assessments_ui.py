"""What the learner waits for while taking a block: from the key press (N) to the next question
painted, on a bank of 20,000 questions, in a 40-question timed block.

Run on its own (not part of the test suite), offscreen or under Xvfb:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_assessments_ui.py \
        [--questions 20000] [--rounds 3]

Times the key press to the page painted (`repaint()` returns once the widgets are drawn), the
move event then written on the write thread (not waited for by the paint), and, for scale, the
bank browser's first page and the builder's matching count as the view reads them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "assessments"))

from assessment_helpers import make_questions  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def idle(app: QApplication, runner: object, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        app.processEvents()
        if not runner.busy:  # type: ignore[attr-defined]
            break
        time.sleep(0.002)
    app.processEvents()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        import os

        os.environ["STUDYDESK_DATA_DIR"] = str(Path(folder) / "data")
        app = QApplication.instance() or QApplication([])
        from app.core.assessments.blocks import create_block
        from app.core.assessments.blueprints import Blueprint
        from app.core.opening import open_profile
        from app.core.profiles import create_profile
        from app.features import install_samples
        from app.logs import setup_logging
        from app.paths import data_locations
        from app.ui.assessments.view import AssessmentsView
        from app.ui.context import ViewContext
        from app.ui.device_settings import DeviceSettings
        from app.ui.error_dialog import ErrorReporter
        from app.ui.tasks import TaskRunner
        from app.ui.theme import Appearance

        install_samples()
        locations = data_locations()
        opened = open_profile(locations, create_profile(locations, "Bench"))
        started = time.perf_counter()
        for start in range(0, args.questions, 5000):
            make_questions(opened.database, min(5000, args.questions - start), start=start)
        print(f"bank of {args.questions:,} questions made in {time.perf_counter() - started:.1f} s")
        runner = TaskRunner()
        context = ViewContext(
            locations,
            runner,
            opened,
            DeviceSettings(locations),
            Appearance(app),
            ErrorReporter(setup_logging(locations)),
        )
        t0 = time.perf_counter()
        view = AssessmentsView(context)
        view.resize(1000, 650)
        view.show()
        idle(app, runner)
        shown = (time.perf_counter() - t0) * 1000
        print(f"view shown with its first bank page and facets: {shown:.0f} ms")

        paints: list[float] = []
        writes: list[float] = []
        for round_ in range(args.rounds):
            made = create_block(opened.database, Blueprint(count=40, mode="timed"), seed=round_)
            view.take_block(made.block_id)
            idle(app, runner)
            page = view.taking
            for _ in range(39):
                QTest.keyClick(page, Qt.Key.Key_B)  # an answer, written behind the paint
                idle(app, runner)
                time.sleep(0.01)  # the learner reads
                began = time.perf_counter()
                QTest.keyClick(page, Qt.Key.Key_N)
                page.repaint()
                paints.append((time.perf_counter() - began) * 1000)
                idle(app, runner)
                writes.append((time.perf_counter() - began) * 1000)
            page.submit()
            idle(app, runner)
        print(
            f"next question painted (key N to drawn), {len(paints)} moves: "
            f"median {statistics.median(paints):.2f} ms, p95 {percentile(paints, 0.95):.2f} ms, "
            f"max {max(paints):.2f} ms (budget 16 ms)"
        )
        print(
            f"  with its move event committed (fsync) as well: median "
            f"{statistics.median(writes):.2f} ms, p95 {percentile(writes, 0.95):.2f} ms"
        )
        runner.shutdown()
        view.close()
        opened.close()


if __name__ == "__main__":
    main()
