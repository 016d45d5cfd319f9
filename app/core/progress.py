"""Progress and cancellation for long work, without Qt.

Long work (import, backup, sync) is a plain function that receives a `Progress`; it reports how far
it got and calls `check()` between steps. The GUI's task runner reads the figures and sets the
cancel flag from its thread; the CLI passes `Progress()` and ignores the figures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import Cancelled


class Progress:
    """Thread-safe progress report and cancel flag for one piece of work."""

    def __init__(self, on_change: Callable[[int, int, str], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = 0
        self._total = 0
        self._message = ""
        self._on_change = on_change

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise Cancelled if the learner asked to stop; call it between steps."""
        if self._cancel.is_set():
            raise Cancelled()

    def set_total(self, total: int, message: str | None = None) -> None:
        with self._lock:
            self._total = max(0, total)
            if message is not None:
                self._message = message
        self._notify()

    def advance(self, steps: int = 1, message: str | None = None) -> None:
        with self._lock:
            self._done += steps
            if message is not None:
                self._message = message
        self._notify()

    def set_message(self, message: str) -> None:
        with self._lock:
            self._message = message
        self._notify()

    def snapshot(self) -> tuple[int, int, str]:
        """(done, total, message); total 0 means "size unknown"."""
        with self._lock:
            return self._done, self._total, self._message

    def _notify(self) -> None:
        if self._on_change is not None:
            self._on_change(*self.snapshot())
