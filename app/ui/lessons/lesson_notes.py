"""The learner's notes on the lesson being read, newest first, below the lesson: each with its
title, when it was written, the passage it quotes and what the learner wrote.

Until the Notebook exists this is where a note taken from a lesson can be read again. The list
reads on the task runner's pool, and again whenever notes change (a note saved from the reader,
or from anywhere else); when the lesson has no notes it shows nothing.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.core.changes import Change
from app.core.courses import course_reads
from app.core.courses.course_reads import NoteOnLesson
from app.ui.context import ViewContext
from app.ui.lessons.widgets import heading, markdown_label, muted, rescale
from app.ui.refresh import RefreshOnChange

TITLE = "Your notes on this lesson"


def written_at(moment: datetime) -> str:
    """ "5 December 2026, 14:32" in the learner's time zone."""
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y, %H:%M}"


class NoteBox(QFrame):
    def __init__(self, note: NoteOnLesson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note_id = note.note_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setAutoFillBackground(True)
        self.title = heading(note.title, 1.0)
        self.when = muted(QLabel(written_at(note.created_at)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.when)
        self.quote: QLabel | None = None
        if note.quote:
            self.quote = muted(QLabel(f"“{note.quote}”"))
            self.quote.setWordWrap(True)
            self.quote.setIndent(12)
            self.quote.setAccessibleName("The passage this note quotes")
            layout.addWidget(self.quote)
        self.text: QLabel | None = None
        if note.text:
            self.text = markdown_label(note.text)
            layout.addWidget(self.text)


class LessonNotesList(RefreshOnChange, QWidget):
    """`counted(n)`: how many notes the lesson now lists (after each read)."""

    SHOWS = Change.NOTES

    counted = Signal(int)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lesson_id: str | None = None
        self.notes: tuple[NoteOnLesson, ...] = ()
        self.boxes: list[NoteBox] = []
        self.heading = heading(TITLE, 1.25)
        self.heading.hide()
        self.list = QVBoxLayout()
        self.list.setSpacing(10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)  # apart from the lesson's last part, as they are
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addLayout(self.list)
        self.listen_for_changes(context.runner)

    def show_lesson(self, lesson_id: str) -> None:
        if lesson_id != self.lesson_id:
            self._show(())
        self.lesson_id = lesson_id
        self.refresh()

    def refresh(self) -> None:
        lesson_id = self.lesson_id
        if lesson_id is None:
            return
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: course_reads.lesson_notes(opened.database, lesson_id),
            on_done=self._arrived,
            owner=self,
            latest="notes",
        )

    def _arrived(self, notes: tuple[NoteOnLesson, ...]) -> None:
        self._show(notes)
        self.counted.emit(len(notes))

    def _show(self, notes: tuple[NoteOnLesson, ...]) -> None:
        self.notes = notes
        for box in self.boxes:
            self.list.removeWidget(box)
            box.deleteLater()
        self.boxes = [NoteBox(note) for note in notes]
        for box in self.boxes:
            self.list.addWidget(box)
        self.heading.setVisible(bool(notes))
        rescale(self)
