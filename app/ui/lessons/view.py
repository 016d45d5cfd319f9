"""Lessons: the library, a course's outline and the lesson reader, one above the other.

A breadcrumb ("Library › Course › Lesson") says where the learner is and leads back up;
Backspace and Esc go up one level as well. Each page reads its own data and refreshes itself on
`data_changed`; this view only moves between them.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.courses.lesson_reading import ReaderLesson
from app.core.courses.outline import CourseOutline
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.lessons.library_page import LibraryPage
from app.ui.lessons.outline_page import OutlinePage
from app.ui.lessons.reader import ReaderPage
from app.ui.lessons.widgets import rescale

SEPARATOR = " › "


def _link(target: str, text: str) -> str:
    return f'<a href="{target}">{escape(text)}</a>'


def _typing_in(widget: QWidget | None) -> bool:
    """Whether keyboard focus is in a place where the learner types text."""
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return False


class LessonsView(QWidget):
    title = "Lessons"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.course_topic = ""
        self.breadcrumb = QLabel()
        self.breadcrumb.setTextFormat(Qt.TextFormat.RichText)
        self.breadcrumb.setWordWrap(True)  # a long course or lesson title never widens the window
        self.breadcrumb.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.breadcrumb.linkActivated.connect(self._crumb_clicked)
        self.breadcrumb.setToolTip("Backspace or Esc goes up one level")
        self.library = LibraryPage(context)
        self.outline = OutlinePage(context)
        self.reader = ReaderPage(context)
        self.pages = QStackedWidget()
        for page in (self.library, self.outline, self.reader):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 14)
        layout.setSpacing(10)
        layout.addWidget(self.breadcrumb)
        layout.addWidget(self.pages, 1)

        self.library.course_chosen.connect(self.open_course)
        self.library.lesson_chosen.connect(self.open_lesson)
        self.outline.lesson_chosen.connect(self.open_lesson)
        self.outline.loaded.connect(self._outline_loaded)
        self.outline.gone.connect(self.show_library)
        self.reader.loaded.connect(self._lesson_loaded)
        self.reader.gone.connect(self._lesson_gone)
        for key in ("Backspace", "Esc"):
            add_shortcut(
                self, key, "Back up: from the lesson to its course, then the library", self.go_up
            )
        self._show_breadcrumb()

    def changeEvent(self, event: QEvent) -> None:
        # The text size setting changed (a window is told the second way, a child the first);
        # headings are sized once the new font has reached every page.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            QTimer.singleShot(0, self, self._rescale)  # not after the view is gone
        super().changeEvent(event)

    def _rescale(self) -> None:
        rescale(self.library)
        rescale(self.outline)

    @property
    def current_course_id(self) -> str | None:
        """The course being looked at (outline or reader), else the one selected in the
        library; what File > Export Course offers first."""
        if self.pages.currentWidget() is not self.library and self.outline.course_id:
            return self.outline.course_id
        return self.library.selected_course_id()

    def take_focus(self) -> None:
        """The keyboard into the page on screen: the course list (Enter opens the selected
        course), the outline, or the lesson."""
        page = self.pages.currentWidget()
        if page is self.library:
            has_rows = bool(self.library.model.rows)
            target: QWidget = self.library.table if has_rows else self.library.search
        else:
            target = self.outline.tree if page is self.outline else self.reader.scroll_area
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_library(self) -> None:
        self.pages.setCurrentWidget(self.library)
        self._show_breadcrumb()
        self.library.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_course(self, course_id: str) -> None:
        self.outline.show_course(course_id)
        self.pages.setCurrentWidget(self.outline)
        self._show_breadcrumb()
        self.outline.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_lesson(self, lesson_id: str) -> None:
        """Show a lesson (from Continue, the outline, or another view such as Today)."""
        self.reader.show_lesson(lesson_id)
        self.pages.setCurrentWidget(self.reader)
        self._show_breadcrumb()
        self.reader.scroll_area.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_up(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and _typing_in(focus) and self.isAncestorOf(focus):
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)  # first Esc leaves the text field
            return
        if self.pages.currentWidget() is self.reader and self.outline.course_id:
            self.open_course(self.outline.course_id)
            lesson_id = self.reader.lesson_id
            if lesson_id:
                index = self.outline.model.index_of_lesson(lesson_id)
                if index.isValid():
                    self.outline.tree.setCurrentIndex(index)
        elif self.pages.currentWidget() is not self.library:
            self.show_library()

    def _outline_loaded(self, course: CourseOutline) -> None:
        self.course_topic = course.topic
        self._show_breadcrumb()

    def _lesson_loaded(self, lesson: ReaderLesson) -> None:
        view = lesson.view
        if self.outline.course_id != view.course_id:
            self.outline.show_course(view.course_id)  # so that "up" leads to its course
        self.course_topic = view.course_topic
        self._show_breadcrumb()

    def _lesson_gone(self) -> None:
        if self.pages.currentWidget() is self.reader:
            self.show_library()

    def _crumb_clicked(self, target: str) -> None:
        if target == "library":
            self.show_library()
        elif target == "course" and self.outline.course_id:
            self.open_course(self.outline.course_id)

    def _show_breadcrumb(self) -> None:
        page = self.pages.currentWidget()
        self.breadcrumb.setVisible(page is not self.library)  # the library has its own title
        if page is self.library:
            return
        parts = [_link("library", "Library")]
        if page is self.outline:
            parts.append(f"<b>{escape(self.course_topic or '…')}</b>")
        else:
            parts.append(_link("course", self.course_topic or "…"))
            lesson = self.reader.lesson
            if lesson is not None:
                parts.append(f"<b>{escape(f'{lesson.view.number} {lesson.view.title}')}</b>")
        self.breadcrumb.setText(SEPARATOR.join(parts))
