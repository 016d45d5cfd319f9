"""Help > About Study Desk: the version, where the learner's data and the logs are (with a
button to open each folder), Study Desk's licence and the licences of everything it carries
(generated from the installed packages: app/licences.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.paths import DataLocations


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None, locations: DataLocations) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Study Desk")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.locations = locations
        self.opened_folders: list[Path] = []  # what the buttons asked to open (for tests)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._about_page(), "&About")
        self.licence = self._text_page("Study Desk's licence")
        self.tabs.addTab(self.licence, "&Licence")
        self.third_party = self._text_page("Licences of the software Study Desk carries")
        self.tabs.addTab(self.third_party, "&Third-Party Licences")
        self.tabs.currentChanged.connect(self._fill_licences)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _about_page(self) -> QWidget:
        page = QWidget()
        title = QLabel(f"Study Desk {__version__}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.version_label = title
        words = QLabel(
            "Lessons, flashcards with spaced repetition, videos and notes, all on your own "
            "computer. Nothing is sent anywhere."
        )
        words.setWordWrap(True)

        grid = QGridLayout()
        self.data_folder = self._folder_row(grid, 0, "Your data:", self.locations.root)
        self.log_folder = self._folder_row(grid, 1, "Log files:", self.locations.logs_dir)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(words)
        layout.addSpacing(12)
        layout.addLayout(grid)
        layout.addStretch(1)
        return page

    def _folder_row(self, grid: QGridLayout, row: int, label: str, folder: Path) -> QPushButton:
        name = QLabel(label)
        path = QLabel(str(folder))
        path.setWordWrap(True)
        path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        button = QPushButton("Open Folder")
        button.setAccessibleName(f"Open the folder of {label.rstrip(':').lower()}")
        button.clicked.connect(lambda: self.open_folder(folder))
        grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(path, row, 1)
        grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
        return button

    def _text_page(self, accessible_name: str) -> QPlainTextEdit:
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setAccessibleName(accessible_name)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return text

    def open_folder(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)  # the log folder exists once something logs
        self.opened_folders.append(folder)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _fill_licences(self, _index: int = 0) -> None:
        """Read (or, from a checkout, generate) the texts when a licence tab is first shown."""
        from app.licences import own_licence_text, third_party_text

        if not self.licence.toPlainText():
            self.licence.setPlainText(own_licence_text())
        if self.tabs.currentWidget() is self.third_party and not self.third_party.toPlainText():
            self.third_party.setPlainText(third_party_text())
