"""A course's outline page: what the course is about, its modules and lessons with status and
score, where to continue, and the placement checks taken for it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.courses.course_reads import course_outline
from app.core.courses.outline import CourseOutline
from app.ui.context import ViewContext
from app.ui.lessons.outline_model import (
    LESSON_ID_ROLE,
    OutlineColumn,
    OutlineModel,
    PlacementModel,
)
from app.ui.lessons.widgets import EnterOpens, heading, muted, rescale
from app.ui.refresh import RefreshOnChange


def _tree(model: OutlineModel | PlacementModel) -> QTreeView:
    tree = QTreeView()
    tree.setModel(model)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return tree


class CourseProgress(QProgressBar):
    """ "40 % complete", never narrower than its longest text ("100 % complete") at the text
    size in use: Qt sizes a progress bar by digits alone, so at a larger text size the words
    broke onto a second line, half hidden."""

    def _text_width(self) -> int:
        longest = self.format().replace("%p", "100")
        return (
            self.fontMetrics().horizontalAdvance(longest)
            + 2 * self.fontMetrics().averageCharWidth()
        )

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._text_width()), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._text_width()), hint.height())


class OutlinePage(RefreshOnChange, QWidget):
    """Shows one course; `lesson_chosen(lesson_id)` asks to open a lesson,
    `gone()` says the course no longer exists."""

    SHOWS = Change.COURSES | Change.LESSONS | Change.LESSON_PROGRESS | Change.PLACEMENT

    lesson_chosen = Signal(str)
    loaded = Signal(object)  # CourseOutline
    gone = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.course: CourseOutline | None = None
        self.course_id: str | None = None

        self.topic = heading("", 1.5)
        self.facts = muted(QLabel())
        self.facts.setWordWrap(True)
        self.progress = CourseProgress()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(260)
        self.progress.setFormat("%p % complete")
        self.continue_button = QPushButton("&Continue")
        self.continue_button.clicked.connect(self._continue)
        top = QHBoxLayout()
        top.addWidget(self.progress)
        top.addStretch(1)
        top.addWidget(self.continue_button)

        self.model = OutlineModel(self)
        self.tree = _tree(self.model)
        self.tree.setAccessibleName("Modules and lessons")
        self._opener = EnterOpens(self.tree, self._open_index, "lesson")

        self.objectives_title = heading("What you will learn", 1.05)
        self.objectives = QLabel()
        self.objectives.setWordWrap(True)
        self.objectives.setTextFormat(Qt.TextFormat.MarkdownText)
        self.placement_title = heading("Placement checks", 1.05)
        self.placement_model = PlacementModel(self)
        self.placement = _tree(self.placement_model)
        self.placement.setUniformRowHeights(False)
        self.placement.setWordWrap(True)
        self.placement.setAccessibleName("Placement checks")
        self.no_placement = muted(QLabel("No placement check was taken for this course."))
        self.no_placement.setWordWrap(True)

        self.placement_box = below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 6, 0, 0)
        below_layout.addWidget(self.placement_title)
        below_layout.addWidget(self.placement, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.topic)
        layout.addWidget(self.facts)
        layout.addLayout(top)
        layout.addWidget(self.objectives_title)
        layout.addWidget(self.objectives)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.no_placement)
        rescale(self)
        self.listen_for_changes(context.runner)

    def show_course(self, course_id: str) -> None:
        if course_id != self.course_id:
            self.course = None
            self.course_id = course_id
            self.model.set_modules(())
            self.placement_model.set_checks(())
        self.refresh()

    def refresh(self) -> None:
        if self.course_id is None:
            return
        opened = self.context.opened
        course_id = self.course_id
        self.context.runner.run_read(
            lambda _progress: course_outline(opened.database, course_id),
            on_done=self._show,
            owner=self,
            latest="outline",
        )

    def _show(self, course: CourseOutline | None) -> None:
        if course is None:
            self.course = None
            self.gone.emit()
            return
        current = self.tree.currentIndex().data(LESSON_ID_ROLE)
        self.course = course
        self.topic.setText(course.topic)
        facts = [course.level[:1].upper() + course.level[1:], course.duration or ""]
        facts.append(f"{course.completed_count} of {course.lesson_count} lessons completed")
        if course.is_sample:
            facts.append("sample course")
        self.facts.setText(" · ".join(f for f in facts if f))
        self.progress.setValue(course.percent)
        self.model.set_modules(course.modules)
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)  # a module's title
        self.tree.expandAll()
        self._show_continue()
        self._show_side(course)
        keep = self.model.index_of_lesson(str(current)) if current else QModelIndex()
        target = course.continue_target
        if not keep.isValid() and target is not None:
            keep = self.model.index_of_lesson(target.lesson_id)
        if keep.isValid():
            self.tree.setCurrentIndex(keep)
            self.tree.scrollTo(keep, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.loaded.emit(course)

    def _show_continue(self) -> None:
        target = self.course.continue_target if self.course else None
        self.continue_button.setEnabled(target is not None)
        if target is None:
            return
        verb = {"resume": "Continue", "next": "Start", "review": "Review"}.get(
            target.reason, "Continue"
        )
        if target.reason == "next" and self.course and self.course.completed_count:
            verb = "Next"
        self.continue_button.setText(f"&{verb}: {_short(target.lesson_title)}")
        self.continue_button.setToolTip(target.lesson_title)

    def _show_side(self, course: CourseOutline) -> None:
        self.objectives.setText("\n".join(f"- {o}" for o in course.objectives))
        self.objectives_title.setVisible(bool(course.objectives))
        self.objectives.setVisible(bool(course.objectives))
        self.placement_model.set_checks(course.placement)
        for row in range(self.placement_model.rowCount()):
            parent = self.placement_model.index(row, 0)
            for child in range(self.placement_model.rowCount(parent)):
                self.placement.setFirstColumnSpanned(child, parent, True)
        self.placement_box.setVisible(bool(course.placement))
        self.no_placement.setVisible(not course.placement)

    def _continue(self) -> None:
        target = self.course.continue_target if self.course else None
        if target is not None:
            self.lesson_chosen.emit(target.lesson_id)

    def _open_index(self, index: QModelIndex) -> None:
        lesson = self.model.lesson_at(index)
        if lesson is not None:
            self.lesson_chosen.emit(lesson.lesson_id)
        elif index.isValid():
            first = self.model.index(0, OutlineColumn.LESSON, index.siblingAtColumn(0))
            expanded = self.tree.isExpanded(index.siblingAtColumn(0))
            self.tree.setExpanded(index.siblingAtColumn(0), not expanded)
            if not expanded and first.isValid():
                self.tree.setCurrentIndex(first)


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
