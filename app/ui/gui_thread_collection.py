"""Garbage collection on the GUI thread while a task runner is open (see GuiThreadCollection).

`TaskRunner` (`app/ui/tasks.py`) says when a runner opens, and when it is shut down or gone.
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal

# How often the GUI thread does the cycle collector's work while runners are open.
COLLECT_EVERY_MS = 500


class GuiThreadCollection(QObject):
    """Python's cycle collector runs on the GUI thread only, while a task runner is open.

    An automatic collection runs on whichever thread happens to allocate when a generation is
    full, and the runner's threads allocate the most (an opening profile loading its samples).
    A Qt object left in a reference cycle (a closed view's helper, a shut-down runner) would
    then be destroyed on that worker thread, not on the GUI thread it lives on, while the GUI
    thread may be running one of its slots or timers: a segfault in the GUI thread (seen in CI:
    the GUI thread in `release_reads` of a runner that a worker's collection was destroying).
    So while a runner is open, automatic collection is off (threshold 0) and a timer here does
    its work, one generation at a time by the same thresholds. A collector someone paused
    (`gc.disable()`: start-up until the first paint, a large import) stays paused: the
    timer then skips."""

    _closed_elsewhere = Signal()  # a runner that was never shut down died on another thread

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self._open = 0
        self._thresholds = gc.get_threshold()
        self._oldest = 0  # objects in the oldest generation after the last full collection
        self._moved_to_oldest = 0  # objects that went there since
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_EVERY_MS)
        self._timer.timeout.connect(self._collect)
        self._closed_elsewhere.connect(self.runner_closed, Qt.ConnectionType.QueuedConnection)

    def runner_opened(self) -> None:
        if self._open == 0:
            self._thresholds = gc.get_threshold()
            gc.set_threshold(0, *self._thresholds[1:])
            self._timer.start()
        self._open += 1

    def runner_closed(self) -> None:
        """Also run (once) for a runner never shut down, when it is garbage."""
        if QThread.currentThread() != self.thread():
            self._closed_elsewhere.emit()
            return
        self._open -= 1
        if self._open == 0:
            self._timer.stop()
            gc.set_threshold(*self._thresholds)

    def _collect(self) -> None:
        """What CPython's automatic collection would do now: collect the oldest generation that
        is full, a full collection only once the objects moved to the oldest generation since the
        last one are a quarter of those it held then (else a big heap is walked again and again)."""
        if not gc.isenabled():
            return
        counts = gc.get_count()
        full, middle, young = (counts[g] > self._thresholds[g] for g in (2, 1, 0))
        if full and self._moved_to_oldest > self._oldest / 4:
            gc.collect(2)
            self._oldest, self._moved_to_oldest = len(gc.get_objects(2)), 0
        elif middle:
            young_objects = len(gc.get_objects(0)) + len(gc.get_objects(1))
            self._moved_to_oldest += max(0, young_objects - gc.collect(1))
        elif young:
            gc.collect(0)


_collection: GuiThreadCollection | None = None


def gui_thread_collection() -> GuiThreadCollection:
    """The application's one collection (a new one once the application it lived in is gone)."""
    global _collection
    if _collection is None or not shiboken6.isValid(_collection):
        _collection = GuiThreadCollection()
    return _collection


def runner_closed(collection: GuiThreadCollection) -> None:
    if shiboken6.isValid(collection):  # not after the application is gone
        collection.runner_closed()
