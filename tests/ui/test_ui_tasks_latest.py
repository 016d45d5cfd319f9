"""Reads that keep only the latest (`run_read(..., latest=...)`): a search typed fast starts a
read per keystroke, and reads run side by side, so they can finish in any order. The learner
must see the answer to what they typed last, never a slower answer to what they typed first."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.core.progress import Progress
from app.ui.tasks import READ_THREADS, TaskRunner

WAIT_MS = 10_000


def test_an_older_read_finishing_after_a_newer_one_is_never_shown(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    owner = QObject()
    shown: list[str] = []
    finished: list[str] = []
    release = threading.Event()

    def slow(_progress: Progress) -> str:
        release.wait(5)
        return "renal"

    older = runner.run_read(
        slow, on_done=shown.append, on_finally=lambda: finished.append("older"),
        owner=owner, latest="library",
    )  # fmt: skip
    newer = runner.run_read(
        lambda _p: "everything", on_done=shown.append, owner=owner, latest="library"
    )
    qtbot.waitUntil(lambda: newer.finished, timeout=WAIT_MS)
    assert shown == ["everything"]
    release.set()
    qtbot.waitUntil(lambda: older.finished, timeout=WAIT_MS)
    assert shown == ["everything"]  # the slow, older answer came last and was dropped
    assert finished == ["older"]  # its clean-up still ran


def test_an_older_read_still_queued_is_not_run_and_others_are_untouched(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    owner, other = QObject(), QObject()
    release = threading.Event()
    blockers = [runner.run_read(lambda _p: release.wait(5)) for _ in range(READ_THREADS)]
    ran: list[str] = []
    shown: list[str] = []

    def read(name: str):  # type: ignore[no-untyped-def]
        def work(_progress: Progress) -> str:
            ran.append(name)
            return name

        return work

    handles = [
        runner.run_read(read("first"), on_done=shown.append, owner=owner, latest="search"),
        runner.run_read(read("other"), on_done=shown.append, owner=other, latest="search"),
        runner.run_read(read("notes"), on_done=shown.append, owner=owner, latest="notes"),
        runner.run_read(read("last"), on_done=shown.append, owner=owner, latest="search"),
    ]
    release.set()
    qtbot.waitUntil(lambda: all(h.finished for h in handles + blockers), timeout=WAIT_MS)
    assert "first" not in ran  # superseded before it started: never run
    assert sorted(shown) == ["last", "notes", "other"]
