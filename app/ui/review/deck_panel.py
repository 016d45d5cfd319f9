"""The deck list beside the review pane: today's counts per deck, and the deck actions.

Enter or a double-click on a deck asks to review it (`review_requested(deck_id)`, "" for all
decks). Ctrl+Shift+D makes a deck (a key no other view uses; Ctrl+Shift+N makes a note in every
view, here one linked to the chosen deck), F2 renames, Ctrl+Shift+M moves, Ctrl+Shift+O opens the
options and Del deletes the chosen deck. The list reloads itself, in the background, after any
change to cards or decks. A deck name longer than its column wraps onto a second line; one
longer still ends that line in "…" (its tooltip and accessible name are the whole name), so a
long name never takes a tall row.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.flashcards import deck_actions
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.queue import DeckCounts
from app.core.notes.links import LinkTarget
from app.ui.context import ViewContext
from app.ui.dialogs.forms import WorkDialog, confirm
from app.ui.note_from import make_note_on
from app.ui.refresh import RefreshOnChange
from app.ui.review import data
from app.ui.review.deck_dialogs import (
    DeckOptionsDialog,
    MoveDeckDialog,
    NewDeckDialog,
    RenameDeckDialog,
)
from app.ui.review.deck_model import DECK_ID_ROLE, DUE, LEARN, NAME, NEW, DeckTreeModel

NAME_LINES = 2  # the most lines a deck name takes; the rest is elided


def name_in_lines(text: str, font: QFont, width: int, lines: int = NAME_LINES) -> str:
    """`text` as it fits in `lines` lines of `width` pixels: whole if it fits, else its first
    lines as the view wraps them and the rest elided on the last ("…")."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    starts: list[int] = []
    while len(starts) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    more = layout.createLine().isValid()
    layout.endLayout()
    if not more:
        return text
    kept = [text[a:b].rstrip() for a, b in pairwise(starts)]
    rest = QFontMetrics(font).elidedText(text[starts[-1] :], Qt.TextElideMode.ElideRight, width)
    return "\u2028".join([*kept, rest])  # a line separator: the lines as laid out here


