"""Today's "continue your course" section: the course studied last, the lesson to open next,
and how far the course is done. A profile that has not started any course is offered its first
course instead; with no courses at all the section hides itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.ui.context import ViewContext
from app.ui.lessons.widgets import heading, muted, rescale
from app.ui.refresh import RefreshOnChange

if TYPE_CHECKING:  # the lessons core loads on the worker, off the first paint's path
    from app.core.courses.library import CourseInProgress
    from app.db.database import ProfileDatabase


def read_in_progress(database: ProfileDatabase) -> CourseInProgress | None:
    from app.core.courses.course_reads import course_to_continue

    return course_to_continue(database)


class ContinueCourseSection(RefreshOnChange, QFrame):
    """Continue opens the lesson where the learner stopped, through the window's navigator."""

    SHOWS = Change.COURSES | Change.LESSONS | Change.LESSON_PROGRESS
    HIDES_WHEN_EMPTY = True

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.found: CourseInProgress | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = heading("Continue your course", 1.25)
        self.course = QLabel()
        self.course.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(200)
        self.bar.setFormat("%p %")
        self.counts = muted(QLabel())
        self.button = QPushButton("&Continue")
        self.button.setDefault(True)
        self.button.clicked.connect(self._open)
        row = QHBoxLayout()
        row.addWidget(self.bar)
        row.addWidget(self.counts, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.addWidget(self.heading)
        layout.addWidget(self.course)
        layout.addLayout(row)
        rescale(self)
        self.hide()
        self.listen_for_changes(context.runner)
        self.refresh()

    def refresh(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: read_in_progress(opened.database),
            on_done=self._show,
            owner=self,
            latest="section",
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            QTimer.singleShot(0, self, lambda: rescale(self))  # once the new font has arrived
        super().changeEvent(event)

    def _show(self, found: CourseInProgress | None) -> None:
        self.found = found
        if found is None:
            self.hide()
            return
        row, target = found.course, found.target
        started = row.last_studied is not None
        self.heading.setText("Continue your course" if started else "Start a course")
        self.course.setText(f"{row.topic} — {target.lesson_title}")
        self.course.setToolTip(f"Opens “{target.lesson_title}”")
        self.bar.setValue(row.percent)
        self.counts.setText(f"{row.completed_count} of {row.lesson_count} lessons completed")
        self.button.setText("&Continue" if started else "&Start")
        self.show()

    def _open(self) -> None:
        if self.found is not None:
            self.context.navigator.open_lesson(self.found.target.lesson_id)
