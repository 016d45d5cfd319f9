"""A note's history: every saved version, newest first, its text shown read-only, and Restore.

Restoring writes a new version holding the old text (its parent is the current head), so
nothing in the history is ever lost, the restore included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ViewContext

if TYPE_CHECKING:
    from app.core.notes.note_reads import NoteVersionRow

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1


def version_label(row: NoteVersionRow, head: bool) -> str:
    when = row.created_at.astimezone().strftime("%d %b %Y, %H:%M:%S")
    size = f"{row.size:,} characters"
    merged = " · merged" if len(row.parent_ids) > 1 else ""
    return f"{when}{' · current' if head else ''}{merged}\n{row.title} · {size}"


class HistoryDialog(QDialog):
    """`restore_chosen` after an accepted `exec()`: the version id to restore."""

    def __init__(self, context: ViewContext, note_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.note_id = note_id
        self.restore_chosen: str | None = None
        self.setWindowTitle("Note History")
        self.versions = QListWidget()
        self.versions.setAccessibleName("Versions")
        self.versions.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Text of the version")
        self.heading = QLabel("Reading the history…")
        self.heading.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.versions)
        split.addWidget(self.text)
        split.setSizes([260, 440])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = self.buttons.addButton(
            "Restore This Version", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self._restore)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(split, 1)
        column.addWidget(self.buttons)
        self.versions.currentItemChanged.connect(lambda item, _old: self._show_version(item))
        self.resize(760, 480)
        self._read()

    def _read(self) -> None:
        from app.core.notes.note_reads import note_versions

        opened, note_id = self.context.opened, self.note_id
        self.context.runner.run_read(
            lambda _p: note_versions(opened.database, note_id), on_done=self._show, owner=self
        )

    def _show(self, rows: list[NoteVersionRow]) -> None:
        ordered = sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)
        self.versions.clear()
        for at, row in enumerate(ordered):
            item = QListWidgetItem(version_label(row, at == 0))
            item.setData(VERSION_ROLE, row.id)
            self.versions.addItem(item)
        count = len(ordered)
        self.heading.setText(
            f"{count} saved version{'s' if count != 1 else ''}, newest first. Choose one to read "
            "it; Restore makes it the current text (the history keeps everything)."
        )
        if ordered:
            self.versions.setCurrentRow(0)
            self.versions.setFocus()

    def _show_version(self, item: QListWidgetItem | None) -> None:
        from app.core.notes.note_reads import version_text

        if item is None:
            return
        version_id = str(item.data(VERSION_ROLE))
        self.restore_button.setEnabled(self.versions.row(item) > 0)
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: version_text(opened.database, version_id),
            on_done=lambda text: self.text.setPlainText(f"{text[0]}\n\n{text[1]}"),
            owner=self,
            latest="version",
        )

    def _restore(self) -> None:
        item = self.versions.currentItem()
        if item is None or self.versions.row(item) == 0:
            return
        self.restore_chosen = str(item.data(VERSION_ROLE))
        self.accept()
