"""The task runner and its status bar widget: work off the GUI thread, in order, cancellable."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import click

from app.core.changes import Change
from app.core.progress import Progress
from app.errors import UserError
from app.ui.status import ElidedLabel, TaskStatus
from app.ui.tasks import TaskRunner

WAIT_MS = 10_000


def test_writes_run_in_order_on_one_thread_that_is_not_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    ran: list[tuple[int, int]] = []
    delivered: list[int] = []

    def write(number: int) -> Callable[[Progress], int]:
        def work(_progress: Progress) -> int:
            time.sleep(0.01 * (5 - number))  # later writes are quicker: order must still hold
            ran.append((number, threading.get_ident()))
            return number

        return work

    handles = [
        runner.run_write(write(n), label=f"write {n}", on_done=delivered.append) for n in range(5)
    ]
    qtbot.waitUntil(lambda: all(h.finished for h in handles), timeout=WAIT_MS)
    assert [number for number, _ in ran] == [0, 1, 2, 3, 4]
    assert delivered == [0, 1, 2, 3, 4]
    threads = {thread for _, thread in ran}
    assert len(threads) == 1
    assert threading.get_ident() not in threads


def test_reads_run_beside_a_long_write(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    runner.run_write(lambda _p: release.wait(5), label="long write")
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        read = runner.run_read(lambda _p: "read result", label="read")
    assert read.finished and not release.is_set()
    release.set()


def test_progress_reaches_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[tuple[int, int, str]] = []
    runner.task_progress.connect(
        lambda _id, done, total, message: seen.append((done, total, message))
    )

    def work(progress: Progress) -> None:
        progress.set_total(3, "Copying")
        for step in range(3):
            time.sleep(0.06)
            progress.advance(message=f"Copying part {step + 1}")

    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run_write(work, label="Copying")
    assert seen[0] == (0, 3, "Copying")
    assert seen[-1] == (3, 3, "Copying part 3")


def test_cancelled_work_announces_no_change(qtbot: QtBot, runner: TaskRunner) -> None:
    changed: list[Change] = []
    done: list[object] = []
    runner.data_changed.connect(lambda changes, _initiator: changed.append(changes))
    started = threading.Event()

    def work(progress: Progress) -> Change:
        started.set()
        while True:
            progress.check()
            time.sleep(0.01)

    handle = runner.run_write(work, label="Importing", cancellable=True, on_done=done.append)
    queued = runner.run_write(lambda _p: Change.CARDS, label="next", cancellable=True)
    queued.cancel()  # cancelled before it started: it never runs
    assert started.wait(5)
    with qtbot.waitSignal(runner.task_cancelled, timeout=WAIT_MS) as cancelled:
        handle.cancel()
    assert cancelled.args == [handle.id]
    qtbot.waitUntil(lambda: queued.finished, timeout=WAIT_MS)
    assert changed == [] and done == []


def test_on_cancelled_runs_for_cancelled_work_only(qtbot: QtBot, runner: TaskRunner) -> None:
    told: list[str] = []
    started = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        while True:
            progress.check()
            time.sleep(0.01)

    stopped = runner.run_write(
        work,
        label="Importing",
        cancellable=True,
        on_cancelled=lambda: told.append("cancelled"),
        on_finally=lambda: told.append("finally"),
    )
    assert started.wait(5)
    with qtbot.waitSignal(runner.task_cancelled, timeout=WAIT_MS):
        stopped.cancel()
    assert told == ["cancelled", "finally"]

    told.clear()
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run_read(
            lambda _p: 1, on_done=told.append, on_cancelled=lambda: told.append("cancelled")
        )
    assert told == [1]


def test_a_user_error_reaches_on_error_or_the_user_error_signal(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    def fail(_progress: Progress) -> None:
        raise UserError("The file notes.csv has no header row.")

    errors: list[UserError] = []
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run_write(fail, label="Importing", on_error=errors.append)
    assert [str(e) for e in errors] == ["The file notes.csv has no header row."]

    with qtbot.waitSignal(runner.user_error, timeout=WAIT_MS) as shown:
        runner.run_write(fail, label="Importing")
    assert shown.args == ["The file notes.csv has no header row."]


def test_a_bug_is_logged_with_its_traceback_and_reported(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_progress: Progress) -> None:
        raise KeyError("missing")

    with caplog.at_level(logging.ERROR), qtbot.waitSignal(runner.task_failed) as failed:
        runner.run_write(broken, label="Saving")
    assert "KeyError" in failed.args[1]
    assert any(r.exc_info and "Saving" in r.getMessage() for r in caplog.records)


@dataclass(frozen=True)
class Saved:
    changes: Change


def test_writes_announce_what_they_changed(qtbot: QtBot, runner: TaskRunner) -> None:
    with qtbot.waitSignal(runner.data_changed, timeout=WAIT_MS) as plain:
        runner.run_write(lambda _p: Change.CARDS, label="Saving")
    assert plain.args[0] & Change.CARDS
    with qtbot.waitSignal(runner.data_changed, timeout=WAIT_MS) as wrapped:
        runner.run_write(lambda _p: Saved(Change.NOTES), label="Saving")
    assert wrapped.args[0] & Change.NOTES


def test_shutdown_waits_for_queued_writes(runner: TaskRunner) -> None:
    finished: list[int] = []
    for number in range(3):
        runner.run_write(
            lambda _p, n=number: (time.sleep(0.05), finished.append(n)), label="saving"
        )
    assert runner.shutdown(timeout=10)
    assert finished == [0, 1, 2]


def test_what_a_task_holds_is_let_go_of_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work and its callbacks may hold the last reference to a widget (a dialog closed while
    its work runs). Let go of on a worker thread, a Qt object is destroyed there and the app
    crashes; the runner makes the GUI thread the one that lets go last, whether the work
    returns or raises (an exception's traceback holds the work's frames)."""
    from concurrent.futures import thread as futures_thread

    import app.ui.tasks as tasks_module

    # Each worker lingers after a task, as a descheduled thread would, so that the GUI thread
    # is done with the task first and whatever the worker still holds is let go of last there.
    real_run = futures_thread._WorkItem.run

    def run_then_linger(item: object) -> None:
        real_run(item)  # type: ignore[arg-type]
        time.sleep(0.05)

    monkeypatch.setattr(futures_thread._WorkItem, "run", run_then_linger)
    # The runner logs a UserError with the error as an argument, and the test's log capture
    # would keep that record (and so the error's frames) past the test's checks.
    monkeypatch.setattr(tasks_module.log, "disabled", True)
    released: list[str] = []
    ended: list[object] = []

    class Holder:  # stands in for a widget: records the thread it was freed on
        def __del__(self) -> None:
            released.append(threading.current_thread().name)

        def finished(self, value: object) -> None:
            ended.append(type(value).__name__)  # not the error itself: it holds frames

    def fails(holder: Holder) -> None:
        raise UserError(f"no luck for {id(holder)}")

    for n in range(6):
        holder = Holder()
        if n % 2:
            runner.run_read(lambda _p, h=holder: fails(h), on_error=holder.finished)
        else:
            runner.run_read(lambda _p, h=holder: id(h), on_done=holder.finished)
        del holder  # the caller lets go at once; only the task holds it now
        qtbot.waitUntil(lambda n=n: len(ended) == n + 1 and len(released) == n + 1, timeout=WAIT_MS)
    assert set(released) == {threading.main_thread().name}


