"""The installed PySide6 must not leak references on signal emit.

PySide6 6.12.0 on CPython 3.11 drops a reference to `True` on every `emit()`; after a few hundred
emits (a few minutes of progress updates) the interpreter aborts with "bool_dealloc". pyproject
pins below 6.12; this test catches a later build with the same fault before a learner does.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class Ticker(QObject):
    ticked = Signal(int, int, int, str)


def test_emitting_many_signals_keeps_the_interpreter_alive(qapp):
    ticker = Ticker()
    received = []
    ticker.ticked.connect(lambda *args: received.append(args))
    gc.disable()
    try:
        before = sys.getrefcount(True)
        for step in range(500):
            ticker.ticked.emit(step, 500, 0, "importing")
        lost = before - sys.getrefcount(True)
    finally:
        gc.enable()
    assert len(received) == 500
    assert lost < 50, f"each emit() drops a reference to True ({lost} lost): pin another PySide6"
