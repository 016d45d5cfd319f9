"""Keeping Qt's threads from waiting for Python's lock while they hold one of Qt's.

A QObject made from Python is a C++ subclass that asks Python, on each virtual call, whether
the Python object overrides it; the first ask takes the interpreter lock (the GIL), and the
answer "no override" is then remembered for that object. Qt calls one virtual,
`disconnectNotify`, while holding a signal-slot mutex: when a receiver connected to our object
is destroyed, on whatever thread destroys it (QtMultimedia's decoder threads do this all the
time, and so does a thread deleting a QEventLoop it waited in). If the GUI thread holds the GIL
at that moment and is itself waiting for the same mutex (any `connect`; Qt shares a small pool
of mutexes by address), each waits for the other forever: the window freezes.

`settle_notify_overrides` asks the question up front, from the thread that holds the GIL and no
Qt mutex, so Qt's threads later find the answer remembered and never need the GIL there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def _nothing() -> None:
    pass


def settle_notify_overrides(*objects: QObject) -> None:
    """Make `objects` (made from Python) remember that Python does not override their
    connect/disconnect notifications; call it once, right after making them."""
    for made in objects:
        made.objectNameChanged.connect(_nothing)
        made.objectNameChanged.disconnect(_nothing)
