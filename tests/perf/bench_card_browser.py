"""Card browser benchmark: the lazy table over a 100,000-card profile, as the learner sees it.

Run on its own (not part of the test suite):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_card_browser.py [--cards 100000]

Prints the time from setting a filter to the first rows painted (ids query + first block in one
background read, then a paint), the time to show the rows after jumping to the end (one or two
200-row blocks), and how many `card_rows` reads each took.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cards_helpers import fill_cards  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

import app.core.flashcards.reads as cards_data  # noqa: E402
from app.core.flashcards.browser import CardFilter, SortKey  # noqa: E402
from app.core.opening import open_profile  # noqa: E402
from app.core.profiles import create_profile  # noqa: E402
from app.paths import data_locations  # noqa: E402
from app.ui.cards.model import DUE, CardTableModel  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402


class PaintClock(QObject):
    def __init__(self, ready: Callable[[], bool]) -> None:
        super().__init__()
        self.ready = ready
        self.at: float | None = None

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None and self.ready():
            self.at = time.perf_counter()
        return False


def wait_for(app: QApplication, done: Callable[[], bool], limit: float = 30.0) -> None:
    end = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the browser did not answer in time")
        app.processEvents()
        time.sleep(0.001)


def painted_after(
    app: QApplication, table: QTableView, ready: Callable[[], bool], act: Callable[[], None]
) -> float:
    clock = PaintClock(ready)
    table.viewport().installEventFilter(clock)
    start = time.perf_counter()
    act()
    wait_for(app, lambda: clock.at is not None)
    table.viewport().removeEventFilter(clock)
    assert clock.at is not None
    return clock.at - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication([])
    calls: list[int] = []
    real = cards_data.card_rows
    cards_data.card_rows = lambda s, ids, now: (calls.append(len(ids)), real(s, ids, now))[1]  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["STUDYDESK_DATA_DIR"] = scratch
        locations = data_locations()
        opened = open_profile(locations, create_profile(locations, "Bench"))
        start = time.perf_counter()
        fill_cards(opened.database, args.cards)
        print(f"profile: {args.cards:,} cards (made in {time.perf_counter() - start:.1f} s)")
        runner = TaskRunner()
        model = CardTableModel(runner, opened)
        table = QTableView()
        table.setModel(model)
        table.resize(1200, 700)
        table.show()

        def first_ready() -> bool:
            return not model.loading and model.cached_row(0) is not None

        for label, act in (
            ("first page, no filter (cold)", lambda: model.refresh()),
            ("first page, state=review", lambda: model.set_filter(CardFilter(state="review"))),
            ("first page, text 'topic 42'", lambda: model.set_filter(CardFilter(text="topic 42"))),
            ("first page, no filter (warm)", lambda: model.set_filter(CardFilter())),
            ("sort by due, first page", lambda: model.sort(DUE)),
        ):
            calls.clear()
            seconds = painted_after(app, table, first_ready, act)
            print(f"{label:<32} {seconds * 1000:7.1f} ms   rows {model.rowCount():>7,}"
                  f"   card_rows reads {len(calls)}")  # fmt: skip
        assert model.card_sort.key == SortKey.DUE

        last = model.rowCount() - 1
        calls.clear()
        seconds = painted_after(
            app, table, lambda: model.cached_row(last) is not None, table.scrollToBottom
        )
        print(f"{'scroll to the end, rows shown':<32} {seconds * 1000:7.1f} ms"
              f"   card_rows reads {len(calls)} ({sum(calls)} rows)")  # fmt: skip
        calls.clear()
        middle = model.rowCount() // 2
        seconds = painted_after(
            app,
            table,
            lambda: model.cached_row(middle) is not None,
            lambda: table.scrollTo(model.index(middle, 0)),
        )
        print(f"{'jump to the middle, rows shown':<32} {seconds * 1000:7.1f} ms"
              f"   card_rows reads {len(calls)} ({sum(calls)} rows)")  # fmt: skip
        runner.shutdown()
        opened.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
