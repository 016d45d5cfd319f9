"""The keys of the live window for Help > Keyboard Shortcuts (app/ui/keyboard_help.py shows
them): the menu bar's actions ("Everywhere") and the dialogs the window itself opens, then for
each sidebar view its QActions, its QShortcuts (described where they are made,
`app.ui.key_help.add_shortcut`), its buttons' own keys and the `HandledKey`s its widgets declare,
and after it the dialogs its widgets declare (`key_dialogs()`), each built unseen, read the same
way and deleted, in a group "View › Dialog".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QDialog, QMainWindow, QMenu, QWidget

from app.ui.key_help import KeyDialog, handled_keys, key_dialogs

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

NATIVE = QKeySequence.SequenceFormat.NativeText
EVERYWHERE = "Everywhere"
IN = " › "  # a dialog's group: "Review › Add Card, Edit Card"


@dataclass
class KeyRow:
    """One thing a key does: `keys` as the platform writes them (several keys, one deed)."""

    keys: list[str]
    description: str

    @property
    def keys_text(self) -> str:
        return ", ".join(_runs(self.keys))


@dataclass
class KeyGroup:
    title: str
    rows: list[KeyRow] = field(default_factory=list)

    def add(self, sequences: list[QKeySequence], description: str) -> None:
        texts = [text for sequence in sequences if (text := sequence.toString(NATIVE))]
        if not texts:
            return
        for row in self.rows:
            if row.description == description:
                row.keys.extend(text for text in texts if text not in row.keys)
                return
        self.rows.append(KeyRow(list(dict.fromkeys(texts)), description))


@dataclass(frozen=True)
class Unlabelled:
    """A key in a view that says nothing of what it does (tests fail for one)."""

    group: str
    keys: str
    kind: str


def plain(text: str) -> str:
    """A menu text as words: no access key marks, no trailing "…"."""
    text = re.sub(r"&(.)", r"\1", text).strip()
    return text.removesuffix("…").removesuffix("...").strip()


def action_description(action: QAction) -> str:
    return action.whatsThis() or plain(action.text()) or plain(action.toolTip())


def menu_keys(window: QMainWindow, group: KeyGroup) -> None:
    """The menu bar's actions with keys, described by where they are: "File > Import"."""

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            where = f"{path} > {plain(action.text())}"
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, where)
            elif action.shortcuts():
                group.add(action.shortcuts(), action.whatsThis() or where)

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, plain(top.text()))


def in_dialogs(root: QWidget) -> set[QObject]:
    """The objects in the dialogs under `root` (an editor open over the view): their keys are
    the dialogs', not the view's."""
    inside: set[QObject] = set()
    for dialog in root.findChildren(QDialog):
        inside.update([dialog, *dialog.findChildren(QObject)])
    inside.discard(root)
    return inside


def widget_keys(root: QWidget, group: KeyGroup, unlabelled: list[Unlabelled]) -> None:
    """Every key `root` and the objects under it have (not those in a dialog it has open):
    actions, shortcuts, buttons' own keys and the keys their handlers declare."""
    skipped = in_dialogs(root)
    for obj in [root, *root.findChildren(QObject)]:
        if obj in skipped:
            continue
        sequences: list[QKeySequence] = []
        description = ""
        if isinstance(obj, QAction):
            sequences, description = obj.shortcuts(), action_description(obj)
        elif isinstance(obj, QShortcut):
            sequences, description = obj.keys(), obj.whatsThis()
        elif isinstance(obj, QAbstractButton):
            key = obj.shortcut()
            if not key.isEmpty() and key != QKeySequence.mnemonic(obj.text()):
                sequences = [key]
                description = plain(re.sub(r"\s*\([^)]*\)$", "", obj.toolTip())) or plain(
                    obj.text()
                )
        if sequences:
            if description:
                group.add(sequences, description)
            else:
                keys = ", ".join(sequence.toString(NATIVE) for sequence in sequences)
                unlabelled.append(Unlabelled(group.title, keys, type(obj).__name__))
        for handled in handled_keys(obj):
            group.add(handled.sequences(), handled.description)


def everywhere_groups(window: MainWindow, unlabelled: list[Unlabelled]) -> list[KeyGroup]:
    """The menus' keys, then those of the dialogs the window itself opens (Search Everything)."""
    group = KeyGroup(EVERYWHERE)
    menu_keys(window, group)
    dialogs = [dialog_group(EVERYWHERE, declared, unlabelled) for declared in key_dialogs(window)]
    return [group, *dialogs]


def dialog_group(where: str, declared: KeyDialog, unlabelled: list[Unlabelled]) -> KeyGroup:
    """The keys of a dialog the view `where` opens, read from one built for it (not shown, and
    deleted after)."""
    group = KeyGroup(f"{where}{IN}{declared.title}")
    dialog = declared.build()
    try:
        widget_keys(dialog, group, unlabelled)
    finally:
        dialog.deleteLater()
    return group


def view_groups(window: MainWindow, row: int, unlabelled: list[Unlabelled]) -> list[KeyGroup]:
    """The keys of the sidebar's view at `row` (built now if the learner has not opened it),
    then those of each dialog its widgets declare."""
    title = window.pages.specs[row].title
    view = window.pages.get(row)
    group = KeyGroup(title)
    widget_keys(view, group, unlabelled)
    dialogs = [
        declared for obj in [view, *view.findChildren(QObject)] for declared in key_dialogs(obj)
    ]
    return [group] + [dialog_group(title, declared, unlabelled) for declared in dialogs]


def collect(window: MainWindow) -> tuple[list[KeyGroup], list[Unlabelled]]:
    """The window's keys by group: Everywhere and the dialogs the window opens itself (Search
    Everything), then each sidebar view (built if it is not yet) and its dialogs. Groups with
    no key are left out."""
    unlabelled: list[Unlabelled] = []
    groups = everywhere_groups(window, unlabelled)
    for row in range(len(window.pages.specs)):
        groups += view_groups(window, row, unlabelled)
    return [group for group in groups if group.rows], unlabelled


def _runs(keys: list[str]) -> list[str]:
    """Consecutive one-character keys with one modifier prefix written as a range: A, B, C, D
    as "A–D", Alt+A ... Alt+J as "Alt+A–J" (a block's choice letters)."""
    out: list[str] = []
    run: list[str] = []

    def close() -> None:
        if len(run) >= 3:
            out.append(f"{run[0]}–{run[-1][-1]}")  # Alt+A–J
        else:
            out.extend(run)
        run.clear()

    for key in keys:
        prefix, last = key[:-1], key[-1:]
        if (
            run
            and len(run[-1]) == len(key)
            and run[-1][:-1] == prefix
            and (ord(last) == ord(run[-1][-1]) + 1)
        ):
            run.append(key)
            continue
        close()
        if prefix == "" or prefix.endswith("+"):
            run.append(key)
        else:
            out.append(key)
    close()
    return out
