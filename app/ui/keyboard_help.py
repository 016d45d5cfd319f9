"""Help > Keyboard Shortcuts (F1, Ctrl+/): every key of the window, grouped, with a filter.

Nothing here is typed by hand: the keys are collected from the live window when the dialog
opens, from the menu bar's actions ("Everywhere") and, for each sidebar view (built now if the
learner has not opened it yet), from its QActions, its QShortcuts (described where they are
made, `app.ui.key_help.add_shortcut`), its buttons' own keys and the `HandledKey`s its widgets
declare for the keys their handlers take (`app.ui.key_help`). After each view come the dialogs
its widgets open and declare (`key_dialogs()`: the card editor, a lesson's note), each built
unseen, read the same way and deleted, in a group "View › Dialog".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QFontMetrics,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.key_help import KeyDialog, handled_keys, key_dialogs
from app.ui.screen_fit import fit_on_screen

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

NATIVE = QKeySequence.SequenceFormat.NativeText
EVERYWHERE = "Everywhere"
IN = " › "  # a dialog's group: "Review › Add Card, Edit Card"
# A row's keys in one column: the description gets what is left of the dialog's width.
KEYS_COLUMN_SHARE = 0.42
TEXT_MARGINS = 12  # an item's text margins and the frame, left and right
DESCRIPTION = Qt.ItemDataRole.UserRole + 1  # the words, unwrapped
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop  # keys beside the first line


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


def children(top: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [item for n in range(top.childCount()) if (item := top.child(n)) is not None]


def wrapped(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` in lines no wider than `width` where its words allow (a longer word alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


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


class KeyboardHelpDialog(QDialog):
    """The list, filtered as the learner types; Esc closes it. The groups come in slots (a view
    and its dialogs); a group without keys is not shown; `fill(n, groups)` gives slot `n` its
    groups later (a view built after the dialog opened), and `complete` says every slot has
    them."""

    def __init__(self, slots: list[list[KeyGroup]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.slots = slots
        self.complete = True
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by key or words")
        self.filter.setAccessibleName("Filter the keyboard shortcuts")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "What they do"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.slot_items: list[list[QTreeWidgetItem]] = [
            [self._add_group(group) for group in slot] for slot in slots
        ]
        self.nothing = QLabel()
        self.nothing.setWordWrap(True)
        self.nothing.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.nothing)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self.apply_filter)
        self.setTabOrder(self.filter, self.tree)
        fit_on_screen(self, QSize(self.fontMetrics().averageCharWidth() * 105, 600))

    @property
    def groups(self) -> list[KeyGroup]:
        return [group for slot in self.slots for group in slot]

    @property
    def group_items(self) -> list[QTreeWidgetItem]:
        return [top for items in self.slot_items for top in items]

    def _add_group(self, group: KeyGroup, at: int | None = None) -> QTreeWidgetItem:
        """A group's title and rows, at the end of the list or at top-level row `at`."""
        top = QTreeWidgetItem([group.title])
        font = top.font(0)
        font.setBold(True)
        top.setFont(0, font)
        top.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if at is None:
            self.tree.addTopLevelItem(top)
        else:
            self.tree.insertTopLevelItem(at, top)
        top.setFirstColumnSpanned(True)
        self._add_rows(top, group)
        return top

    def _add_rows(self, top: QTreeWidgetItem, group: KeyGroup) -> None:
        for row in group.rows:
            item = QTreeWidgetItem([row.keys_text, row.description])
            item.setData(1, DESCRIPTION, row.description)
            item.setToolTip(1, row.description)
            for column in (0, 1):
                item.setTextAlignment(column, TOP_LEFT)
            top.addChild(item)
        top.setHidden(not group.rows)
        top.setExpanded(True)

    def fill(self, index: int, groups: list[KeyGroup]) -> None:
        """Slot `index` gets `groups` in place of what it had (the filter typed so far applies
        to them)."""
        first = sum(len(items) for items in self.slot_items[:index])
        for top in self.slot_items[index]:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(top))
        self.slots[index] = groups
        self.slot_items[index] = [
            self._add_group(group, first + n) for n, group in enumerate(groups)
        ]
        self.apply_filter(self.filter.text())
        if self.isVisible():
            self._lay_out_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._lay_out_columns()
        self.filter.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._lay_out_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Settings > Text size
            self._lay_out_columns()

    def _lay_out_columns(self) -> None:
        self._fit_keys_column()
        self._wrap_descriptions()

    def _wrap_descriptions(self) -> None:
        """Each description in lines of the width its column has (a tree view elides, never
        wraps, an item's text); the row grows to hold them."""
        metrics = self.tree.fontMetrics()
        room = self.tree.viewport().width() - self.tree.columnWidth(0) - TEXT_MARGINS
        for top in self.group_items:
            for item in children(top):
                text = wrapped(str(item.data(1, DESCRIPTION)), metrics, room)
                if item.text(1) != text:
                    item.setText(1, text)

    def _fit_keys_column(self) -> None:
        """The keys whole where they fit in their share of the width; the words get the rest."""
        metrics = self.tree.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(row.keys_text)
                for group in self.groups
                for row in group.rows
            ),
            default=0,
        )
        need = widest + 3 * metrics.averageCharWidth() + self.tree.indentation()
        room = int(self.tree.viewport().width() * KEYS_COLUMN_SHARE)
        self.tree.setColumnWidth(0, max(metrics.horizontalAdvance("Keys") * 2, min(need, room)))

    def rows_shown(self) -> list[tuple[str, str, str]]:
        """(group, keys, what they do) of each row not filtered out."""
        shown = []
        for top in self.group_items:
            if top.isHidden():
                continue
            for item in children(top):
                if not item.isHidden():
                    shown.append((top.text(0), item.text(0), str(item.data(1, DESCRIPTION))))
        return shown

    def apply_filter(self, text: str) -> None:
        """Rows whose keys or words hold every word typed (a group's title shows it whole)."""
        words = text.casefold().split()
        for top in self.group_items:
            whole = all(word in top.text(0).casefold() for word in words)
            any_shown = False
            for item in children(top):
                said = f"{item.text(0)} {item.data(1, DESCRIPTION)}".casefold()
                shown = whole or all(word in said for word in words)
                item.setHidden(not shown)
                any_shown = any_shown or shown
            top.setHidden(not any_shown)  # a group whose keys are not read yet has no rows
        self.nothing.setText(f"No key matches “{text.strip()}”.")
        self.nothing.setVisible(bool(words) and not self.rows_shown())


