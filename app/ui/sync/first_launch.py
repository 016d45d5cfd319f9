"""The first launch's offer, over the new (empty) profile's window: start fresh, or "I already
use Study Desk: sync with my account or folder", which brings the learner's profile down into
this one (the same as `studydesk --data-dir D sync setup ...` on an empty data folder: a profile
with no data of its own takes the folder's or account's dataset at the first sync)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.sync.controller import SyncController, controller_for
from app.ui.sync.dialog import FOLDER, SERVER, TargetForm
from app.ui.sync.work import SyncOutcome


class BringProfileDialog(QDialog):
    def __init__(
        self, context: ViewContext, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Study Desk")
        self.setMinimumWidth(min(560, 40 * self.fontMetrics().averageCharWidth()))
        self.context = context
        self.controller = controller
        title = QLabel("<b>Is this your first computer with Study Desk?</b>")
        self.fresh_button = QPushButton("&Start Fresh")
        self.fresh_button.setToolTip("Keep this new, empty profile")
        self.fresh_button.clicked.connect(self.reject)
        self.bring_button = QPushButton("&I Already Use Study Desk…")
        self.bring_button.setToolTip("Sync with my account or folder: my profile comes here")
        self.bring_button.clicked.connect(self._show_form)
        choices = QHBoxLayout()
        choices.addWidget(self.fresh_button)
        choices.addWidget(self.bring_button)
        choices.addStretch(1)
        self.form = TargetForm(self, merge=False)
        self.form.off_radio.hide()
        self.form.set_kind(FOLDER)
        self.form.hide()
        self.go_button = QPushButton("&Bring My Profile")
        self.go_button.setDefault(True)
        self.go_button.clicked.connect(self.bring)
        self.go_button.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("sync-message")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        intro = QLabel(
            "If you already use Study Desk on another computer, bring your profile here from "
            "your sync folder or sync server. Otherwise, start fresh."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(choices)
        layout.addWidget(self.form)
        layout.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _show_form(self) -> None:
        self.bring_button.setEnabled(False)
        self.form.show()
        self.go_button.show()
        self.form.folder_edit.setFocus()
        self.adjustSize()

    def bring(self) -> None:
        from app.ui.sync import work

        problem = self.form.problem()
        if problem:
            self.message.setText(problem)
            return
        opened, form = self.context.opened, self.form
        if form.kind() == SERVER:
            url, user = form.url_edit.text().strip(), form.user_edit.text().strip()
            password = form.password_edit.text()
            insecure = form.insecure_http()
            form.password_edit.clear()

            def job(_progress: object) -> SyncOutcome:
                server = (url, user, password)
                return work.bring_profile(opened, None, None, server, insecure_http=insecure)
        else:
            folder = form.folder_edit.text().strip()
            passphrase = form.passphrase_edit.text() or None
            self.controller.remember_passphrase(passphrase)

            def job(_progress: object) -> SyncOutcome:
                from pathlib import Path

                return work.bring_profile(opened, Path(folder), passphrase, None)

        self.go_button.setEnabled(False)
        self.fresh_button.setEnabled(False)
        self.message.setText("Bringing your profile here…")
        self.context.runner.run_write(
            job,
            label="Bringing your profile",
            on_done=self._brought,
            on_error=self._failed,
            owner=self,
            initiator=self.controller,
        )

    def _brought(self, outcome: SyncOutcome) -> None:
        self.controller.settings_changed(outcome)
        if outcome.state == "unreachable":
            self._failed(UserError("The folder or server cannot be reached now: check it."))
            return
        self.accept()

    def _failed(self, error: UserError) -> None:
        self.message.setText(str(error))
        self.go_button.setEnabled(True)
        self.fresh_button.setEnabled(True)


def offer(context: ViewContext, window: QWidget) -> BringProfileDialog:
    """Shown once, after a first launch's window has painted."""
    controller = controller_for(context, window)  # type: ignore[arg-type]
    dialog = BringProfileDialog(context, controller, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.sync_offer = dialog  # type: ignore[attr-defined]
    dialog.show()
    return dialog
