"""The window must not freeze while videos are being examined.

Files are decoded on a thread of their own while the GUI thread goes on connecting signals
(every view does). Qt's decoder threads once waited for Python's lock while holding a Qt
mutex the GUI thread was waiting for, with Python's lock held: the window froze for good
(app/ui/override_cache.py says how). This drives both threads hard at once; before the fix it
froze within seconds. A freeze cannot be caught from Python (the frozen thread holds the lock),
so faulthandler ends the process with every thread's stack instead of letting the suite hang.
"""

from __future__ import annotations

import faulthandler
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from video_clips import Clips

from app.ui.videos.probe import MediaProber

pytestmark = pytest.mark.timed  # a freeze measured by the wall clock: run alone (packaging/test.sh)

STRESS_S = 8.0
FROZEN_AFTER_S = 60


def _nothing() -> None:
    pass


def test_examining_files_while_the_window_connects_signals_never_freezes(
    qapp: QApplication, prober: MediaProber, clips: Clips
) -> None:
    faulthandler.dump_traceback_later(FROZEN_AFTER_S, exit=True)
    try:
        stop = threading.Event()
        probed: list[float] = []
        failures: list[BaseException] = []

        def examine() -> None:
            try:
                while not stop.is_set():
                    probed.append(prober.probe(clips.h264.path).duration_s)
            except BaseException as error:
                failures.append(error)

        worker = threading.Thread(target=examine, name="examine-files")
        worker.start()
        timers = [QTimer() for _ in range(1_000)]  # objects spread over Qt's mutex pool
        connects = 0
        end = time.monotonic() + STRESS_S
        while time.monotonic() < end:
            for timer in timers:
                timer.timeout.connect(_nothing)
                timer.timeout.disconnect(_nothing)
            connects += len(timers)
            qapp.processEvents()
        stop.set()
        worker.join(30)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert not worker.is_alive()
    assert failures == []
    assert len(probed) >= 10, f"only {len(probed)} files examined in {STRESS_S} s"
    assert all(abs(seconds - probed[0]) < 0.01 for seconds in probed)
    print(f"{len(probed)} files examined while the GUI thread made {connects} connections")