def open_keyboard_help(window: MainWindow) -> KeyboardHelpDialog:
    """Show the dialog (non-modal), or bring forward the one already open."""
    for child in window.findChildren(KeyboardHelpDialog):
        if child.isVisible():
            child.raise_()
            child.activateWindow()
            child.filter.setFocus()
            return child
    pages = window.pages
    unlabelled: list[Unlabelled] = []  # the test's concern: a key that says nothing is left out
    slots = [everywhere_groups(window, unlabelled)] + [
        view_groups(window, row, unlabelled)
        if pages.built[row] is not None
        else [KeyGroup(spec.title)]
        for row, spec in enumerate(pages.specs)
    ]
    dialog = KeyboardHelpDialog(slots, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.activateWindow()
    # The views the learner has not opened yet are built one per turn of the event loop (about
    # a second for all of them here): the dialog is there at once, their keys come in order.
    waiting = [row for row, view in enumerate(pages.built) if view is None]
    dialog.complete = not waiting

    def build_next() -> None:
        row = waiting.pop(0)
        dialog.fill(row + 1, view_groups(window, row, unlabelled))
        if waiting:
            QTimer.singleShot(0, dialog, build_next)
        else:
            dialog.complete = True

    if waiting:
        QTimer.singleShot(0, dialog, build_next)
    return dialog
