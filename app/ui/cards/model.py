"""`CardTableModel`: every matching card as a row, its text fetched only when it is shown.

The model holds the ordered id list of the current filter and sort (one background read) and a
bounded cache of rows keyed by card id. `data()` for a row not yet cached returns a placeholder
and asks for that row's block (BLOCK rows) in the background; when the rows arrive the block's
cells are announced with `dataChanged`. A position never shifts while the learner scrolls: only
a new filter, sort or write replaces the id list.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.core.flashcards import reads
from app.core.flashcards.browser import CardFilter, CardRow, CardSort, SortKey
from app.core.flashcards.tags import format_tags
from app.core.opening import OpenProfile
from app.ui.tasks import TaskRunner

BLOCK = 200
MAX_CACHED = 6_000  # rows kept; a screen shows a few dozen
PLACEHOLDER = "…"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

# Column constants, in display order.
FRONT, BACK, DECK, TAGS, STATE, DUE, INTERVAL, REPS, LAPSES, CREATED = range(10)
HEADERS = ("Front", "Back", "Deck", "Tags", "State", "Due", "Interval", "Reviews", "Lapses",
           "Created")  # fmt: skip
SORT_KEYS: dict[int, SortKey] = {
    FRONT: SortKey.FRONT,
    DUE: SortKey.DUE,
    INTERVAL: SortKey.INTERVAL,
    REPS: SortKey.REPS,
    LAPSES: SortKey.LAPSES,
    CREATED: SortKey.CREATED,
}
FLAG_NAMES = ("None", "Red", "Orange", "Green", "Blue", "Pink", "Turquoise", "Purple")
# Suspended and deleted rows' text on the (light, dark) theme: 4.5:1 or more on its rows (one
# color for both read at 3.5:1 for suspended ones on the light page, 3:1 for deleted ones on
# the dark one).
STATE_COLORS = {"suspended": ("#7a6a1a", "#c9b44a"), "deleted": ("#a05050", "#e08080")}
FLAG_COLORS = ("", "#d64545", "#e08a1e", "#3a9a4a", "#3a78c8", "#d36fb5", "#2aa6a6", "#8a5cc8")


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d")


def _display(row: CardRow, column: int) -> str:
    if column == FRONT:
        return row.front
    if column == BACK:
        return row.back
    if column == DECK:
        return row.deck_name
    if column == TAGS:
        return format_tags(row.tags)
    if column == STATE:
        return row.state
    if column == DUE:
        return _when(row.due) if row.state in ("learning", "review") else ""
    if column == INTERVAL:
        return f"{row.interval_days} d" if row.interval_days else ""
    if column == REPS:
        return str(row.reps)
    if column == LAPSES:
        return str(row.lapses)
    return _when(row.created_at)


def _sort_value(row: CardRow, column: int) -> Any:
    values: dict[int, Any] = {
        DUE: row.due.timestamp() if row.due else 0.0,
        INTERVAL: row.interval_days,
        REPS: row.reps,
        LAPSES: row.lapses,
        CREATED: row.created_at.timestamp(),
    }
    return values.get(column, _display(row, column))


class CardTableModel(QAbstractTableModel):
    """Lives on the GUI thread; every read goes through the runner.

    `ids_loaded(count)`: a new id list is in place (after a filter, sort or refresh).
    `rows_loaded(first, last)`: rows from a background fetch are now shown.
    """

    ids_loaded = Signal(int)
    rows_loaded = Signal(int, int)

    def __init__(
        self, runner: TaskRunner, opened: OpenProfile, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._opened = opened
        self._filter = CardFilter()
        self._sort = CardSort()
        self._ids: tuple[str, ...] = ()
        self._cache: OrderedDict[str, CardRow] = OrderedDict()
        self._pending: set[int] = set()  # blocks being fetched
        self._epoch = 0  # bumped when cached rows may be stale; older fetches are dropped
        self._query = 0  # bumped per id query; only the newest one lands
        self.loading = False

    # --- what is shown ---------------------------------------------------------------------
    @property
    def card_filter(self) -> CardFilter:
        return self._filter

    @property
    def card_sort(self) -> CardSort:
        return self._sort

    def set_filter(self, card_filter: CardFilter) -> None:
        self._filter = card_filter
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return  # the view puts the indicator back on the sorted column
        sort = CardSort(key, order == Qt.SortOrder.DescendingOrder)
        if sort != self._sort:
            self._sort = sort
            self.refresh()

    def sort_column(self) -> int:
        return next(c for c, key in SORT_KEYS.items() if key == self._sort.key)

    def refresh(self, stale: bool = False) -> None:
        """Query the ids again; `stale`: cached rows may be out of date (a write happened)."""
        if stale:
            self._epoch += 1
            self._cache.clear()
            self._pending.clear()
        self._query += 1
        query, epoch = self._query, self._epoch
        self.loading = True
        card_filter, sort, opened = self._filter, self._sort, self._opened
        self._runner.run_read(
            lambda _p: reads.browser_ids(opened.database, card_filter, sort, BLOCK),
            on_done=lambda result: self._ids_arrived(query, epoch, result),
            on_error=lambda _error: self._ids_failed(query),
            owner=self,
        )

    def _ids_failed(self, query: int) -> None:
        if query == self._query:
            self.loading = False

    def _ids_arrived(self, query: int, epoch: int, result: reads.CardIds) -> None:
        if query != self._query:
            return
        self.loading = False
        if epoch == self._epoch:
            self._store(result.first_rows)
        if result.ids == self._ids:
            # Same rows in the same places: keep the selection and scroll position.
            if self._ids:
                self._pending.clear()
                last = self.index(len(self._ids) - 1, len(HEADERS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
        else:
            self.beginResetModel()
            self._ids = result.ids
            self._pending.clear()
            self.endResetModel()
        self.ids_loaded.emit(len(self._ids))

    # --- the row cache ---------------------------------------------------------------------
    def card_id(self, row: int) -> str:
        return self._ids[row]

    def card_ids(self, rows: Sequence[int]) -> list[str]:
        return [self._ids[row] for row in rows if 0 <= row < len(self._ids)]

    def rows_of(self, card_ids: Sequence[str]) -> list[int]:
        """The rows of these cards that are in the list, ascending."""
        wanted = set(card_ids)
        return [row for row, card_id in enumerate(self._ids) if card_id in wanted]

    def cached_row(self, row: int) -> CardRow | None:
        if not 0 <= row < len(self._ids):
            return None
        return self._cache.get(self._ids[row])

    def _store(self, rows: Sequence[CardRow]) -> None:
        for card_row in rows:
            self._cache[card_row.id] = card_row
            self._cache.move_to_end(card_row.id)
        while len(self._cache) > MAX_CACHED:
            self._cache.popitem(last=False)

    def _fetch_block(self, block: int) -> None:
        if block in self._pending:
            return
        self._pending.add(block)
        first = block * BLOCK
        wanted = self._ids[first : first + BLOCK]
        ids, epoch, opened = self._ids, self._epoch, self._opened
        self._runner.run_read(
            lambda _p: reads.browser_rows(opened.database, wanted),
            on_done=lambda rows: self._rows_arrived(block, ids, epoch, rows),
            on_error=lambda _error: self._pending.discard(block),
            owner=self,
        )

    def _rows_arrived(
        self, block: int, ids: tuple[str, ...], epoch: int, rows: tuple[CardRow, ...]
    ) -> None:
        if epoch != self._epoch:
            return
        self._store(rows)
        if ids is not self._ids:
            return  # a new query replaced the list; those rows are cached for it anyway
        self._pending.discard(block)
        first = block * BLOCK
        last = min(first + BLOCK, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))
            self.rows_loaded.emit(first, last)

    # --- QAbstractTableModel -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section not in SORT_KEYS:
            return "This column cannot be sorted"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        row, column = index.row(), index.column()
        if role == ID_ROLE:
            return self._ids[row]
        card_row = self._cache.get(self._ids[row])
        if card_row is None:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                self._fetch_block(row // BLOCK)
                return PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(card_row, column)
        if role == SORT_ROLE:
            return _sort_value(card_row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (FRONT, BACK, TAGS):
            return _display(card_row, column) or None
        if role == Qt.ItemDataRole.DecorationRole and column == FRONT and card_row.flag:
            return QColor(FLAG_COLORS[card_row.flag])
        if role == Qt.ItemDataRole.ForegroundRole and card_row.state in STATE_COLORS:
            dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
            return QColor(STATE_COLORS[card_row.state][dark])
        return None
