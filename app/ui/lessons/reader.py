"""The lesson reader: the lesson's text and parts in one readable column, with mark complete,
previous/next, notes, flashcards and a text size of its own.

Opening a lesson reads it on a worker, then records the visit in a separate write. Every answer
and every mark is a write; what the learner sees afterwards comes from what the core returned.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.courses import lesson_actions
from app.core.courses.lesson_log import LessonStatus, Recorded
from app.core.courses.lesson_reading import ReaderLesson, lesson_for_reading
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.device_settings import READER_ZOOMS
from app.ui.focus_order import put_after
from app.ui.key_help import KeyDialog, add_shortcut
from app.ui.lessons.lesson_browser import LessonBrowser
from app.ui.lessons.lesson_notes import LessonNotesList
from app.ui.lessons.note_dialog import NoteDialog
from app.ui.lessons.reader_parts import NO_CONTENT_TEXT, LessonParts
from app.ui.lessons.widgets import (
    NO_CONTENT,
    STATUS_TEXT,
    heading,
    muted,
    percent_text,
    rescale,
    scaled_font,
)
from app.ui.refresh import RefreshOnChange

LINE_CHARACTERS = 75  # a comfortable line length for reading
NOTICE_MS = 8000


class ReaderPage(RefreshOnChange, QWidget):
    """`loaded(ReaderLesson)` after a lesson is shown; `gone()` when it no longer exists."""

    SHOWS = Change.COURSES | Change.LESSONS

    loaded = Signal(object)
    gone = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lesson: ReaderLesson | None = None
        self.lesson_id: str | None = None
        self.parts: LessonParts | None = None
        self.note_dialog: NoteDialog | None = None
        self.zoom = context.settings.reader_zoom

        self.meta = muted(QLabel())
        self.meta.setWordWrap(True)
        self.title = heading("", 1.6)
        self.summary = muted(QLabel())
        self.summary.setWordWrap(True)
        self.state = muted(QLabel())
        self.state.setTextFormat(Qt.TextFormat.RichText)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.state.linkActivated.connect(lambda _link: self.go_to_notes())
        self.note_count = 0
        self._shown_state: tuple[LessonStatus, float | None] = (LessonStatus.NOT_STARTED, None)
        self.notes = LessonNotesList(context)
        self.notes.counted.connect(self._notes_counted)
        self.browser = LessonBrowser()
        self.empty = QFrame()
        self.empty.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty.setBackgroundRole(QPalette.ColorRole.Window)
        self.empty.setAutoFillBackground(True)
        self.empty_text = QLabel(NO_CONTENT_TEXT)
        self.empty_text.setWordWrap(True)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(16, 14, 16, 14)
        empty_layout.addWidget(heading(NO_CONTENT, 1.1))
        empty_layout.addWidget(self.empty_text)
        self.empty.hide()
        self.column = QWidget()
        self.column_layout = QVBoxLayout(self.column)
        self.column_layout.setContentsMargins(0, 0, 0, 24)
        self.column_layout.setSpacing(8)
        for widget in (self.meta, self.title, self.summary, self.state, self.browser, self.empty):
            self.column_layout.addWidget(widget)
        self.column_layout.addWidget(self.notes)  # the lesson's parts go in above it
        self.column_layout.addStretch(1)
        inner = QWidget()
        inner.setBackgroundRole(QPalette.ColorRole.Base)  # the page the lesson is printed on
        inner.setAutoFillBackground(True)
        centred = QHBoxLayout(inner)
        centred.setContentsMargins(8, 4, 8, 4)
        centred.addStretch(1)
        centred.addWidget(self.column, 1000)
        centred.addStretch(1)
        # The page is as tall as the lesson at its width. Left to the layout, its least height
        # is the lesson's at the column's narrowest, every wrapped line counted there: up to a
        # screenful of blank page below the last part.
        inner.setMinimumHeight(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setAccessibleName("Lesson")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(inner)

        self.previous_button = QPushButton("‹ Previous")
        self.previous_button.setToolTip("Previous lesson (Alt+Left or Ctrl+[)")
        self.previous_button.clicked.connect(self.go_previous)
        self.next_button = QPushButton("Next ›")
        self.next_button.setToolTip("Next lesson (Alt+Right or Ctrl+])")
        self.next_button.clicked.connect(self.go_next)
        # What the reader says ("Flashcard added to the deck …") goes above the buttons, the
        # page's width: between them it was a narrow column, up to seven lines tall.
        self.notice = muted(QLabel())
        self.notice.setWordWrap(True)
        self.notice.setContentsMargins(8, 0, 8, 0)
        self.notice.hide()
        self.note_button = QPushButton("Add a Note…")
        self.note_button.setToolTip(
            "A note linked to this lesson, quoting the selected text (Ctrl+Shift+N)"
        )
        self.note_button.clicked.connect(self.add_note)
        self.complete_button = QPushButton("Mark Complete")
        self.complete_button.setToolTip("Ctrl+Enter")
        self.complete_button.clicked.connect(self.mark_complete)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.note_button)
        bar.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.notice)
        layout.addLayout(bar)

        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(lambda: self.say(""))
        self._add_shortcuts()
        self._apply_zoom()
        self._show_navigation()
        self.listen_for_changes(context.runner)

    def _add_shortcuts(self) -> None:
        keys = {
            self.mark_complete: ("Mark the lesson complete", "Ctrl+Return", "Ctrl+Enter"),
            self.go_previous: ("The previous lesson", "Alt+Left", "Ctrl+["),
            self.go_next: ("The next lesson", "Alt+Right", "Ctrl+]"),
            self.add_note: ("A note on the lesson or the selected passage", "Ctrl+Shift+N"),
            self.zoom_in: ("Larger lesson text", "Ctrl+=", "Ctrl++"),
            self.zoom_out: ("Smaller lesson text", "Ctrl+-"),
            self.zoom_reset: ("Lesson text at its usual size", "Ctrl+0"),
        }
        self.shortcuts: list[QShortcut] = []
        for slot, (description, *sequences) in keys.items():
            for sequence in sequences:
                self.shortcuts.append(
                    add_shortcut(
                        self, sequence, description, slot, Qt.ShortcutContext.WindowShortcut
                    )
                )

    # Showing a lesson
    def show_lesson(self, lesson_id: str, *, record: bool = True) -> None:
        self.lesson_id = lesson_id
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: lesson_for_reading(
                opened.database, lesson_id, opened.profile.media_dir
            ),
            on_done=lambda found: self._show(found, record),
            owner=self,
            latest="lesson",
        )

    def _show(self, lesson: ReaderLesson | None, record: bool) -> None:
        if lesson is None:
            self.lesson = None
            self.gone.emit()
            return
        self.lesson = lesson
        view = lesson.view
        week = f" · Week {view.module_week}" if view.module_week is not None else ""
        self.meta.setText(
            f"Module {view.number.split('.')[0]}: {view.module_title}{week}"
            f" · Lesson {view.index_in_course + 1} of {view.lesson_count}"
        )
        self.title.setText(f"{view.number}  {view.title}")
        self.title.setVisible(not lesson.repeats_title)
        self.summary.setText(view.summary or "")
        self.summary.setVisible(bool(view.summary))
        self.browser.setVisible(bool(view.markdown.strip()))
        self.browser.show_markdown(view.markdown, self.context.opened.profile.media_dir)
        self.empty.setVisible(not view.has_content)
        self._replace_parts(lesson)
        if self.notes.lesson_id != view.lesson_id:
            self.note_count = 0
        self.notes.show_lesson(view.lesson_id)
        self._show_state(view.state.status, view.state.score)
        self._show_navigation()
        self.scroll_area.verticalScrollBar().setValue(0)
        self.loaded.emit(lesson)
        if record:
            lesson_id = view.lesson_id
            opened = self.context.opened
            self.context.runner.run_write(
                lambda _progress: lesson_actions.record_lesson_opened(opened.database, lesson_id),
                label="",
                on_done=self._recorded,
                owner=self,
            )

    def _replace_parts(self, lesson: ReaderLesson) -> None:
        if self.parts is not None:
            self.column_layout.removeWidget(self.parts)
            self.parts.hide()  # out of the Tab chain at once, not when it is deleted
            self.parts.deleteLater()
        self.parts = LessonParts(self.context, lesson)
        self.parts.recorded.connect(self._recorded)
        self.parts.said.connect(self.say)
        self.column_layout.insertWidget(self.column_layout.indexOf(self.notes), self.parts)
        self.parts.show()  # at once, not on the layout's next pass: Tab reaches it right away
        rescale(self.column)
        # The new parts joined the end of the Tab order; the buttons below the page follow them.
        buttons = [self.previous_button, self.next_button, self.note_button, self.complete_button]
        put_after(self.parts.last_control() or self.browser, buttons)

    def _show_state(self, status: LessonStatus, score: float | None) -> None:
        self._shown_state = (status, score)
        text = STATUS_TEXT[status]
        if score is not None:
            text += f" · Last score {percent_text(score)}"
        if self.note_count:
            count = "1 note" if self.note_count == 1 else f"{self.note_count} notes"
            text += f' · <a href="#notes">Your {count}</a> below'
        self.state.setText(text)
        done = status is LessonStatus.COMPLETED
        self.complete_button.setText("✓ Completed" if done else "Mark Complete")
        self.complete_button.setEnabled(self.lesson is not None and not done)

    def _show_navigation(self) -> None:
        view = self.lesson.view if self.lesson else None
        self.previous_button.setEnabled(bool(view and view.previous_lesson_id))
        self.next_button.setEnabled(bool(view and view.next_lesson_id))
        self.note_button.setEnabled(view is not None)

    def _notes_counted(self, count: int) -> None:
        self.note_count = count
        if self.lesson is not None:
            self._show_state(*self._shown_state)

    def go_to_notes(self) -> None:
        top = self.notes.mapTo(self.scroll_area.viewport(), QPoint(0, 0)).y()
        top += self.scroll_area.verticalScrollBar().value()
        self.scroll_area.verticalScrollBar().setValue(top)

    def _recorded(self, recorded: Recorded) -> None:
        if self.lesson is not None and recorded.lesson_id == self.lesson.view.lesson_id:
            self._show_state(recorded.state.status, recorded.state.score)

    def refresh(self) -> None:
        if self.lesson_id is not None:
            self.show_lesson(self.lesson_id, record=False)

    # Actions
    def go_previous(self) -> None:
        if self.lesson is not None and self.lesson.view.previous_lesson_id:
            self.show_lesson(self.lesson.view.previous_lesson_id)

    def go_next(self) -> None:
        if self.lesson is not None and self.lesson.view.next_lesson_id:
            self.show_lesson(self.lesson.view.next_lesson_id)

    def mark_complete(self) -> None:
        if self.lesson is None or not self.complete_button.isEnabled():
            return
        self.complete_button.setEnabled(False)
        lesson_id = self.lesson.view.lesson_id
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: lesson_actions.mark_lesson_complete(opened.database, lesson_id),
            label="Saving",
            on_done=self._completed,
            on_error=self._failed,
            owner=self,
        )

    def _completed(self, recorded: Recorded) -> None:
        self._recorded(recorded)
        if self.lesson is not None and self.lesson.view.next_lesson_id:
            self.say("Lesson complete. Alt+Right goes on to the next one.")
        else:
            self.say("Lesson complete.")

    def key_dialogs(self) -> tuple[KeyDialog, ...]:
        """For Help > Keyboard Shortcuts: the note dialog's keys."""
        return (KeyDialog("Add a Note", lambda: NoteDialog("A lesson", "", self)),)

    def add_note(self) -> None:
        if self.lesson is None:
            return
        dialog = NoteDialog(self.lesson.view.title, self.browser.selected_text(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.save_requested.connect(self._save_note)
        self.note_dialog = dialog
        dialog.open()

    def _save_note(self, title: str, body: str) -> None:
        dialog = self.note_dialog
        if self.lesson is None or dialog is None:
            return
        lesson_id = self.lesson.view.lesson_id
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: lesson_actions.add_lesson_note(
                opened.database, lesson_id, title, body
            ),
            label="Saving the note",
            on_done=lambda _added: self._note_saved(dialog),
            on_error=lambda error: dialog.failed(str(error)),
            owner=dialog,
        )

    def _note_saved(self, dialog: NoteDialog) -> None:
        dialog.accept()
        self.say("Note saved. It is listed under your notes at the end of this lesson.")

    def say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self._notice_timer.start()

    def _failed(self, error: UserError) -> None:
        self.say(str(error))
        if self.lesson is not None:
            self._show_state(self.lesson.view.state.status, self.lesson.view.state.score)

    # Text size
    def zoom_in(self) -> None:
        self._set_zoom(next((z for z in READER_ZOOMS if z > self.zoom), READER_ZOOMS[-1]))

    def zoom_out(self) -> None:
        self._set_zoom(next((z for z in reversed(READER_ZOOMS) if z < self.zoom), READER_ZOOMS[0]))

    def zoom_reset(self) -> None:
        self._set_zoom(100)

    def _set_zoom(self, zoom: int) -> None:
        if zoom != self.zoom:
            self.zoom = zoom
            self.context.settings.reader_zoom = zoom
            self._apply_zoom()

    def _apply_zoom(self) -> None:
        font = scaled_font(QApplication.font(), self.zoom / 100)
        self.column.setFont(font)
        rescale(self.column)
        # Cap the line length; the margins grow on wide windows instead.
        sample = "the quick brown fox jumps over a lazy dog "
        width = QFontMetricsF(font).horizontalAdvance(sample) / len(sample) * LINE_CHARACTERS
        self.column.setMaximumWidth(int(width))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._apply_zoom()  # the text size setting changed: keep the zoom relative to it
        super().changeEvent(event)
