"""Reads held until the main window's first paint (TaskRunner.hold_reads): the launch paints the
window before the views' reads take the GIL from it, and loses none of them."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from app.core.progress import Progress
from app.ui.tasks import TaskRunner

WAIT_MS = 10_000


def test_held_reads_start_on_release_in_order_and_writes_never_wait(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    started: list[str] = []
    delivered: list[str] = []

    def read(name: str):  # type: ignore[no-untyped-def]
        def work(_progress: Progress) -> str:
            started.append(name)
            return name

        return work

    runner.hold_reads()
    handles = [runner.run_read(read(n), on_done=delivered.append) for n in ("a", "b", "c")]
    write = runner.run_write(lambda _p: "written", label="a write")
    qtbot.waitUntil(lambda: write.finished, timeout=WAIT_MS)
    time.sleep(0.05)
    qtbot.wait(10)
    assert started == [] and delivered == []  # a write ran; the reads wait
    assert not any(handle.finished for handle in handles)
    runner.release_reads()
    qtbot.waitUntil(lambda: all(handle.finished for handle in handles), timeout=WAIT_MS)
    assert sorted(delivered) == ["a", "b", "c"]
    # Released: reads start at once again.
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run_read(read("d"))
    assert started[-1] == "d"


def test_a_held_read_cancelled_before_release_does_not_run(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    ran = threading.Event()
    cancelled: list[bool] = []
    runner.hold_reads()
    handle = runner.run_read(
        lambda _p: ran.set(), cancellable=True, on_cancelled=lambda: cancelled.append(True)
    )
    handle.cancel()
    runner.release_reads()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert cancelled == [True] and not ran.is_set()


def test_shutting_down_with_reads_held_drops_them(qtbot: QtBot) -> None:
    runner = TaskRunner()
    ran = threading.Event()
    runner.hold_reads()
    runner.run_read(lambda _p: ran.set())
    assert runner.shutdown(timeout=5)
    runner.release_reads()  # after shutdown: nothing starts
    qtbot.wait(50)
    assert not ran.is_set()