def test_shutdown_waits_for_the_worker_threads_too(runner: TaskRunner) -> None:
    started = threading.Event()
    runner.run_read(lambda _p: (started.set(), time.sleep(0.2)))
    started.wait(5)
    assert runner.shutdown(timeout=10)
    alive = [t.name for t in threading.enumerate() if t.name.startswith("studydesk-")]
    assert alive == []


def test_the_status_bar_shows_long_work_and_cancels_it(qtbot: QtBot, runner: TaskRunner) -> None:
    status = TaskStatus(runner)
    qtbot.addWidget(status)

    def work(progress: Progress) -> None:
        progress.set_total(0, "reading cards.csv")
        while True:
            progress.check()
            time.sleep(0.01)

    runner.run_write(work, label="Importing cards", cancellable=True)
    qtbot.waitUntil(status.isVisible, timeout=WAIT_MS)
    assert status.label.text().startswith("Importing cards")
    assert status.bar.maximum() == 0  # size unknown: a busy bar
    assert status.cancel_button.isVisible()
    with qtbot.waitSignal(runner.task_cancelled, timeout=WAIT_MS):
        click(qtbot, status.cancel_button)
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=WAIT_MS)


def test_quick_work_never_shows_in_the_status_bar(qtbot: QtBot, runner: TaskRunner) -> None:
    status = TaskStatus(runner)
    qtbot.addWidget(status)
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run_write(lambda _p: None, label="Saving")
    qtbot.wait(400)
    assert not status.isVisible()


def test_a_long_task_name_is_shortened_in_the_middle_and_the_step_stays_whole(
    qtbot: QtBot,
) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    name = "Importing Spanish vocabulary - 5000 most common words (frequency deck, 2024).apkg"
    text = f"{name} — Reading cards (1,000 of 26,000)"
    label.setText(text)
    metrics = label.fontMetrics()
    label.resize(metrics.horizontalAdvance(text) + 10, 24)
    assert label.shown_text() == text
    label.resize(metrics.horizontalAdvance(text) * 2 // 3, 24)
    shown = label.shown_text()
    assert shown.startswith("Importing Spanish") and "…" in shown
    assert shown.endswith(" — Reading cards (1,000 of 26,000)")
    assert metrics.horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.text() == label.toolTip() == text  # the whole text stays readable
    label.resize(60, 24)  # not even the step fits: the end is cut instead
    assert label.shown_text().endswith("…")
    assert label.minimumSizeHint().width() <= 120
