"""File > Manage Profiles: create, rename, protect with a password, and delete (to the trash)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.profile_changes import trash_profile
from app.core.profiles import Profile, list_profiles
from app.ui.context import ViewContext
from app.ui.dialogs.forms import WorkDialog, confirm
from app.ui.dialogs.profile_forms import (
    DeleteLockedDialog,
    NewProfileDialog,
    PasswordDialog,
    ProfileEdited,
    RenameProfileDialog,
    trash_text,
)
from app.ui.icons import blank_icon, lock_icon

ProfileRole = Qt.ItemDataRole.UserRole


class ProfilesDialog(QDialog):
    """Emits `edited(ProfileEdited)` after each change; the open profile's record is updated."""

    edited = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manage Profiles")
        self.context = context
        self.form: WorkDialog | None = None
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.new_button = QPushButton("&New…")
        self.rename_button = QPushButton("&Rename…")
        self.password_button = QPushButton("&Password…")
        self.delete_button = QPushButton("&Delete…")
        self.new_button.clicked.connect(self.create_profile)
        self.rename_button.clicked.connect(self.rename_profile)
        self.password_button.clicked.connect(self.change_password)
        self.delete_button.clicked.connect(self.delete_profile)
        side = QVBoxLayout()
        for button in (self.new_button, self.rename_button, self.password_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(self.delete_button)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.note)
        layout.addWidget(close)
        # Enter on a profile closes, as Close does (left to Qt, New… was the default button and
        # Enter opened the New Profile form); a button Tab reached still takes Enter itself.
        close.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self.resize(460, 320)
        self.reload()

    def reload(self, select_id: str | None = None) -> None:
        locations = self.context.locations
        selected = self.selected()
        keep = select_id or (selected or self.context.opened.profile).id
        self.context.runner.run_read(
            lambda _progress: list_profiles(locations),
            on_done=lambda profiles: self._show(profiles, keep),
            owner=self,
        )

    def selected(self) -> Profile | None:
        item = self.list.currentItem()
        profile = item.data(ProfileRole) if item is not None else None
        return profile if isinstance(profile, Profile) else None

    def names(self) -> list[str]:
        return [self.list.item(row).data(ProfileRole).name for row in range(self.list.count())]

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ProfileRole).name == name:
                self.list.setCurrentRow(row)

    def create_profile(self) -> None:
        self._open_form(NewProfileDialog(self.context.runner, self.context.locations, self))

    def rename_profile(self) -> None:
        if (profile := self.selected()) is not None:
            context = self.context
            form = RenameProfileDialog(
                context.runner, context.locations, profile, self, opened=context.opened
            )
            self._open_form(form)

    def change_password(self) -> None:
        if (profile := self.selected()) is not None:
            self._open_form(PasswordDialog(self.context.runner, profile, self))

    def delete_profile(self) -> None:
        profile = self.selected()
        if profile is None or self._is_open(profile):
            return
        locations = self.context.locations
        if profile.locked:
            self._open_form(DeleteLockedDialog(self.context.runner, locations, profile, self))
            return
        if not confirm(self, "Delete Profile", trash_text(locations, profile), "Delete"):
            return

        def delete(_progress: object) -> ProfileEdited:
            trash_profile(locations, profile)
            return ProfileEdited(None)

        self.context.runner.run_write(
            delete, label=f"Moving “{profile.name}” to the trash", on_done=self._edited, owner=self
        )

    def _open_form(self, form: WorkDialog) -> None:
        self.form = form
        form.succeeded.connect(self._edited)
        form.open()

    def _edited(self, edited: ProfileEdited) -> None:
        changed = edited.profile
        if changed is not None and changed.id == self.context.opened.profile.id:
            self.context.opened.profile = changed
        self.edited.emit(edited)
        self.reload(changed.id if changed is not None else None)

    def _is_open(self, profile: Profile) -> bool:
        return profile.id == self.context.opened.profile.id

    def _show(self, profiles: list[Profile], select_id: str | None) -> None:
        self.list.clear()
        lock, blank = lock_icon(self.list), blank_icon(self.list)
        for profile in profiles:
            label = profile.name + ("  (open now)" if self._is_open(profile) else "")
            item = QListWidgetItem(lock if profile.locked else blank, label)
            item.setData(ProfileRole, profile)
            item.setToolTip("Protected by a password" if profile.locked else "")
            self.list.addItem(item)
            if profile.id == select_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        profile = self.selected()
        for button in (self.rename_button, self.password_button, self.delete_button):
            button.setEnabled(profile is not None)
        is_open = profile is not None and self._is_open(profile)
        self.delete_button.setEnabled(profile is not None and not is_open)
        self.note.setText(
            "The open profile cannot be deleted. Switch to another profile first "
            "(File > Switch Profile)."
            if is_open
            else ""
        )
        self.note.setVisible(is_open)
