"""What each key does, said where the key is made, for Help > Keyboard Shortcuts.

The Keyboard Shortcuts window (app/ui/keyboard_help.py) collects the keys from the live widgets
(app/ui/key_collection.py), so the list cannot drift from what the keys do. Three kinds of
key, each described one way:

- a `QAction` describes itself by its text (its `whatsThis`, when set, says it better);
- a `QShortcut` has no text: make it with `add_shortcut(...)`, which takes the description
  (kept as the shortcut's `whatsThis`; tests/ui/test_ui_keyboard_help.py fails for a shortcut
  in a view without one);
- a key a widget handles itself (`keyPressEvent`, an event filter) is a `HandledKey` in the
  widget's `HANDLED_KEYS` (a class attribute, or set on the object), and the handler asks that
  same `HandledKey` whether an event is its key (`matches`), so the two cannot disagree.

A dialog is not there until it is opened, so the widget that opens one a learner uses often
(the card editor, a lesson's note) says so in its `key_dialogs()`: a `KeyDialog` each, whose
`build()` makes the dialog (not shown) for the window to read its keys, the same three kinds,
then delete it. Keys of a dialog no widget lists are not in the window; tests still fail for
one without a description (tests/ui/test_ui_keyboard_help.py).

Not listed: a control's Alt+letter (its underlined letter, shown on the control itself where the
platform uses them) and Esc, which closes every dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QWidget

KeyLike = QKeySequence | QKeySequence.StandardKey | str


def add_shortcut(
    parent: QWidget,
    key: KeyLike,
    description: str,
    slot: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> QShortcut:
    """A QShortcut on `parent` calling `slot`, described for the Keyboard Shortcuts window.

    The context is set after the shortcut is made: PySide6 6.x drops a context given to the
    constructor together with a Python callable (the shortcut is then window-wide)."""
    shortcut = QShortcut(parent)
    if isinstance(key, QKeySequence.StandardKey):
        shortcut.setKeys(key)  # every binding the platform has for it
    else:
        shortcut.setKey(QKeySequence(key))
    shortcut.setContext(context)
    shortcut.setWhatsThis(description)
    shortcut.activated.connect(slot)
    return shortcut


@dataclass(frozen=True, init=False)
class HandledKey:
    """A key a widget's own handler takes: `keys` as QKeySequence writes them ("Return",
    "Alt+A", "Del"); the keypad's flag is ignored, other modifiers must be exactly these."""

    description: str
    keys: tuple[str, ...]

    def __init__(self, description: str, *keys: str) -> None:
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "keys", keys)

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(key) for key in self.keys]

    def matches(self, event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))
        return any(pressed == sequence for sequence in self.sequences())


def handled_keys(obj: QObject) -> Iterable[HandledKey]:
    """The keys `obj` declares that its own handler takes."""
    declared = getattr(obj, "HANDLED_KEYS", ())
    return declared if isinstance(declared, tuple) else ()


@dataclass(frozen=True)
class KeyDialog:
    """A dialog a widget opens, for Help > Keyboard Shortcuts: `title` names the group of its
    keys, `build()` makes one (not shown; the window deletes it once its keys are read)."""

    title: str
    build: Callable[[], QDialog]


def key_dialogs(obj: QObject) -> Iterable[KeyDialog]:
    """The dialogs `obj` says it opens (its `key_dialogs()` method)."""
    declared = getattr(obj, "key_dialogs", None)
    return tuple(declared()) if callable(declared) else ()
