"""File > Sync Settings…: sync this profile through a folder or a sync server, or not at all;
with this device's id, the last sync and the changes waiting.

Signing in to a server keeps a token for this device (the server can revoke it); the password
is sent once and kept nowhere. A folder's passphrase is kept in memory until Study Desk closes,
never on disk (see app/ui/sync/controller.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.sync.controller import SyncController, ago
from app.ui.sync.devices import DevicesPanel

if TYPE_CHECKING:
    from app.sync.engine import SyncStatus
    from app.ui.sync.work import SyncOutcome

OFF, FOLDER, SERVER = 0, 1, 2
MERGE_TEXT = "If it holds another profile's data, &merge the two (keeps everything of both)"
INSECURE_TEXT = "Allow plain &HTTP to this server (only on a network you trust)"


def needs_insecure_http(url: str) -> bool:
    """The address is plain http:// to another computer: refused unless the learner allows it
    (the client's own check, app.sync.server_target.check_url, as for `--insecure-http`)."""
    from app.sync.server_target import check_url

    try:
        check_url(url)
    except UserError:
        try:
            check_url(url, insecure_http=True)
        except UserError:
            return False  # not a server address at all
        return True
    return False


def url_problem(url: str, *, insecure_http: bool) -> str:
    """Why signing in to `url` is refused before anything is sent, in the window's words."""
    from app.sync.server_target import check_url

    try:
        check_url(url, insecure_http=insecure_http)
    except UserError as refused:
        if not needs_insecure_http(url):
            return str(refused)
        host = check_url(url, insecure_http=True).hostname
        return (
            f"Not signed in: {url.strip()} is plain http:// to {host}, so your password and "
            "your data would cross the network unencrypted. Use the server's https:// "
            "address; or, only on a network you trust, tick “Allow plain HTTP to this server”."
        )
    return ""


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("note")
    return label


class TargetForm(QWidget):
    """The folder or server fields, shared by Sync Settings and the first launch's offer."""

    def __init__(self, parent: QWidget | None = None, *, merge: bool = True) -> None:
        super().__init__(parent)
        self.off_radio = QRadioButton("&Off")
        self.off_radio.setToolTip("This profile stays on this computer")
        self.folder_radio = QRadioButton("A shared &folder")
        self.folder_radio.setToolTip("Syncthing, Dropbox, OneDrive, a network folder, a USB stick…")
        self.server_radio = QRadioButton("A Study Desk &sync server")
        self.kinds = QButtonGroup(self)
        for kind, radio in enumerate((self.off_radio, self.folder_radio, self.server_radio)):
            self.kinds.addButton(radio, kind)
        self.pages = QStackedWidget()

        self.off_page = QWidget()
        off = QVBoxLayout(self.off_page)
        off.setContentsMargins(0, 0, 0, 0)
        off.addWidget(
            _note(
                "This profile stays on this computer: nothing is sent anywhere. What was synced "
                "stays in this profile."
            )
        )
        off.addStretch(1)

        self.folder_page = QWidget()
        folder_form = QFormLayout(self.folder_page)
        folder_form.setContentsMargins(0, 0, 0, 0)
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(
            "The folder every computer shares (Syncthing, Dropbox, a USB stick…)"
        )
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        folder_label = QLabel("Fold&er:")
        folder_label.setBuddy(self.folder_edit)
        folder_form.addRow(folder_label, row)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText("Optional: encrypts what goes in the folder")
        folder_form.addRow("&Passphrase:", self.passphrase_edit)
        folder_form.addRow(
            _note(
                "The passphrase is not saved: Study Desk asks for it once each time it starts. "
                "Use the same one on every computer."
            )
        )

        self.server_page = QWidget()
        server_form = QFormLayout(self.server_page)
        server_form.setContentsMargins(0, 0, 0, 0)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://sync.example.org")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.insecure_box = QCheckBox(INSECURE_TEXT)
        self.insecure_box.setToolTip(
            "The server's address is plain http:// to another computer: your password and your "
            "data would cross the network unencrypted. Better: the server's https:// address."
        )
        self.insecure_box.setVisible(False)
        self.url_edit.textChanged.connect(self._url_changed)
        server_form.addRow("Se&rver:", self.url_edit)
        server_form.addRow(self.insecure_box)
        QWidget.setTabOrder(self.url_edit, self.insecure_box)
        QWidget.setTabOrder(self.insecure_box, self.user_edit)
        server_form.addRow("User n&ame:", self.user_edit)
        server_form.addRow("Pass&word:", self.password_edit)
        server_form.addRow(
            _note(
                "Your password is not kept: this computer gets its own key, which can be "
                "revoked in the list of devices."
            )
        )
        for page in (self.off_page, self.folder_page, self.server_page):
            self.pages.addWidget(page)
        self.merge_box = QCheckBox(MERGE_TEXT)
        self.merge_box.setVisible(merge)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        kinds = QHBoxLayout()  # one line: the dialog stays within 800 x 600 at 130 % text
        kinds.addWidget(QLabel("Sync this profile through:"))
        for radio in (self.off_radio, self.folder_radio, self.server_radio):
            kinds.addWidget(radio)
        kinds.addStretch(1)
        layout.addLayout(kinds)
        layout.addWidget(self.pages)
        layout.addWidget(self.merge_box)
        self.kinds.idToggled.connect(self._kind_toggled)
        self.folder_radio.setChecked(True)

    def kind(self) -> int:
        return self.kinds.checkedId()

    def set_kind(self, kind: int) -> None:
        button = self.kinds.button(kind)
        if button is not None:
            button.setChecked(True)

    def _kind_toggled(self, kind: int, checked: bool) -> None:
        if checked:
            self.pages.setCurrentIndex(kind)
            self.merge_box.setEnabled(kind != OFF)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Sync Folder", self.folder_edit.text() or str(Path.home())
        )
        if folder:
            self.folder_edit.setText(folder)

    def _url_changed(self, url: str) -> None:
        self.insecure_box.setVisible(needs_insecure_http(url))

    def insecure_http(self) -> bool:
        """Plain http:// to a server that is not this computer, allowed by the learner."""
        return self.insecure_box.isChecked() and needs_insecure_http(self.url_edit.text())

    def problem(self) -> str:
        """What is missing before the chosen target can be set up, or ""."""
        if self.kind() == FOLDER and not self.folder_edit.text().strip():
            return "Choose the folder to sync through."
        if self.kind() == SERVER:
            if not self.url_edit.text().strip() or not self.user_edit.text().strip():
                return "Give the server's address and your user name."
            if not self.password_edit.text():
                return "Give your password to sign in."
            return url_problem(self.url_edit.text(), insecure_http=self.insecure_box.isChecked())
        return ""


