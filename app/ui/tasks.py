"""The one way the GUI does database and disk work: off the GUI thread, results back on it.

Writes run on a single worker thread in the order they were asked for, so two writes never race
for the SQLite write lock and a later one sees what an earlier one committed. Reads run on a small
pool beside them (WAL lets readers work while a write is in progress). Each piece of work is a
plain function `fn(progress) -> result` that may call `progress.check()` to honour a cancel; its
outcome comes back to the GUI thread through queued signals, never by the worker touching widgets.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from app.core.changes import Change, changes_of
from app.core.progress import Progress
from app.errors import Cancelled, UserError
from app.ui.gui_thread_collection import gui_thread_collection, runner_closed

log = logging.getLogger(__name__)

WorkFn = Callable[[Progress], Any]
# Progress from a tight loop would flood the GUI thread with queued signals.
PROGRESS_INTERVAL = 0.05
READ_THREADS = 3


class TaskHandle:
    """What the caller keeps of a piece of work: its id, label and a way to cancel it."""

    def __init__(self, task_id: int, label: str, cancellable: bool, progress: Progress) -> None:
        self.id = task_id
        self.label = label
        self.cancellable = cancellable
        self.progress = progress
        self.finished = False

    def cancel(self) -> None:
        """Ask the work to stop; it rolls back at its next `progress.check()`."""
        if self.cancellable and not self.finished:
            self.progress.cancel()


@dataclass
class _Job:
    """What a worker thread holds of a task: the work, never the callbacks or their widgets.

    A Python reference dropped last on a worker thread would destroy its Qt object there, which
    crashes. So the worker lets go of `fn` before it reports (after that only the GUI thread
    holds it), and the callbacks and owner stay in the GUI thread's `_Task`."""

    task_id: int
    label: str
    fn: WorkFn | None
    progress: Progress


@dataclass
class _Task:
    handle: TaskHandle
    fn: WorkFn  # kept here too, so that the GUI thread is the one that lets go of it last
    writes: bool
    on_done: Callable[[Any], None] | None
    on_error: Callable[[UserError], None] | None
    on_cancelled: Callable[[], None] | None
    on_finally: Callable[[], None] | None
    owner: QObject | None
    initiator: object
    latest: tuple[int, str] | None = None  # see run_read
    future: Future[None] | None = None


