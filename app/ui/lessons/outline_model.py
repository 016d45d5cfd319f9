"""Tree models of a course outline: modules with their lessons, and placement checks with their
questions. Both are two levels deep; a child's internal id is its parent's row + 1, a top-level
row's is 0."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import QWidget

from app.core.courses.lesson_log import LessonStatus
from app.core.courses.outline import LessonOutline, ModuleOutline
from app.core.courses.placement import PlacementItem, PlacementView
from app.ui.lessons.library_model import studied_text
from app.ui.lessons.widgets import NO_CONTENT, STATUS_TEXT, percent_text, status_icon

Index = QModelIndex | QPersistentModelIndex
LESSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HAS_CONTENT_ROLE = Qt.ItemDataRole.UserRole + 2


class OutlineColumn(IntEnum):
    LESSON = 0
    STATUS = 1
    SCORE = 2


class _TwoLevelModel(QAbstractItemModel):
    """Shared tree plumbing; subclasses say how many children a top-level row has."""

    columns: tuple[str, ...] = ()

    def child_count(self, row: int) -> int:
        raise NotImplementedError

    def top_count(self) -> int:
        raise NotImplementedError

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return self.top_count()
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return self.child_count(parent.row())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class OutlineModel(_TwoLevelModel):
    """Modules ("Week 1 · 1. Title") with their lessons: number and title, status, score."""

    columns = ("Lesson", "Status", "Score")

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget  # icons take its palette
        self.modules: tuple[ModuleOutline, ...] = ()
        self._icons: dict[LessonStatus | None, QIcon] = {}

    def set_modules(self, modules: tuple[ModuleOutline, ...]) -> None:
        self.beginResetModel()
        self.modules = modules
        self._icons = {}
        self.endResetModel()

    def top_count(self) -> int:
        return len(self.modules)

    def child_count(self, row: int) -> int:
        return len(self.modules[row].lessons) if row < len(self.modules) else 0

    def lesson_at(self, index: Index) -> LessonOutline | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        module = self.modules[index.internalId() - 1]
        return module.lessons[index.row()]

    def index_of_lesson(self, lesson_id: str) -> QModelIndex:
        for m_row, module in enumerate(self.modules):
            for l_row, lesson in enumerate(module.lessons):
                if lesson.lesson_id == lesson_id:
                    return self.index(l_row, 0, self.index(m_row, 0))
        return QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        lesson = self.lesson_at(index)
        if lesson is None:
            return self._module_data(self.modules[index.row()], index.column(), role)
        return self._lesson_data(lesson, OutlineColumn(index.column()), role)

    def _module_data(self, module: ModuleOutline, column: int, role: int) -> object:
        if column != OutlineColumn.LESSON:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            week = f"Week {module.week} · " if module.week is not None else ""
            text = f"{week}Module {module.number}: {module.title}"
            if role == Qt.ItemDataRole.ToolTipRole and module.summary:
                return f"{text}\n\n{module.summary}"
            return text
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(self._widget.font())
            font.setBold(True)
            return font
        return None

    def _lesson_data(self, lesson: LessonOutline, column: OutlineColumn, role: int) -> object:
        if role == LESSON_ID_ROLE:
            return lesson.lesson_id
        if role == HAS_CONTENT_ROLE:
            return lesson.has_content
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column is OutlineColumn.LESSON:
                text = f"{lesson.number}  {lesson.title}"
                if role == Qt.ItemDataRole.ToolTipRole and lesson.summary:
                    return f"{lesson.title}\n\n{lesson.summary}"
                return text
            if column is OutlineColumn.STATUS:
                status = STATUS_TEXT[lesson.status]
                if not lesson.has_content:
                    return (
                        NO_CONTENT
                        if lesson.status is LessonStatus.NOT_STARTED
                        else (f"{status} · {NO_CONTENT.lower()}")
                    )
                return status
            return percent_text(lesson.score) or None
        if role == Qt.ItemDataRole.DecorationRole and column is OutlineColumn.STATUS:
            key = lesson.status if lesson.has_content else None
            if key not in self._icons:
                self._icons[key] = status_icon(self._widget, key)
            return self._icons[key]
        if role == Qt.ItemDataRole.ForegroundRole and not lesson.has_content:
            return self._widget.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is OutlineColumn.SCORE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.internalId() != 0:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags


class PlacementModel(_TwoLevelModel):
    """Placement checks (date, level, score), each with its questions and the answers given."""

    columns = ("Taken", "Level", "Score")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks: tuple[PlacementView, ...] = ()

    def set_checks(self, checks: tuple[PlacementView, ...]) -> None:
        self.beginResetModel()
        self.checks = checks
        self.endResetModel()

    def top_count(self) -> int:
        return len(self.checks)

    def child_count(self, row: int) -> int:
        return len(self.checks[row].items) if row < len(self.checks) else 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if index.internalId() == 0:
            check = self.checks[index.row()]
            values = (
                studied_text(check.taken_at),
                check.level[:1].upper() + check.level[1:],
                percent_text(check.score),
            )
            return values[index.column()] or None
        item = self.checks[index.internalId() - 1].items[index.row()]
        if index.column() != 0:
            return None  # a question's row spans the columns (setFirstColumnSpanned)
        return item_text(index.row() + 1, item)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.internalId() != 0:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags


def item_text(number: int, item: PlacementItem) -> str:
    """ "2. What is …? — Your answer: … (correct)" """
    result = {True: " (correct)", False: " (incorrect)", None: ""}[item.correct]
    answer = item.response if item.response is not None else "no answer recorded"
    return f"{number}. {item.question} — Your answer: {answer}{result}"
