"""The question bank as a table: bank id, the stem's opening words, subject, system,
difficulty, and the learner's figures (times seen, last result, flagged, notes, card).

Rows come a page at a time from `app.core.assessments.bank.bank_page`, sorted by the core;
scrolling to the end asks for the next page (`canFetchMore` / `more_wanted`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.core.assessments.bank import QuestionRow

Index = QModelIndex | QPersistentModelIndex

BANK_ID, QUESTION, SUBJECT, SYSTEM, DIFFICULTY, SEEN, LAST, FLAGGED, NOTES = range(9)
HEADERS = ("Id", "Question", "Subject", "System", "Level", "Seen", "Last", "Flag", "Notes")
# The core's sort for each column (None: not sortable there).
SORTS: dict[int, str | None] = {
    BANK_ID: "bank_id",
    QUESTION: None,
    SUBJECT: "subject",
    SYSTEM: "system",
    DIFFICULTY: "difficulty",
    SEEN: "times_seen",
    LAST: "last_result",
    FLAGGED: None,
    NOTES: None,
}
QUESTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RESULT_TEXT = {"correct": "Correct", "incorrect": "Incorrect", "omitted": "Omitted"}
RESULT_COLORS = {"correct": "#2e7d32", "incorrect": "#c62828", "omitted": "#b26a00"}


class BankTableModel(QAbstractTableModel):
    """`more_wanted(offset)`: the view scrolled to the last row loaded; read the page from
    `offset`. `sort_wanted(sort, descending)`: read again in this order."""

    more_wanted = Signal(int)
    sort_wanted = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[QuestionRow] = []
        self.total = 0
        self._asking = False

    def set_page(self, rows: tuple[QuestionRow, ...], total: int) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.total = max(total, len(self.rows))
        self._asking = False
        self.endResetModel()

    def append_page(self, rows: tuple[QuestionRow, ...], offset: int, total: int) -> None:
        self._asking = False
        if offset != len(self.rows) or not rows:
            self.total = len(self.rows) if not rows else self.total
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self.total = max(total, len(self.rows))
        self.endInsertRows()

    def question(self, index: Index) -> QuestionRow | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def row_of(self, question_id: str) -> int:
        return next((n for n, row in enumerate(self.rows) if row.id == question_id), -1)

    # QAbstractTableModel
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._asking and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._asking = True
            self.more_wanted.emit(len(self.rows))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                DIFFICULTY: "Difficulty",
                SEEN: "Times you have answered it",
                LAST: "Your last result",
                FLAGGED: "Flagged in a block",
                NOTES: "Notes linked to it, and ▣ when it has a card",
            }.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.question(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == QUESTION_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and column == QUESTION:
            return row.stem_preview
        if role == Qt.ItemDataRole.ForegroundRole and column == LAST and row.last_result:
            return QColor(RESULT_COLORS.get(row.last_result, "#000000"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SEEN, NOTES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == FLAGGED:
            return "flagged" if row.flagged else "not flagged"
        return None

    @staticmethod
    def _display(row: QuestionRow, column: int) -> str:
        if column == BANK_ID:
            return row.bank_id
        if column == QUESTION:
            return row.stem_preview
        if column == SUBJECT:
            return row.subject or ""
        if column == SYSTEM:
            return row.system or ""
        if column == DIFFICULTY:
            return row.difficulty or ""
        if column == SEEN:
            return str(row.times_seen) if row.times_seen else ""
        if column == LAST:
            return RESULT_TEXT.get(row.last_result or "", "")
        if column == FLAGGED:
            return "⚑" if row.flagged else ""
        card = " ▣" if row.has_card else ""
        return (str(row.note_count) if row.note_count else "") + card

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting reads again in the core's order (the whole bank, not only the rows here)."""
        name = SORTS.get(column)
        if name is not None:
            self.sort_wanted.emit(name, order == Qt.SortOrder.DescendingOrder)
