"""Sync Settings' list of the computers signed in to the server account, and revoking one
(`studydesk sync devices [--revoke ID]` in the window).

The list is asked of the server on the read pool; a server that does not answer is a quiet line
under the list, never an error box. Revoking asks first, naming the computer and what follows:
it must sign in again to sync, and what it already synced stays. This computer's own sign-in is
not revoked here (its sync would stop with no way back but signing in again): Off does that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.dialogs import forms
from app.ui.sync.controller import ago

if TYPE_CHECKING:
    from app.ui.sync.work import Device, DeviceList

NAME, ID, SEEN, STATE = range(4)
DEVICE_ROLE = Qt.ItemDataRole.UserRole
ROWS_SHOWN = 3

ASKING = "Asking the server for the devices…"
UNREACHABLE = (
    "The server cannot be reached now, so its devices cannot be listed. They show here once it "
    "answers (Refresh List)."
)
NONE_YET = "No computer has signed in to this account yet."
THIS_ONE = (
    "“{name}” is the computer you are using: its own sign-in is not revoked here. To stop "
    "syncing on it, choose Off above and Turn Sync Off; or revoke it from another computer."
)
ONLY_THIS = "Only this computer is signed in to this account."
REVOKED_ALREADY = "“{name}” is already revoked: it syncs again only once it signs in again."


def revoke_question(device: Device) -> str:
    return (
        f"Revoke “{device.name}” (device {device.short_id})?\n\n"
        "That computer can no longer sync with this account: to sync again, it must sign in "
        "again (Sync Settings, with the password).\n\n"
        "Nothing is deleted: the changes it already synced stay, here and on your other "
        "computers, and what it changed since its last sync stays on it."
    )


class DevicesPanel(QWidget):
    """The account's devices: name, short id, last seen, this computer marked; Revoke."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.devices: tuple[Device, ...] = ()
        self._after = ""  # said once the list is read again (after a revoke)
        self.title = QLabel("&Devices signed in to this account:")
        self.tree = QTreeWidget()
        self.tree.setObjectName("sync-devices")
        self.tree.setAccessibleName("Devices signed in to this account")
        self.tree.setHeaderLabels(["Computer", "Id", "Last seen", "Sign-in"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (ID, SEEN, STATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.title.setBuddy(self.tree)
        self.revoke_button = QPushButton("Re&voke…")
        self.revoke_button.setToolTip("Sign the selected computer out of this account")
        self.revoke_button.clicked.connect(self.revoke)
        self.refresh_button = QPushButton("Refresh &List")
        self.refresh_button.clicked.connect(self.load)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("sync-devices-note")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QVBoxLayout()  # beside the list: the dialog stays within 800 x 600
        buttons.addWidget(self.revoke_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title, 0, 0, 1, 2)
        layout.addWidget(self.tree, 1, 0)
        layout.addLayout(buttons, 1, 1)
        layout.addWidget(self.note, 2, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self.tree.currentItemChanged.connect(lambda _now, _before: self._selection_changed())
        self._fit_rows()
        self._selection_changed()

    def _fit_rows(self) -> None:
        """Room for the header and `ROWS_SHOWN` rows; more scroll."""
        row = self.tree.fontMetrics().height() + 8
        header = self.tree.header().sizeHint().height()
        self.tree.setFixedHeight(header + row * ROWS_SHOWN + 2 * self.tree.frameWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size changed: rows again
            self._fit_rows()

    # Reading the list
    def load(self) -> None:
        from app.ui.sync import work

        opened = self.context.opened
        self.note.setText(ASKING)
        self.refresh_button.setEnabled(False)
        self.context.runner.run_read(
            lambda _progress: work.list_devices(opened),
            on_done=self._listed,
            on_error=self._list_failed,
            on_finally=lambda: self.refresh_button.setEnabled(True),
            owner=self,
            latest="devices",
        )

    def _listed(self, found: DeviceList) -> None:
        if found.unreachable:
            self.show_devices(self.devices)  # what was listed before stays
            self.note.setText(UNREACHABLE)
            return
        self.show_devices(found.devices)
        if self._after:
            self.note.setText(self._after)
        elif not found.devices:
            self.note.setText(NONE_YET)
        elif all(d.this for d in found.devices):
            self.note.setText(ONLY_THIS)
        self._after = ""

    def _list_failed(self, error: UserError) -> None:
        self.note.setText(f"The devices could not be listed: {error}")

    def show_devices(self, devices: tuple[Device, ...]) -> None:
        chosen = self.selected()
        self.devices = devices
        self.tree.clear()
        for device in devices:
            name = f"{device.name} (this computer)" if device.this else device.name
            item = QTreeWidgetItem(
                [
                    name,
                    device.short_id,
                    "now" if device.this else ago(device.last_seen),
                    "revoked" if device.revoked else "signed in",
                ]
            )
            item.setData(NAME, DEVICE_ROLE, device)
            item.setToolTip(
                ID,
                f"Device id {device.device_id or 'not known yet'}\n"
                f"Sign-in id {device.id} (studydesk sync devices)",
            )
            item.setToolTip(NAME, name)
            if device.this:
                font = item.font(NAME)
                font.setBold(True)
                item.setFont(NAME, font)
            self.tree.addTopLevelItem(item)
            if chosen is not None and chosen.id == device.id:
                self.tree.setCurrentItem(item)
        if self.tree.currentItem() is None:
            first = next(
                (
                    self.tree.topLevelItem(i)
                    for i, d in enumerate(devices)
                    if not d.this and not d.revoked
                ),
                self.tree.topLevelItem(0),
            )
            if first is not None:
                self.tree.setCurrentItem(first)
        self._selection_changed()

    def selected(self) -> Device | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(NAME, DEVICE_ROLE)

    def _selection_changed(self) -> None:
        device = self.selected()
        self.revoke_button.setEnabled(device is not None and not device.this and not device.revoked)
        if device is not None and device.this:
            self.note.setText(THIS_ONE.format(name=device.name))
        elif device is not None and device.revoked:
            self.note.setText(REVOKED_ALREADY.format(name=device.name))
        elif self.note.text().startswith(("“", "Revoked", ASKING)):
            self.note.setText("")

    # Revoking
    def revoke(self) -> None:
        from app.ui.sync import work

        device = self.selected()
        if device is None or device.revoked:
            return
        if device.this:
            self.note.setText(THIS_ONE.format(name=device.name))
            return
        if not forms.confirm(self, "Revoke Device", revoke_question(device), "Revoke"):
            return
        opened = self.context.opened
        self.revoke_button.setEnabled(False)
        self.note.setText(f"Revoking “{device.name}”…")
        self.context.runner.run_write(
            lambda _progress: work.revoke_device(opened, device),
            label="Revoking a device",
            on_done=self._revoked,
            on_error=self._revoke_failed,
            owner=self,
        )

    def _revoked(self, device: Device) -> None:
        self.load()
        self._after = (
            f"Revoked “{device.name}”: it must sign in again to sync. What it synced stays."
        )
        self.note.setText(self._after)

    def _revoke_failed(self, error: UserError) -> None:
        from app.sync.server_target import Unreachable

        self._selection_changed()
        if isinstance(error, Unreachable):
            self.note.setText(
                "The server cannot be reached now: nothing was revoked. Try again once it answers."
            )
        else:
            self.note.setText(str(error))