class WrappedNames(QStyledItemDelegate):
    """Rows as tall as their deck's name needs at the name column's width (the tree itself
    measures rows as if the column were endless), at most `NAME_LINES` lines: a longer name is
    shown elided (`name_in_lines`)."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self.tree = tree

    def name_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        level = 1 if self.tree.rootIsDecorated() else 0
        parent = index.parent()
        while parent.isValid():
            level += 1
            parent = parent.parent()
        return self.tree.header().sectionSize(NAME) - self.tree.indentation() * level

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.column() != NAME or not option.text:
            return
        margin = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
        width = self.name_width(index) - 2 * margin
        if width > 0:
            option.text = name_in_lines(option.text, option.font, width)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        name_index = index.sibling(index.row(), NAME)
        width = self.name_width(name_index)
        if width <= 0:
            return hint
        name = QStyleOptionViewItem(option)
        self.initStyleOption(name, name_index)
        name.rect = QRect(0, 0, width, hint.height())  # the style wraps only in a valid rect
        name.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        style = self.tree.style()
        wrapped = style.sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, name, QSize(), self.tree
        )
        return QSize(hint.width(), max(hint.height(), wrapped.height()))


class DeckPanel(RefreshOnChange, QWidget):
    """`review_requested(deck_id)`: study this deck now ("" means every deck)."""

    SHOWS = Change.CARDS | Change.REVIEWS | Change.DECKS | Change.TAGS

    review_requested = Signal(str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.dialog: WorkDialog | None = None  # the open deck form, kept alive while shown
        self.model = DeckTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Decks")
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappedNames(self.tree))
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (NEW, LEARN, DUE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A wider or narrower name column changes how many lines each name takes.
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.tree.doItemsLayout)
        header.sectionResized.connect(
            lambda column, _old, _new: column == NAME and self._relayout.start()
        )
        self.tree.activated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.study_button = QPushButton("Study")
        self.study_button.setToolTip("Review the selected deck (Enter)")
        self.study_button.clicked.connect(self.study_selected)
        self.new_action = self._action("&New Deck…", self.new_deck, "Ctrl+Shift+D")
        self.rename_action = self._action("&Rename Deck…", self.rename_deck, "F2")
        self.move_action = self._action("&Move Deck…", self.move_deck, "Ctrl+Shift+M")
        self.options_action = self._action("Deck &Options…", self.deck_options, "Ctrl+Shift+O")
        self.delete_action = self._action("&Delete Deck…", self.delete_deck, "Del")
        self.note_action = self._action(
            "Make a Note on &This Deck", self.note_on_deck, "Ctrl+Shift+N"
        )
        # Help > Keyboard Shortcuts: these keys work where the deck list has the keyboard
        # (New Deck anywhere in Review), beside the card pane's keys in the same group.
        for action, words in (
            (self.rename_action, "Deck list: rename the chosen deck"),
            (self.move_action, "Deck list: move the chosen deck into another"),
            (self.options_action, "Deck list: the chosen deck's options"),
            (self.delete_action, "Deck list: delete the chosen deck (asks first)"),
            (self.note_action, "Deck list: a note on the chosen deck"),
        ):
            action.setWhatsThis(words)
        menu = QMenu(self)
        for action in (
            self.new_action,
            self.rename_action,
            self.move_action,
            self.options_action,
            self.note_action,
        ):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        self.tree.addActions(menu.actions())
        self.deck_button = QToolButton()
        self.deck_button.setText("Deck")
        self.deck_button.setMenu(menu)
        self.deck_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        buttons = QHBoxLayout()
        buttons.addWidget(self.study_button)
        buttons.addStretch(1)
        buttons.addWidget(self.deck_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.tree.selectionModel().currentChanged.connect(self._enable_actions)
        self._fit_width()
        self._enable_actions()
        self.listen_for_changes(context.runner)
        self.refresh()

    NAME_CHARACTERS = 12  # the least room a deck name has one level down: longer ones wrap

    def _fit_width(self) -> None:
        """Room for the counts and a short name beside them at any text size."""
        header = self.tree.header()
        counts = sum(header.sectionSizeHint(column) for column in (NEW, LEARN, DUE))
        name = self.tree.indentation() * 2 + (
            self.tree.fontMetrics().averageCharWidth() * self.NAME_CHARACTERS
        )
        self.tree.setMinimumWidth(counts + name + 2 * self.tree.frameWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_width()

    def _action(self, text: str, slot: object, key: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # Reading
    def refresh(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: data.read_decks(opened),
            on_done=self._show_rows,
            owner=self,
            latest="decks",
        )

    def _show_rows(self, rows: tuple[DeckCounts, ...]) -> None:
        chosen = self.selected_deck_id()
        first = not self.model.loaded
        self.model.set_rows(rows)
        if first:
            self.tree.expandAll()
        index = self.model.index_of(chosen)
        if not index.isValid():
            index = self.model.index(0, NAME)
        if index != self.tree.currentIndex():
            self.tree.setCurrentIndex(index)
        self._enable_actions()

    # Selection
    def selected_deck_id(self) -> str | None:
        """The chosen deck's id; None for "All decks" (or nothing chosen yet)."""
        index = self.tree.currentIndex()
        deck_id = index.data(DECK_ID_ROLE) if index.isValid() else ""
        return str(deck_id) or None

    def selected_deck(self) -> DeckInfo | None:
        return self.model.deck(self.tree.currentIndex())

    def select_deck(self, deck_id: str | None) -> None:
        index = self.model.index_of(deck_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def _enable_actions(self, *_args: object) -> None:
        has_deck = self.selected_deck() is not None
        actions = (
            self.rename_action,
            self.move_action,
            self.options_action,
            self.note_action,
            self.delete_action,
        )
        for action in actions:
            action.setEnabled(has_deck)

    def _activated(self, index: QModelIndex) -> None:
        self.review_requested.emit(str(index.data(DECK_ID_ROLE) or ""))

    def study_selected(self) -> None:
        self.review_requested.emit(self.selected_deck_id() or "")

    # Deck actions
    def new_deck(self) -> None:
        self._open(NewDeckDialog(self.context.runner, self.context.opened, self.selected_deck()))

    def rename_deck(self) -> None:
        deck = self.selected_deck()
        if deck is not None:
            self._open(RenameDeckDialog(self.context.runner, self.context.opened, deck))

    def move_deck(self) -> None:
        deck = self.selected_deck()
        if deck is not None:
            decks = list(self.model.decks())
            self._open(MoveDeckDialog(self.context.runner, self.context.opened, deck, decks))

    def deck_options(self) -> None:
        deck = self.selected_deck()
        if deck is not None:
            self._open(DeckOptionsDialog(self.context.runner, self.context.opened, deck))

    def note_on_deck(self) -> None:
        """A note linked to the chosen deck, opened in the Notebook to write in (Ctrl+Shift+N,
        as a note on what the keyboard is on in every view)."""
        deck = self.selected_deck()
        if deck is not None:
            make_note_on(self.context, self, LinkTarget("deck", deck.id), deck.full_name)

    def delete_deck(self) -> None:
        deck = self.selected_deck()
        if deck is None:
            return
        counts = self.model.counts_of(deck.id)
        text = (
            f"Delete “{deck.full_name}”, its subdecks and all their cards?\n\n"
            "Their review history is kept; a backup taken before now can bring them back."
        )
        if counts.total:
            text += f"\n\n{counts.total} of its cards are due today."
        if not confirm(self, "Delete Deck", text, "Delete"):
            return
        opened, deck_id = self.context.opened, deck.id
        self.context.runner.run_write(
            lambda _progress: deck_actions.delete_deck(opened.database, deck_id),
            label="Deleting the deck",
            owner=self,
        )

    def _open(self, dialog: WorkDialog) -> None:
        dialog.setParent(self.window(), dialog.windowFlags())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