class SyncSettingsDialog(QDialog):
    def __init__(
        self, context: ViewContext, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync Settings")
        self.context = context
        self.controller = controller
        self.form = TargetForm(self)
        self.apply_button = QPushButton("&Use This Folder")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.sync_button = QPushButton("Sync &Now")
        self.sync_button.clicked.connect(self.sync_now)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("sync-message")
        self.device_label = QLabel("-")
        self.target_label = QLabel("-")
        self.target_label.setWordWrap(True)
        self.last_label = QLabel("-")
        self.pending_label = QLabel("-")
        facts = QGridLayout()  # two facts a line: the dialog stays within 800 x 600
        facts.addWidget(QLabel("Now syncing through:"), 0, 0)
        facts.addWidget(self.target_label, 0, 1, 1, 3)
        facts.addWidget(QLabel("This device:"), 1, 0)
        facts.addWidget(self.device_label, 1, 1)
        facts.addWidget(QLabel("Last sync:"), 1, 2)
        facts.addWidget(self.last_label, 1, 3)
        facts.addWidget(QLabel("Changes not sent yet:"), 2, 0)
        facts.addWidget(self.pending_label, 2, 1)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        for label in (self.target_label, self.device_label, self.last_label, self.pending_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        actions.addWidget(self.apply_button)
        actions.addWidget(self.sync_button)
        actions.addStretch(1)
        self.devices = DevicesPanel(context)  # parented by the layout: Tab reaches it in order
        self.devices.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("&Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addLayout(facts)
        layout.addWidget(self.devices)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.form.kinds.idToggled.connect(lambda _kind, _on: self._name_apply())
        self._name_apply()
        self.busy = False
        self._listed_for = ""  # the account whose devices were asked for
        controller.status_changed.connect(self.show_status)
        if controller.status is not None:
            self.show_status(controller.status, fill=True)
        controller.read_status()
        self._filled = controller.status is not None

    def _name_apply(self) -> None:
        self.apply_button.setText(
            {OFF: "&Turn Sync Off", FOLDER: "&Use This Folder", SERVER: "S&ign In"}[
                self.form.kind()
            ]
        )

    def show_status(self, status: SyncStatus, *, fill: bool = False) -> None:
        target = status.target or {}
        if not status.enabled or not target:
            where = "nothing (sync is off)"
        elif target.get("kind") == "server":
            where = f"{target.get('url')} as {target.get('user')}"
        else:
            where = str(target.get("path"))
        self.target_label.setText(where)
        self.device_label.setText(status.device_id or "not given yet")
        self.last_label.setText(ago(status.last_sync) if status.last_sync else "never")
        self.pending_label.setText(str(status.pending_operations or "none"))
        self.sync_button.setEnabled(status.enabled and not self.busy)
        on_server = status.enabled and target.get("kind") == "server"
        self.devices.setVisible(on_server)
        if on_server and self._listed_for != where:
            self._listed_for = where
            self.devices.load()
        if self.controller.state == "error" and self.controller.error and not self.message.text():
            self.message.setText(f"The last sync stopped: {self.controller.error}")
        if fill or not getattr(self, "_filled", True):
            self._filled = True
            if not status.enabled or not target:
                self.form.set_kind(OFF if status.target is None else FOLDER)
            elif target.get("kind") == "server":
                self.form.set_kind(SERVER)
                self.form.url_edit.setText(str(target.get("url", "")))
                self.form.user_edit.setText(str(target.get("user", "")))
                self.form.insecure_box.setChecked(bool(target.get("insecure_http")))
            else:
                self.form.set_kind(FOLDER)
                self.form.folder_edit.setText(str(target.get("path", "")))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.apply_button.setEnabled(not busy)
        self.sync_button.setEnabled(not busy)
        self.message.setText(text)

    def apply(self) -> None:
        from app.ui.sync import work

        problem = self.form.problem()
        if problem:
            self.message.setText(problem)
            return
        opened = self.context.opened
        form = self.form
        merge = form.merge_box.isChecked()
        kind = form.kind()
        if kind == OFF:
            self._set_busy(True, "Turning sync off…")
            self.context.runner.run_write(
                lambda _p: work.turn_off(opened),
                label="Turning sync off",
                on_done=self._turned_off,
                on_error=self._failed,
                owner=self,
            )
            return
        if kind == FOLDER:
            folder = Path(form.folder_edit.text().strip())
            passphrase = form.passphrase_edit.text() or None
            self._set_busy(True, "Setting up the folder and syncing…")
            self.controller.remember_passphrase(passphrase)
            self.context.runner.run_write(
                lambda _p: work.setup_folder(opened, folder, passphrase, merge),
                label="Setting up sync",
                on_done=self._set_up,
                on_error=self._failed,
                owner=self,
                initiator=self.controller,
            )
            return
        url, user = form.url_edit.text().strip(), form.user_edit.text().strip()
        password = form.password_edit.text()
        insecure = form.insecure_http()
        form.password_edit.clear()  # sent once, kept nowhere
        self._set_busy(True, "Signing in and syncing…")
        self._listed_for = ""  # a new sign-in: its devices are asked for again
        self.context.runner.run_write(
            lambda _p: work.setup_server(
                opened, url, user, password, merge, insecure_http=insecure
            ),
            label="Signing in",
            on_done=self._set_up,
            on_error=self._failed,
            owner=self,
            initiator=self.controller,
        )

    def _set_up(self, outcome: SyncOutcome) -> None:
        self._set_busy(False)
        self.controller.settings_changed(outcome)
        result = outcome.result
        if outcome.state == "unreachable":
            self.message.setText("Set up. The target cannot be reached now; sync will retry.")
        elif result is not None:
            self.message.setText(
                f"Set up and synced: {result.pushed} changes sent, {result.applied} received."
            )
        self.show_status(outcome.status)

    def _turned_off(self, status: SyncStatus) -> None:
        self._set_busy(False, "Sync is off. What was synced stays in this profile.")
        self.controller.remember_passphrase(None)
        self.controller.settings_changed(None)
        self.show_status(status)

    def _failed(self, error: UserError) -> None:
        self._set_busy(False, str(error))
        self.sync_button.setEnabled(bool(self.controller.status and self.controller.status.enabled))

    def sync_now(self) -> None:
        if self.form.kind() == FOLDER and self.form.passphrase_edit.text():
            self.controller.remember_passphrase(self.form.passphrase_edit.text())
        self.controller.state = ""
        self.controller.sync()
        self.message.setText("Syncing…")
        self.controller.status_changed.connect(self._sync_ended)

    def _sync_ended(self, _status: SyncStatus) -> None:
        self.controller.status_changed.disconnect(self._sync_ended)
        text, _link = self.controller.status_text()
        self.message.setText(text)
