"""The course library as a table: topic, level, duration, progress and when last studied."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QWidget,
)

from app.core.courses.library import LibraryRow

Index = QModelIndex | QPersistentModelIndex
COURSE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 2


class LibraryColumn(IntEnum):
    TOPIC = 0
    LEVEL = 1
    DURATION = 2
    PROGRESS = 3
    LAST_STUDIED = 4


HEADERS = {
    LibraryColumn.TOPIC: "Course",
    LibraryColumn.LEVEL: "Level",
    LibraryColumn.DURATION: "Duration",
    LibraryColumn.PROGRESS: "Progress",
    LibraryColumn.LAST_STUDIED: "Last studied",
}


def studied_text(when: datetime | None) -> str:
    """The local date (and time, if today) a course was last studied, or "Not yet"."""
    if when is None:
        return "Not yet"
    local = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
    locale = QLocale()
    if local.date() == QDateTime.currentDateTime().date():
        return f"Today, {locale.toString(local.time(), QLocale.FormatType.ShortFormat)}"
    return locale.toString(local.date(), QLocale.FormatType.ShortFormat)


class LibraryModel(QAbstractTableModel):
    """Rows are `LibraryRow`s in the order the core sorted them; read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LibraryRow] = []

    def set_rows(self, rows: list[LibraryRow]) -> None:
        if [r.course_id for r in rows] == [r.course_id for r in self.rows]:
            self.rows = list(rows)  # same courses, same order: only values changed
            if rows:
                last = self.index(len(rows) - 1, len(LibraryColumn) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, course_id: str) -> int | None:
        for number, row in enumerate(self.rows):
            if row.course_id == course_id:
                return number
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LibraryColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(LibraryColumn)
        ):
            return HEADERS[LibraryColumn(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = LibraryColumn(index.column())
        if role == COURSE_ID_ROLE:
            return row.course_id
        if role == PERCENT_ROLE:
            return row.percent
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is LibraryColumn.PROGRESS:
                return f"{row.completed_count} of {row.lesson_count} lessons completed"
            if column is LibraryColumn.TOPIC and row.is_sample:
                return "Sample course: remove it from Today when you no longer need it"
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column is LibraryColumn.PROGRESS:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _text(self, row: LibraryRow, column: LibraryColumn) -> str:
        if column is LibraryColumn.TOPIC:
            return f"{row.topic} (sample)" if row.is_sample else row.topic
        if column is LibraryColumn.LEVEL:
            return row.level[:1].upper() + row.level[1:]
        if column is LibraryColumn.DURATION:
            return row.duration or ""
        if column is LibraryColumn.PROGRESS:
            return f"{row.percent} %"
        return studied_text(row.last_studied)


class ProgressDelegate(QStyledItemDelegate):
    """Draws `PERCENT_ROLE` as a progress bar with the percentage on it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        percent = index.data(PERCENT_ROLE)
        if not isinstance(percent, int):
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The row's own background (selection, alternate color) first.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(6, 5, -6, -5)
        bar.minimum = 0
        bar.maximum = 100
        bar.progress = percent
        bar.text = f"{percent} %"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