class TaskRunner(QObject):
    """Runs work off the GUI thread. Create it, and call every method, on the GUI thread.

    Signals (all delivered on the GUI thread):
    - task_started(id, label): the work began on its worker.
    - task_progress(id, done, total, message): total 0 means the size is unknown.
    - task_finished(id): always last, whatever the outcome.
    - task_cancelled(id): the work stopped at the learner's request; nothing was written.
    - task_failed(id, summary): a bug; the traceback is already in the log.
    - user_error(message): a UserError from work that gave no `on_error`.
    - data_changed(Change, initiator): a write committed; views refresh what it touches
      (`app/ui/refresh.py`). `initiator` is the object that asked for the write, or None.
    """

    task_started = Signal(int, str)
    task_progress = Signal(int, int, int, str)
    task_finished = Signal(int)
    task_cancelled = Signal(int)
    task_failed = Signal(int, str)
    user_error = Signal(str)
    data_changed = Signal(object, object)

    # Emitted on worker threads; queued to the GUI thread where this object lives.
    _began = Signal(int)
    _progressed = Signal(int, int, int, str)
    _delivered = Signal(int)  # the outcome waits in `_outcomes` (see _execute)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studydesk-write")
        self._readers = ThreadPoolExecutor(
            max_workers=READ_THREADS, thread_name_prefix="studydesk-read"
        )
        self._ids = itertools.count(1)
        self._tasks: dict[int, _Task] = {}
        self._outcomes: dict[int, tuple[str, object]] = {}
        self._outcomes_lock = threading.Lock()
        self._closed = False
        self._held_reads: list[tuple[_Task, _Job]] | None = None  # see hold_reads
        self._newest: dict[tuple[int, str], int] = {}  # see run_read's `latest`
        queued = Qt.ConnectionType.QueuedConnection
        self._began.connect(self._on_began, queued)
        self._progressed.connect(self._on_progressed, queued)
        self._delivered.connect(self._on_delivered, queued)
        # Garbage is collected on this (the GUI) thread until shutdown, see GuiThreadCollection.
        collection = gui_thread_collection()
        collection.runner_opened()
        self._collected_on_gui_thread = weakref.finalize(self, runner_closed, collection)
        self._collected_on_gui_thread.atexit = False

    def run_write(
        self,
        fn: WorkFn,
        *,
        label: str,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[UserError], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_finally: Callable[[], None] | None = None,
        cancellable: bool = False,
        owner: QObject | None = None,
        initiator: object = None,
    ) -> TaskHandle:
        """Queue `fn` behind every earlier write. A result that is (or has `.changes`) a
        non-empty `Change` is announced with `data_changed` right after `on_done` has run
        (so the caller can update what it holds before views refresh), even if `on_done` fails.

        `on_cancelled` runs (before `task_cancelled`) when the work stopped at a cancel.
        `owner`: when given and already deleted by the time the work ends, no callback runs.
        An empty `label` keeps quick housekeeping out of the status bar.
        """
        return self._submit(
            fn,
            label,
            True,
            on_done,
            on_error,
            on_cancelled,
            on_finally,
            cancellable,
            owner,
            owner if initiator is None else initiator,
        )

    def run_read(
        self,
        fn: WorkFn,
        *,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[UserError], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_finally: Callable[[], None] | None = None,
        cancellable: bool = False,
        owner: QObject | None = None,
        latest: str | None = None,
    ) -> TaskHandle:
        """Run `fn` on the read pool, beside writes. It must not write.

        `latest` names what the read is for (say "library"): reads run side by side and can
        finish in any order, so only the newest read with the same owner and name answers.
        An older one is asked to stop (skipped if still queued) and its on_done, on_error and
        on_cancelled never run (on_finally does), so a slow read of what the learner typed
        first never replaces the answer to what they typed last.
        """
        if latest is not None and owner is None:
            raise ValueError("a read that keeps only the latest needs an owner")
        key = (id(owner), latest) if latest is not None else None
        if key is not None and (older := self._tasks.get(self._newest.get(key, 0))) is not None:
            older.handle.progress.cancel()  # not yet started: it is skipped
        handle = self._submit(
            fn, label, False, on_done, on_error, on_cancelled, on_finally, cancellable, owner, None
        )
        if key is not None:
            self._newest[key] = handle.id
            self._tasks[handle.id].latest = key
        return handle

    def hold_reads(self) -> None:
        """Queue reads without starting them until `release_reads()`. At launch the main
        window's first paint comes first: the views' reads (and the modules they load) would
        otherwise take the GIL from the GUI thread while it builds and paints the window, and
        they are no sooner done for it. Writes are never held."""
        if self._held_reads is None:
            self._held_reads = []

    def release_reads(self) -> None:
        """Start the reads queued since `hold_reads()`, in the order they were asked for."""
        held, self._held_reads = self._held_reads, None
        for task, job in held or ():
            if not self._closed:
                task.future = self._readers.submit(self._execute, job)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def handle(self, task_id: int) -> TaskHandle | None:
        """The handle of work still queued or running, else None."""
        task = self._tasks.get(task_id)
        return task.handle if task is not None else None

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Stop taking work, cancel what can be cancelled, and wait for queued writes.

        Blocks the GUI thread (it is meant for closing). Returns False if writes were still
        running after `timeout` seconds; writes not yet started by then are dropped.
        Callbacks of work that ends afterwards do not run.
        """
        if self._closed:
            return True
        self._closed = True
        self._held_reads = None  # reads never started: nothing to wait for
        for task in list(self._tasks.values()):
            task.handle.cancel()
            if not task.writes and task.future is not None:
                task.future.cancel()
        writes = [t.future for t in self._tasks.values() if t.writes and t.future is not None]
        deadline = time.monotonic() + timeout
        _, pending = wait_for_futures(writes, timeout=timeout)
        # Then wait for the worker threads themselves (reads still running, and the last moments
        # of finished work), so that none of them drops the last reference to this object.
        stopped = True
        for pool in (self._writer, self._readers):
            closing = threading.Thread(
                target=lambda pool=pool: pool.shutdown(wait=True, cancel_futures=True)
            )
            closing.start()
            closing.join(max(0.0, deadline - time.monotonic()))
            stopped = stopped and not closing.is_alive()
        if pending:
            log.warning("%d write(s) still running after %.0f s at shutdown", len(pending), timeout)
        if stopped:  # none of this runner's threads runs Python any more
            self._collected_on_gui_thread()
        return not pending

    def _submit(
        self,
        fn: WorkFn,
        label: str,
        writes: bool,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[UserError], None] | None,
        on_cancelled: Callable[[], None] | None,
        on_finally: Callable[[], None] | None,
        cancellable: bool,
        owner: QObject | None,
        initiator: object,
    ) -> TaskHandle:
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        task_id = next(self._ids)
        progress = Progress(on_change=self._progress_reporter(task_id))
        handle = TaskHandle(task_id, label, cancellable, progress)
        task = _Task(
            handle, fn, writes, on_done, on_error, on_cancelled, on_finally, owner, initiator
        )
        self._tasks[task_id] = task
        job = _Job(task_id, label, fn, progress)
        if not writes and self._held_reads is not None:
            self._held_reads.append((task, job))
            return handle
        pool = self._writer if writes else self._readers
        task.future = pool.submit(self._execute, job)
        return handle

    def _progress_reporter(self, task_id: int) -> Callable[[int, int, str], None]:
        last_time = 0.0
        last_message = ""
        lock = threading.Lock()

        def report(done: int, total: int, message: str) -> None:
            nonlocal last_time, last_message
            now = time.monotonic()
            with lock:
                finished = total > 0 and done >= total
                recent = now - last_time < PROGRESS_INTERVAL
                if recent and not finished and message == last_message:
                    return
                last_time, last_message = now, message
            self._progressed.emit(task_id, done, total, message)

        return report

    def _execute(self, job: _Job) -> None:
        """Runs on a worker thread: never touches widgets, only emits signals."""
        task_id = job.task_id
        fn, job.fn = job.fn, None
        if fn is None or job.progress.cancelled:
            del fn
            self._deliver(task_id, "cancelled", None)
            return
        self._began.emit(task_id)
        outcome, value = "done", None
        try:
            value = fn(job.progress)
        except Cancelled:
            outcome = "cancelled"
        except UserError as error:
            log.info("%s: %s", job.label or "background work", error)
            outcome, value = "user_error", error
        except Exception as error:
            log.exception("Bug in background work %r", job.label)
            outcome, value = "failed", error
        del fn  # before reporting: see _Job
        with self._outcomes_lock:
            self._outcomes[task_id] = (outcome, value)
        # Not even the result or the exception (whose traceback holds the work's frames) is
        # kept here: the GUI thread takes it from `_outcomes` and is the one to let go of it.
        del value
        self._delivered.emit(task_id)

    def _deliver(self, task_id: int, outcome: str, value: object) -> None:
        with self._outcomes_lock:
            self._outcomes[task_id] = (outcome, value)
        self._delivered.emit(task_id)

    def _on_began(self, task_id: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None and not self._closed:
            self.task_started.emit(task_id, task.handle.label)

    def _on_progressed(self, task_id: int, done: int, total: int, message: str) -> None:
        if task_id in self._tasks and not self._closed:
            self.task_progress.emit(task_id, done, total, message)

    def _on_delivered(self, task_id: int) -> None:
        with self._outcomes_lock:
            outcome, value = self._outcomes.pop(task_id, ("failed", None))
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.handle.finished = True
        # Only the newest read of the same thing answers: an older one delivered before or
        # after it is stale (see run_read).
        newest = task.latest is None or self._newest.get(task.latest) == task_id
        if task.latest is not None and newest:
            del self._newest[task.latest]
        if self._closed:
            return
        alive = task.owner is None or shiboken6.isValid(task.owner)
        answers = alive and newest
        changes = changes_of(value) if task.writes and outcome == "done" else Change.NONE
        try:
            if outcome == "done":
                if task.on_done is not None and answers:
                    task.on_done(value)
            elif outcome == "cancelled":
                if task.on_cancelled is not None and answers:
                    task.on_cancelled()
                self.task_cancelled.emit(task_id)
            elif outcome == "user_error":
                assert isinstance(value, UserError)
                if task.on_error is not None:
                    if answers:
                        task.on_error(value)
                elif answers:
                    self.user_error.emit(str(value))
            else:
                self.task_failed.emit(task_id, f"{type(value).__name__}: {value}")
        finally:
            try:
                if changes:
                    self.data_changed.emit(changes, task.initiator)
                if task.on_finally is not None and alive:
                    task.on_finally()
            finally:
                self.task_finished.emit(task_id)
