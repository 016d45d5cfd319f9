"""What the learner waits in the Review view: from the answer key to the next card on screen.

Run on its own (not part of the test suite), offscreen or under Xvfb:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_review_gui.py [--cards 20000]

Builds a profile with a generated review history, shows the real Review view, and for each
answer presses Space then 3 (Good) and times the key press to the pane's `step_shown` (the next
card's markdown rendered), with a short pause between answers as a learner's reading time. The
answer is committed (with an fsync) before the next card comes back; also printed: when that
commit was done and when the answer was announced to the other views.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "flashcards"))

from flashcard_helpers import generate_profile  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer, SignalInstance  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.flashcards.review_loop import ReviewLoop  # noqa: E402


class Waiter:
    """Runs Qt's event loop until a condition holds, woken by the signals given (and every
    20 ms): the GUI thread idles in Qt as in the app, leaving the GIL to the write thread. (A
    loop of `processEvents` calls would keep the GIL on the GUI thread, and the write thread
    would wait for it at every SQLite call: milliseconds the learner never waits.)"""

    def __init__(self) -> None:
        self._loop = QEventLoop()
        self._done: Callable[[], bool] = lambda: True
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._check)

    def wake_on(self, *signals: SignalInstance) -> None:
        for signal in signals:
            signal.connect(self._check)

    def _check(self, *_args: object) -> None:
        if self._done():
            self._loop.quit()

    def until(self, done: Callable[[], bool], timeout: float = 10.0) -> None:
        end = time.perf_counter() + timeout
        self._done = lambda: done() or time.perf_counter() > end
        if not done():
            self._timer.start()
            self._loop.exec()
            self._timer.stop()
        if not done():
            raise TimeoutError("the Review view did not respond")


def pause(app: QApplication, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--answers", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        import os

        os.environ["STUDYDESK_DATA_DIR"] = scratch
        app = QApplication.instance() or QApplication([])
        from app.core.opening import open_profile
        from app.core.profiles import create_profile
        from app.logs import setup_logging
        from app.paths import data_locations
        from app.ui.context import ViewContext
        from app.ui.device_settings import DeviceSettings
        from app.ui.error_dialog import ErrorReporter
        from app.ui.review.view import ReviewView
        from app.ui.tasks import TaskRunner
        from app.ui.theme import Appearance

        locations = data_locations()
        opened = open_profile(locations, create_profile(locations, "Bench"))
        now = datetime.now().astimezone()
        start = time.perf_counter()
        generated = generate_profile(
            opened.database, cards=args.cards, days=args.days, new_per_day=40, now=now
        )
        print(
            f"profile: {len(generated.card_ids):,} cards, {generated.reviews:,} reviews "
            f"(generated in {time.perf_counter() - start:.0f} s)"
        )
        runner = TaskRunner()
        appearance = Appearance(app)  # type: ignore[arg-type]
        appearance.apply_theme("light")
        context = ViewContext(
            locations,
            runner,
            opened,
            DeviceSettings(locations),
            appearance,
            ErrorReporter(setup_logging(locations)),
        )
        start = time.perf_counter()
        view = ReviewView(context)
        view.resize(1000, 660)
        view.show()
        pane = view.pane
        waiter = Waiter()
        waiter.wake_on(pane.step_shown, runner.data_changed, runner.task_finished)
        waiter.until(lambda: pane.step is not None)
        print(f"Review view built and first card on screen: {ms(time.perf_counter() - start)}")
        shown_at: list[float] = []
        pane.step_shown.connect(lambda: shown_at.append(time.perf_counter()))
        announced_at: list[float] = []
        runner.data_changed.connect(lambda _changes: announced_at.append(time.perf_counter()))
        # When each commit (with its fsync) returns, on the write thread.
        committed_at: list[float] = []
        real_commit = ReviewLoop._commit

        def timed_commit(loop: ReviewLoop) -> None:
            real_commit(loop)
            committed_at.append(time.perf_counter())

        ReviewLoop._commit = timed_commit  # type: ignore[method-assign]
        waits = []
        durable = []
        settles = []
        for _ in range(args.answers):
            if pane.card is None:
                break
            QTest.keyClick(pane, Qt.Key.Key_Space)
            pause(app, 0.05)  # reading the back
            shown_at.clear()
            announced_at.clear()
            committed_at.clear()
            start = time.perf_counter()
            QTest.keyClick(pane, Qt.Key.Key_3)
            waiter.until(lambda: bool(shown_at))
            waits.append(shown_at[0] - start)
            waiter.until(lambda: bool(announced_at))
            settles.append(announced_at[0] - start)
            durable.append(committed_at[0] - start)
            waiter.until(lambda: not runner.busy)  # the deck list's refresh, too
        ordered = sorted(waits)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(
            f"key press -> next card on screen ({len(waits)}): median "
            f"{ms(statistics.median(waits))}  p95 {ms(p95)}"
        )
        print(f"key press -> answer on disk (fsync done): median {ms(statistics.median(durable))}")
        print(
            f"key press -> answer committed and announced: median {ms(statistics.median(settles))}"
        )
        view.close()
        runner.shutdown(timeout=10)
        opened.close()
    return 0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
