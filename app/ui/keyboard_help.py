"""Help > Keyboard Shortcuts (F1, Ctrl+/): every key of the window, grouped, with a filter.

Nothing here is typed by hand: the keys are collected from the live window when the dialog
opens (app/ui/key_collection.py: the menus, each view and the dialogs they declare). The
views the learner has not opened yet are built one per turn of the event loop, their keys
coming in as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import (
    QFontMetrics,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.key_collection import (
    KeyGroup,
    Unlabelled,
    everywhere_groups,
    view_groups,
)
from app.ui.screen_fit import fit_on_screen

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

# A row's keys in one column: the description gets what is left of the dialog's width.
KEYS_COLUMN_SHARE = 0.42
TEXT_MARGINS = 12  # an item's text margins and the frame, left and right
DESCRIPTION = Qt.ItemDataRole.UserRole + 1  # the words, unwrapped
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop  # keys beside the first line


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
