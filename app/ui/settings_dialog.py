"""Settings: how Study Desk looks on this computer, and where it keeps the learner's files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ViewContext
from app.ui.device_settings import TEXT_SIZES, THEMES

THEME_NAMES = {"system": "Same as the system", "light": "Light", "dark": "Dark"}


def folder_row(path: Path) -> QWidget:
    """The path (selectable, so it can be copied) and a button that opens it."""
    row = QWidget()
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    button = QPushButton("Open")
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label, 1)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return row


class SettingsDialog(QDialog):
    """OK applies and stores the choices; Cancel leaves everything as it was."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.context = context
        settings = context.settings

        self.theme = QComboBox()
        for key in THEMES:
            self.theme.addItem(THEME_NAMES[key], key)
        self.theme.setCurrentIndex(THEMES.index(settings.theme))
        self.text_size = QComboBox()
        for percent, name in sorted(TEXT_SIZES.items()):
            self.text_size.addItem(name, percent)
        self.text_size.setCurrentIndex(sorted(TEXT_SIZES).index(settings.text_size))
        looks = QGroupBox("Appearance on this computer")
        looks_form = QFormLayout(looks)
        looks_form.addRow("Theme:", self.theme)
        looks_form.addRow("Text size:", self.text_size)

        profile = context.opened.profile
        places = QGroupBox("Where your files are")
        places_form = QFormLayout(places)
        places_form.addRow("Study Desk data:", folder_row(context.locations.root))
        places_form.addRow(f"Backups of “{profile.name}”:", folder_row(profile.backups_dir))
        places_form.addRow("Log files:", folder_row(context.locations.logs_dir))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(looks)
        layout.addWidget(places)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def accept(self) -> None:
        settings, appearance = self.context.settings, self.context.appearance
        settings.theme = str(self.theme.currentData())
        settings.text_size = int(self.text_size.currentData())
        appearance.apply_theme(settings.theme)
        appearance.apply_text_size(settings.text_size)
        super().accept()
