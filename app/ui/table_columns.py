"""A table whose main column takes the room the others leave, but never less than it needs to
be read: on a narrow window the other columns scroll sideways instead of squeezing it to a few
letters (Qt's stretched column shrinks to its minimum, shared by every column)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView


class _MainColumn(QObject):
    def __init__(self, table: QTableView, column: int, least_characters: int) -> None:
        super().__init__(table)
        self.table, self.column, self.least_characters = table, column, least_characters
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _resized(self, section: int, _old: int, _new: int) -> None:
        if section != self.column:  # another column dragged or fitted: the main one follows
            self.fit()

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(
            header.sectionSize(section)
            for section in range(header.count())
            if section != self.column and not header.isSectionHidden(section)
        )
        least = self.table.fontMetrics().averageCharWidth() * self.least_characters
        header.resizeSection(self.column, max(least, self.table.viewport().width() - others))


def keep_main_column_readable(table: QTableView, column: int, least_characters: int) -> None:
    """`column` of `table` fills the width the other columns leave, at least
    `least_characters` average characters wide (the rest scrolls sideways then)."""
    _MainColumn(table, column, least_characters).fit()
