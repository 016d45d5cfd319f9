"""File > Restore from Backup: pick a backup, confirm, and put it back.

Each backup is listed at once, then described in the background (`describe_backups`: its data
and media files, how big); the one selected is described in words under the list. Restoring
puts back the data and the media together, first saving what the profile holds now as a "before
restore" backup, so a restore can itself be undone; the learner is told where that backup went.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.restoring import (
    BackupInfo,
    DescribedBackup,
    RestoreResult,
    describe_backups,
    profile_backups,
    restore_open_profile,
)
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.dialogs.forms import confirm

_REASONS = {
    "manual": "Made by you",
    "auto": "Automatic",
    "on-close": "When Study Desk closed",
    "before-restore": "Before a restore",
    "before-import": "Before an import",
}
PathRole = Qt.ItemDataRole.UserRole
SummaryRole = Qt.ItemDataRole.UserRole + 1
MADE, WHY, HOLDS, SIZE = range(4)


def reason_text(reason: str) -> str:
    if reason.startswith("before-upgrade"):
        return "Before an update of Study Desk"
    return _REASONS.get(reason, reason.replace("-", " ").capitalize() or "Backup")


def when_text(taken_at: datetime) -> str:
    # Seconds included: two backups from the same minute must not look identical.
    return taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def holds_text(described: DescribedBackup) -> str:
    """The "Holds" column: what a backup has besides its data, in a few words."""
    contents = described.contents
    if contents is None:
        return "Cannot tell"
    if contents.media_files is None:
        return "Data only (before media)"
    if contents.media_files == 0:
        return "Data"
    files = "file" if contents.media_files == 1 else "files"
    missing = f", {contents.missing_media:,} missing" if contents.missing_media else ""
    return f"Data + {contents.media_files:,} media {files}{missing}"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class RestoreDialog(QDialog):
    """`restored(RestoreResult, when)` fires after the profile's data was replaced."""

    restored = Signal(object, str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        self.context = context
        self.intro = QLabel(
            f"Choose the backup of “{context.profile_name}” to go back to. What the profile "
            "holds now is backed up first, so you can return to it."
        )
        self.intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Made", "Why", "Holds", "Size"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        header.setSectionResizeMode(MADE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(HOLDS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SIZE, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemSelectionChanged.connect(self._describe_selected)
        self.list.itemActivated.connect(lambda *_: self.restore_selected())
        self.state = QLabel("Looking for backups…")
        self.state.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "Restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.buttons)
        self.resize(640, 400)
        self._update_buttons()
        profile = context.opened.profile
        context.runner.run_read(
            lambda _progress: profile_backups(profile), on_done=self._show_backups, owner=self
        )

    def selected_backup(self) -> Path | None:
        items = self.list.selectedItems()
        return Path(items[0].data(MADE, PathRole)) if items else None

    def restore_selected(self) -> None:
        backup = self.selected_backup()
        if backup is None:
            return
        when = self.list.selectedItems()[0].text(MADE)
        if not confirm(
            self,
            "Restore from Backup",
            f"Replace everything in “{self.context.profile_name}” with the backup from {when}?\n\n"
            "What is there now will be saved as a backup first.",
            "Restore",
        ):
            return
        self.restore_button.setEnabled(False)
        self.state.setText("Restoring…")
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: restore_open_profile(opened, backup),
            label="Restoring a backup",
            on_done=lambda result: self._restored(result, when),
            on_error=self._failed,
            on_finally=self._update_buttons,
            owner=self,
        )

    def _show_backups(self, backups: list[BackupInfo]) -> None:
        self.list.clear()
        for info in backups:
            item = QTreeWidgetItem(
                [when_text(info.taken_at), reason_text(info.reason), "…", size_text(info.size)]
            )
            item.setData(MADE, PathRole, str(info.path))
            item.setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
            self._describe_selected()
            self.context.runner.run_read(
                lambda _progress: describe_backups(backups),
                on_done=self._show_contents,
                owner=self,
            )
        else:
            self.state.setText(
                "There are no backups yet. Study Desk makes one when it closes after changes, "
                "every 30 minutes while you work, and when you choose File > Back Up Now."
            )
        self._update_buttons()

    def _show_contents(self, described: list[DescribedBackup]) -> None:
        """Fill in what each backup holds and its whole size (data and media)."""
        by_path = {str(d.info.path): d for d in described}
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            found = by_path.get(item.data(MADE, PathRole)) if item is not None else None
            if item is None or found is None:
                continue
            contents = found.contents
            item.setText(HOLDS, holds_text(found))
            summary = (
                f"This backup holds {contents.summary}." if contents is not None else found.problem
            )
            item.setData(MADE, SummaryRole, summary)
            for column in range(self.list.columnCount()):
                item.setToolTip(column, summary)
            if contents is not None:
                item.setText(SIZE, size_text(contents.total_bytes))
        self._describe_selected()

    def _describe_selected(self) -> None:
        """Under the list: what the selected backup holds, and where backups are kept."""
        items = self.list.selectedItems()
        where = f"Backups are kept in {self.context.opened.profile.backups_dir}"
        summary = items[0].data(MADE, SummaryRole) if items else None
        self.state.setText(f"{summary}\n{where}" if summary else where)

    def _restored(self, result: RestoreResult, when: str) -> None:
        self.restored.emit(result, when)
        self.accept()

    def _failed(self, error: UserError) -> None:
        self.state.setText(str(error))

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)
