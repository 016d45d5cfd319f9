"""The deck list as a tree model: "All decks" first, then every deck under its parent, with
today's New / Learn / Due counts (each as if that deck were selected)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.queue import DeckCounts, QueueCounts

Index = QModelIndex | QPersistentModelIndex

NAME, NEW, LEARN, DUE = range(4)
HEADERS = ("Deck", "New", "Learn", "Due")
# The deck's id; "" on the "All decks" row.
DECK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_DECKS = "All decks"
ROOT = QModelIndex()  # the default parent (an argument default may not call)


@dataclass
class _Node:
    deck: DeckInfo | None  # None: the "All decks" row
    counts: QueueCounts
    parent: int  # position of the parent node in `_nodes`; -1 at the top
    children: list[int] = field(default_factory=list)

    @property
    def deck_id(self) -> str:
        return self.deck.id if self.deck is not None else ""


def _shape(nodes: list[_Node]) -> list[tuple[str, int, str]]:
    return [(n.deck_id, n.parent, n.deck.name if n.deck else "") for n in nodes]


class DeckTreeModel(QAbstractItemModel):
    """Read-only. `set_rows` keeps indexes (selection, expanded rows) when only counts
    changed, which is what happens after every answer."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = [_Node(None, QueueCounts(), -1)]
        self._top: list[int] = [0]
        self.loaded = False

    def set_rows(self, rows: tuple[DeckCounts, ...]) -> None:
        nodes = [_Node(None, QueueCounts(), -1)]
        top = [0]
        where: dict[str, int] = {}
        for row in rows:
            parent = where.get(row.deck.parent_id or "", -1)
            node = _Node(row.deck, row.counts, parent)
            where[row.deck.id] = len(nodes)
            (nodes[parent].children if parent >= 0 else top).append(len(nodes))
            nodes.append(node)
        tops = [nodes[i].counts for i in top[1:]]
        nodes[0].counts = QueueCounts(
            sum(c.new for c in tops), sum(c.learning for c in tops), sum(c.review for c in tops)
        )
        self.loaded = True
        if _shape(nodes) == _shape(self._nodes):
            self._nodes = nodes
            groups = [top] + [node.children for node in nodes if node.children]
            for group in groups:
                first = self._index_of_node(group[0], NAME)
                last = self._index_of_node(group[-1], DUE)
                self.dataChanged.emit(first, last)
            return
        self.beginResetModel()
        self._nodes, self._top = nodes, top
        self.endResetModel()

    def deck(self, index: Index) -> DeckInfo | None:
        return self._node(index).deck if index.isValid() else None

    def decks(self) -> list[DeckInfo]:
        return [node.deck for node in self._nodes if node.deck is not None]

    def counts_of(self, deck_id: str | None) -> QueueCounts:
        for node in self._nodes:
            if node.deck_id == (deck_id or ""):
                return node.counts
        return QueueCounts()

    def index_of(self, deck_id: str | None) -> QModelIndex:
        for position, node in enumerate(self._nodes):
            if node.deck_id == (deck_id or ""):
                return self._index_of_node(position, NAME)
        return QModelIndex()

    def _node(self, index: Index) -> _Node:
        return self._nodes[index.internalId()]

    def _siblings(self, parent: int) -> list[int]:
        return self._top if parent < 0 else self._nodes[parent].children

    def _index_of_node(self, position: int, column: int) -> QModelIndex:
        row = self._siblings(self._nodes[position].parent).index(position)
        return self.createIndex(row, column, position)

    # QAbstractItemModel
    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        siblings = self._siblings(parent.internalId() if parent.isValid() else -1)
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        return QModelIndex() if parent < 0 else self._index_of_node(parent, NAME)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self._top)
        if parent.column() != NAME:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = ROOT) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section != NAME:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        count = (0, node.counts.new, node.counts.learning, node.counts.review)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return node.deck.name if node.deck is not None else ALL_DECKS
            return str(count)
        if role == DECK_ID_ROLE:
            return node.deck_id
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return node.deck.full_name if node.deck is not None else "Every deck together"
        if role == Qt.ItemDataRole.TextAlignmentRole and column != NAME:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column != NAME and count == 0:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None
