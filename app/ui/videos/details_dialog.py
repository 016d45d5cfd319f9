"""Edit a video's title, its place among the question bank's categories (subject, system, topic
and tags, comma-separated as everywhere in Study Desk) and the course or lesson it belongs to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.tags import format_tags, parse_tags
from app.core.videos.library import VideoRow
from app.core.videos.library_actions import Categories, VideoLink
from app.core.videos.links import CourseChoice

NOT_LINKED = "Not linked to a course"


def lay_out_with_save(dialog: QDialog, *parts: QLayout | QWidget) -> None:
    """The dialog's parts top to bottom, then Save and Cancel."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(buttons)


class DetailsDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        row: VideoRow,
        subjects: tuple[str, ...],
        courses: tuple[CourseChoice, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Video Details")
        self.title = QLineEdit(row.title)
        self.subject = QComboBox()
        self.subject.setEditable(True)
        self.subject.addItems(["", *subjects])
        self.subject.setCurrentText(row.subject or "")
        self.system = QLineEdit(row.system or "")
        self.system.setPlaceholderText("e.g. Cardiovascular")
        self.topic = QLineEdit(row.topic or "")
        self.tags = QLineEdit(format_tags(row.tags))
        self.tags.setPlaceholderText("comma-separated, e.g. exam, week 3")
        self.link = QComboBox()
        self.link.addItem(NOT_LINKED, VideoLink())
        bold = QFont(self.link.font())
        bold.setBold(True)
        self.full_names = [NOT_LINKED]  # what the tooltip says of each choice
        for course in courses:
            self.link.addItem(course.title, VideoLink(course_id=course.id))
            self.link.setItemData(self.link.count() - 1, bold, Qt.ItemDataRole.FontRole)
            self.full_names.append(course.title)
            for lesson in course.lessons:
                self.link.addItem(
                    f"    {lesson.number}  {lesson.title}", VideoLink(lesson_id=lesson.id)
                )
                self.full_names.append(f"{course.title} › {lesson.number} {lesson.title}")
        self.link.currentIndexChanged.connect(
            lambda at: self.link.setToolTip(self.full_names[at] if at >= 0 else "")
        )
        self.link.setCurrentIndex(max(0, self._link_index(row)))
        self.link.setToolTip(self.full_names[self.link.currentIndex()])
        if not courses:
            self.link.setEnabled(False)
            self.link.setItemText(0, "No courses yet (Lessons adds them)")
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Subject", self.subject)
        form.addRow("S&ystem", self.system)
        form.addRow("To&pic", self.topic)
        form.addRow("T&ags", self.tags)
        form.addRow("&Course", self.link)
        lay_out_with_save(self, form)
        self.resize(480, 270)

    def _link_index(self, row: VideoRow) -> int:
        wanted = (
            VideoLink(lesson_id=row.lesson_id)
            if row.lesson_id
            else VideoLink(course_id=row.course_id)
        )
        return next((n for n in range(self.link.count()) if self.link.itemData(n) == wanted), 0)

    def chosen_link(self) -> VideoLink | None:
        """The link chosen; None when the choice was not offered (no courses)."""
        if not self.link.isEnabled():
            return None
        link = self.link.currentData()
        return link if isinstance(link, VideoLink) else VideoLink()

    def categories(self) -> Categories:
        return Categories(
            self.subject.currentText(),
            self.system.text(),
            self.topic.text(),
            parse_tags(self.tags.text()),
        )
