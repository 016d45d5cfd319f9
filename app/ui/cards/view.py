"""The Cards view: filter bar, the lazy card table, bulk actions with undo, and the editor.

Every read and write goes through the task runner; after a write the runner broadcasts what
changed and this view (like any other) refreshes itself, keeping the selection by card id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.flashcards import card_actions, reads
from app.core.flashcards.browser import CardDetail, CardFilter
from app.core.flashcards.card_actions import CardText
from app.core.flashcards.cards import CardChange, CardUndo
from app.core.flashcards.decks import DeckInfo
from app.core.notes.links import LinkTarget
from app.db.database import ProfileDatabase
from app.ui.cards.actions import BulkActions
from app.ui.cards.editor import CardEditorPanel
from app.ui.cards.filter_bar import FilterBar
from app.ui.cards.model import CREATED, HEADERS, SORT_KEYS, CardTableModel
from app.ui.context import ViewContext
from app.ui.focus_order import put_after
from app.ui.icons import more_icon
from app.ui.note_from import make_note_on, title_from
from app.ui.refresh import RefreshOnChange

WIDTHS = (250, 160, 130, 100, 76, 86, 64, 60, 56, 86)
# What the editor beside an empty list says, instead of "No card selected".
NO_CARDS = "No cards yet. Write one in Review (Ctrl+N), or bring a deck in: File > Import Cards…"
NO_MATCH = "No card matches these filters."


class CardBrowserView(RefreshOnChange, QWidget):
    """The sidebar's "Cards". Loads when first shown; refreshes on writes touching SHOWS."""

    SHOWS = Change.CARDS | Change.DECKS | Change.TAGS

    title = "Cards"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.decks: tuple[DeckInfo, ...] = ()
        self.last_undo: CardUndo | None = None
        self.mark_stale()  # loads when first shown
        self._keep: list[str] = []
        self._opening: str | None = None  # a card asked for with `open_card`

        self.filter_bar = FilterBar()
        self.model = CardTableModel(context.runner, context.opened, self)
        self.table = QTableView()
        self.table.setObjectName("card-table")
        self.table.setAccessibleName("Cards")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        header.setSortIndicator(CREATED, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.editor = CardEditorPanel()
        self.editor.save_requested.connect(self.save_card)
        self.editor.moment_requested.connect(
            lambda moment: context.navigator.open_video_moment(moment.video_id, moment.seconds)
        )
        self.editor.note_requested.connect(
            lambda card_id, front: make_note_on(
                context, self, LinkTarget("card", card_id), title_from(front, "Note on a card")
            )
        )
        self.actions_ = BulkActions(self)
        self.count_label = QLabel("")
        self.message = QLabel("")
        self.message.setWordWrap(False)

        tools = QHBoxLayout()
        tools.addWidget(self.count_label)
        tools.addSpacing(12)
        tools.addWidget(self.message, 1)
        # A toolbar folds the actions that do not fit into a ">>" menu, so a small laptop
        # window still fits the browser.
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.actions_.toolbar():
            bar.addAction(action)
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # every action, by keyboard too
                if action.menu() is not None:
                    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar = bar
        tools.addWidget(bar, 2)
        self._theme_more_button()

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 300])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        # Reading order: the filters, the actions above the table, the table, the editor.
        tools_in_order = [bar.widgetForAction(action) for action in self.actions_.toolbar()]
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")  # the actions that do not fit
        if more is not None:
            more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            tools_in_order.append(more)
        put_after(self.filter_bar.flag, [*tools_in_order, self.table, *self.editor.fields()])

        find = QAction("Find", self)
        find.setWhatsThis("Search the cards")  # Help > Keyboard Shortcuts
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: self.filter_bar.search.setFocus())
        self.addAction(find)

        self.filter_bar.filter_changed.connect(self.set_filter)
        self.model.ids_loaded.connect(self._ids_loaded)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.listen_for_changes(context.runner)

    def _theme_more_button(self) -> None:
        """The toolbar's » (the actions that do not fit) in the theme's text color: the style's
        own image is dark on either theme, so all but invisible on the dark one."""
        button = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if button is None:
            return
        button.setToolTip("More actions")
        button.setAccessibleName("More actions")
        # 10 px: the button is about 12 px wide.
        button.setIcon(more_icon(self, self.palette().color(QPalette.ColorRole.ButtonText), 10))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._theme_more_button()

    # --- loading -----------------------------------------------------------------------------
    def refresh_for(self, _changes: Change) -> None:
        self.reload(stale=True)

    def reload(self, stale: bool = False) -> None:
        self.count_label.setText("Loading…")
        self.model.refresh(stale=stale)
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: reads.browser_choices(opened.database),
            on_done=self._choices_arrived,
            owner=self,
        )

    def set_filter(self, card_filter: CardFilter) -> None:
        self.count_label.setText("Searching…")
        self.model.set_filter(card_filter)

    def _choices_arrived(self, choices: reads.BrowserChoices) -> None:
        self.decks = choices.decks
        self.filter_bar.set_choices(choices.decks, choices.tags)

    def open_card(self, card_id: str) -> None:
        """Show this card (the navigator's card destination): every card listed, this one
        selected, scrolled to and in the editor."""
        self._opening = card_id
        self.filter_bar.reset()
        self.set_filter(CardFilter())

    def _ids_loaded(self, count: int) -> None:
        self.count_label.setText("1 card" if count == 1 else f"{count:,} cards")
        wanted, self._opening = self._opening, None
        rows = self.model.rows_of([wanted]) if wanted else []
        if rows:
            self.select_rows(rows)
            self.table.scrollTo(self.model.index(rows[0], 0))
        self._selection_changed()
        if count == 0:
            self.editor.show_nothing(
                NO_MATCH if self.model.card_filter != CardFilter() else NO_CARDS
            )

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if column not in SORT_KEYS:
            sort = self.model.card_sort
            order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), order)

    # --- selection ---------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        rows: list[int] = []
        selection = self.table.selectionModel().selection()
        for part in (selection.at(i) for i in range(selection.count())):
            rows.extend(range(part.top(), part.bottom() + 1))
        return sorted(set(rows))

    def selected_ids(self) -> list[str]:
        return self.model.card_ids(self.selected_rows())

    def select_rows(self, rows: Sequence[int]) -> None:
        selection = QItemSelection()
        last_column = len(HEADERS) - 1
        start = previous = None
        for row in [*sorted(rows), None]:
            if row is not None and previous is not None and row == previous + 1:
                previous = row
                continue
            if start is not None and previous is not None:
                selection.select(
                    self.model.index(start, 0), self.model.index(previous, last_column)
                )
            start = previous = row
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)

    def _remember_selection(self) -> None:
        self._keep = self.selected_ids()

    def _restore_selection(self) -> None:
        if self._keep:
            self.select_rows(self.model.rows_of(self._keep))
        self._keep = []
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        ids = self.selected_ids()
        self.actions_.update_enabled(len(ids), self.model.card_filter.state == "deleted")
        if len(ids) == 1:
            if ids[0] != self.editor.card_id or not self.editor.save_button.isEnabled():
                self._load_editor(ids[0])
        else:
            self.editor.show_nothing(f"{len(ids):,} cards selected" if ids else "No card selected")

    def _load_editor(self, card_id: str) -> None:
        opened = self.context.opened

        def arrived(card: CardDetail) -> None:
            if self.selected_ids() == [card.id]:
                self.editor.show_card(card)

        self.context.runner.run_read(
            lambda _p: reads.card_detail(opened.database, card_id),
            on_done=arrived,
            on_error=lambda _e: self.editor.show_nothing("That card no longer exists"),
            owner=self,
        )

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in self.actions_.menu_actions():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # --- writes ------------------------------------------------------------------------------
    def run_change(self, label: str, work: Callable[[ProfileDatabase], CardChange]) -> None:
        """Run a card action on the profile's database; remember its undo record once it has
        committed."""
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: work(opened.database), label=label, on_done=self._changed, owner=self
        )

    def _changed(self, change: CardChange) -> None:
        self.last_undo = change.undo
        self.message.setText(f"{change.undo.label}: done. Undo with Ctrl+Z.")
        self.actions_.update_undo(self.last_undo)

    def undo_last(self) -> None:
        undo = self.last_undo
        if undo is None:
            return
        self.last_undo = None
        self.actions_.update_undo(None)
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: card_actions.undo_card_change(opened.database, undo),
            label="Undoing",
            on_done=lambda _changes: self.message.setText(f"Undone: {undo.label}."),
            owner=self,
        )

    def save_card(self, text: CardText) -> None:
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: card_actions.save_card(opened.database, text),
            label="Saving card",
            on_done=self._changed,
            on_error=self._save_failed,
            owner=self,
        )

    def _save_failed(self, error: Exception) -> None:
        self.message.setText(str(error))
        self.editor.save_button.setEnabled(True)
