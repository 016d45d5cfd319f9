""" "Who is studying?": the list of profiles shown at launch when there is more than one, after a
profile could not be opened, and by File > Switch Profile (where Cancel, or Escape, goes back to
the profile that is open)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.profiles import Profile
from app.paths import DataLocations
from app.ui.dialogs.profile_forms import NewProfileDialog, ProfileEdited
from app.ui.icons import blank_icon, lock_icon
from app.ui.tasks import TaskRunner

ProfileRole = Qt.ItemDataRole.UserRole


class ProfilePicker(QDialog):
    """Accepts with `chosen()` set. Rejecting means the learner chose Quit at launch, or, when
    switching from the open profile `open_id`, Cancel: stay with it."""

    def __init__(
        self,
        runner: TaskRunner,
        locations: DataLocations,
        profiles: list[Profile],
        *,
        selected_id: str | None = None,
        note: str = "",
        open_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.open_id = open_id
        self.setWindowTitle("Study Desk")
        self.runner = runner
        self.locations = locations
        self.new_dialog: NewProfileDialog | None = None
        heading = QLabel("Who is studying?")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        switching = open_id is not None
        hint = QLabel(
            "Choose the profile to switch to, or make a new one."
            if switching
            else "Choose your profile, or make a new one."
        )
        # e.g. which profile holds this learner's data from the older app
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(2)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.new_button = QPushButton("&New Profile…")  # Enter opens, Escape quits
        self.new_button.clicked.connect(self.create_profile)
        self.quit_button = QPushButton("Cancel" if switching else "Quit")
        self.quit_button.clicked.connect(self.reject)
        self.open_button = QPushButton("Open")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.resize(380, 340)
        self.set_profiles(profiles, selected_id)

    def set_profiles(self, profiles: list[Profile], selected_id: str | None = None) -> None:
        self.list.clear()
        lock, blank = lock_icon(self.list), blank_icon(self.list)
        for profile in profiles:
            label = profile.name + ("  (open now)" if profile.id == self.open_id else "")
            item = QListWidgetItem(lock if profile.locked else blank, label)
            item.setData(ProfileRole, profile)
            if profile.locked:
                item.setToolTip("Protected by a password")
            self.list.addItem(item)
            if profile.id == selected_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def names(self) -> list[str]:
        return [self.list.item(row).data(ProfileRole).name for row in range(self.list.count())]

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ProfileRole).name.casefold() == name.casefold():
                self.list.setCurrentRow(row)

    def chosen(self) -> Profile | None:
        item = self.list.currentItem()
        profile = item.data(ProfileRole) if item is not None else None
        return profile if isinstance(profile, Profile) else None

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()

    def create_profile(self) -> None:
        self.new_dialog = NewProfileDialog(self.runner, self.locations, self)
        self.new_dialog.succeeded.connect(self._created)
        self.new_dialog.open()

    def _created(self, edited: ProfileEdited) -> None:
        profiles = [self.list.item(row).data(ProfileRole) for row in range(self.list.count())]
        if edited.profile is not None:
            profiles.append(edited.profile)
            profiles.sort(key=lambda p: p.name.casefold())
        self.set_profiles(profiles, edited.profile.id if edited.profile else None)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.chosen() is not None)
