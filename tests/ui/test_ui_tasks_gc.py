"""Qt objects left in reference cycles die on the GUI thread, never in a worker's collection.

CPython collects cycles on whichever thread allocates when a generation is full; the runner's
threads allocate the most. A QObject destroyed there while the GUI thread runs one of its timers
crashed CI (SIGSEGV: the GUI thread in a shut-down runner's `release_reads`, a write thread
opening a profile). The runner therefore has the GUI thread do the collecting while it is open.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.progress import Progress
from app.ui.tasks import TaskRunner

WAIT_MS = 10_000


def make_cycles(count: int) -> None:
    """Garbage only the cycle collector frees (as ORM objects and their states are): what
    makes a generation full and a collection due."""
    for _ in range(count):
        cycle: list[object] = []
        cycle.append(cycle)


class Leftover(QObject):
    """A GUI-thread object that only the cycle collector can free (as a closed test's runner)."""

    def __init__(self) -> None:
        super().__init__()
        self.me = self


def leave_garbage(destroyed_on: list[str]) -> None:
    leftover = Leftover()
    leftover.destroyed.connect(
        lambda: destroyed_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )


@pytest.fixture
def open_runner(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown(timeout=10)


def test_a_qt_object_in_a_cycle_is_destroyed_on_the_gui_thread_while_a_worker_allocates(
    qtbot: QtBot, open_runner: TaskRunner
) -> None:
    go, allocated = threading.Event(), threading.Event()

    def allocate(_progress: Progress) -> None:
        go.wait(WAIT_MS / 1000)
        make_cycles(20_000)  # as an opening profile loads its samples: many collections' worth
        allocated.set()

    open_runner.run_write(allocate, label="")
    destroyed_on: list[str] = []
    gc.collect()  # the leftover is all the garbage there is, and the youngest
    leave_garbage(destroyed_on)
    go.set()
    assert allocated.wait(WAIT_MS / 1000)  # the GUI thread allocates nothing meanwhile
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=WAIT_MS)
    assert destroyed_on == [threading.main_thread().name]


def test_collection_is_automatic_again_once_the_runners_are_shut_down_or_gone(
    qapp: QApplication,
) -> None:
    gc.collect()  # earlier tests' runners that were never shut down are finalized
    before = gc.get_threshold()
    first, second = TaskRunner(), TaskRunner()
    assert gc.get_threshold()[0] == 0  # no collection on whichever thread allocates
    first.shutdown(timeout=10)
    assert gc.get_threshold()[0] == 0  # the other runner is still open
    del second  # never shut down: it counts until it is garbage
    gc.collect()
    assert gc.get_threshold() == before
    first.shutdown(timeout=10)  # a second shutdown changes nothing
    assert gc.get_threshold() == before


def test_a_paused_collector_stays_paused(qtbot: QtBot, open_runner: TaskRunner) -> None:
    """Start-up and a large import pause the collector (gc.disable); the GUI thread's turns
    then collect nothing."""
    destroyed_on: list[str] = []
    gc.collect()
    gc.disable()
    try:
        leave_garbage(destroyed_on)
        make_cycles(20_000)
        qtbot.wait(1200)  # two of the GUI thread's turns at least
        assert destroyed_on == []
    finally:
        gc.enable()
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=WAIT_MS)
    assert destroyed_on == [threading.main_thread().name]


# The CI crash itself, in a child process (a segfault would end this one): runners shut down and
# left in cycles, each with its launch-time `QTimer.singleShot(ms, runner, runner.release_reads)`
# pending, while a live runner's write thread fills generation 0 with cyclic garbage. Before the
# collector was kept on the GUI thread this died within a few seconds (SIGSEGV, the GUI thread
# in `release_reads`, "Garbage-collecting").
CRASH = """
import sys, time
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from app.ui.tasks import TaskRunner

app = QApplication([])
SECONDS = float(sys.argv[1])


def fill(_progress):
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        for _ in range(2000):
            cycle = []
            cycle.append(cycle)


live = TaskRunner()
done = []
live.run_write(fill, label="", on_finally=lambda: done.append(True))
while not done:
    old = TaskRunner()
    old.me = old
    for delay in range(3):
        QTimer.singleShot(delay, old, old.release_reads)
    del old
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
live.shutdown()
print("survived")
"""


def test_runners_left_in_cycles_with_their_release_timers_survive_a_busy_worker(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    ran = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", CRASH, "3"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "survived" in ran.stdout
