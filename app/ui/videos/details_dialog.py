"""Edit a video's title and its place among the question bank's categories: subject, system,
topic and tags (comma-separated, as everywhere in Study Desk)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.tags import format_tags, parse_tags
from app.core.videos.library import VideoRow
from app.core.videos.library_actions import Categories


class DetailsDialog(QDialog):
    def __init__(self, parent: QWidget | None, row: VideoRow, subjects: tuple[str, ...]) -> None:
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
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Subject", self.subject)
        form.addRow("S&ystem", self.system)
        form.addRow("To&pic", self.topic)
        form.addRow("T&ags", self.tags)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 240)

    def categories(self) -> Categories:
        return Categories(
            self.subject.currentText(),
            self.system.text(),
            self.topic.text(),
            parse_tags(self.tags.text()),
        )
