"""The first launch's welcome, over the new profile's window: what Study Desk is and where to
start (Today, File > Import, the sample content), then "Start Studying", or "I already use Study
Desk: sync with my account or folder", which brings the learner's profile down into
this one (the same as `studydesk --data-dir D sync setup ...` on an empty data folder: a profile
with no data of its own takes the folder's or account's dataset at the first sync)."""

from __future__ import annotations

from html import escape

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core import sample_actions
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.screen_fit import WINDOW_FRAME
from app.ui.sync.controller import SyncController, controller_for
from app.ui.sync.dialog import FOLDER, SERVER, TargetForm
from app.ui.sync.work import SyncOutcome
from app.ui.theme import scale_text

# The welcome's words, in one place (tests read them from here).
WELCOME_TITLE = "Welcome to Study Desk"
WHAT_IT_IS = (
    "Study Desk is where you study on this computer: courses and lessons, flashcards that come "
    "back when you are about to forget them, notes, videos and practice questions. It works "
    "offline; your data stays on this computer."
)
WHERE_TO_START = (
    "Your profile “{name}” is ready{samples}. <b>Today</b>, on the left, shows what to study "
    "next. To bring in your own material, use <b>File &gt; Import</b> (courses, flashcards, "
    "a folder of notes)."
)
WITH_SAMPLES = ", with some sample content to try things out (remove it from Today when you wish)"
START_TEXT = "&Start Studying"
ALREADY_TITLE = "Already use Study Desk on another computer?"
ALREADY_TEXT = (
    "Sync with your account or folder, and your profile comes here with everything in it."
)
BRING_TEXT = "&I Already Use Study Desk: Sync…"
# The dialog's width in average characters, within the screen (an 800 x 600 laptop).
WIDTH_IN_CHARACTERS = 76


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class BringProfileDialog(QDialog):
    """Says what Study Desk is and where to start; "Start Studying" closes it, "I Already Use
    Study Desk" opens the folder or server form that brings the learner's profile here."""

    def __init__(
        self,
        context: ViewContext,
        controller: SyncController,
        parent: QWidget | None = None,
        *,
        samples: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(WELCOME_TITLE)
        self.context = context
        self.controller = controller
        self.title = QLabel(WELCOME_TITLE)
        scale_text(self.title, 1.4, bold=True)
        self.what_it_is = _wrapped(WHAT_IT_IS)
        name = escape(context.opened.profile.name)
        self.where_to_start = _wrapped(
            WHERE_TO_START.format(name=name, samples=escape(WITH_SAMPLES) if samples else "")
        )
        self.fresh_button = QPushButton(START_TEXT)
        self.fresh_button.setToolTip("Close this and start with your new profile")
        self.fresh_button.setDefault(True)
        self.fresh_button.clicked.connect(self.reject)
        already = QLabel(ALREADY_TITLE)
        scale_text(already, 1.0, bold=True)
        self.already_text = _wrapped(escape(ALREADY_TEXT))
        self.bring_button = QPushButton(BRING_TEXT)
        self.bring_button.setToolTip("Sync with my account or folder: my profile comes here")
        self.bring_button.clicked.connect(self._show_form)
        self.form = TargetForm(self, merge=False)
        self.form.off_radio.hide()
        self.form.set_kind(FOLDER)
        self.form.hide()
        self.go_button = QPushButton("&Bring My Profile")
        self.go_button.clicked.connect(self.bring)
        self.go_button.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("sync-message")
        self.message.hide()  # empty, it would still take a line
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.what_it_is)
        layout.addWidget(self.where_to_start)
        layout.addWidget(self.fresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(self.fontMetrics().height())
        layout.addWidget(already)
        layout.addWidget(self.already_text)
        layout.addWidget(self.bring_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.form)
        layout.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        self.fresh_button.setFocus()
        self._fit()

    def _fit(self) -> None:
        """About WIDTH_IN_CHARACTERS wide (the labels wrap to it), as tall as that needs, within
        the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry().size() - WINDOW_FRAME
        wanted = WIDTH_IN_CHARACTERS * self.fontMetrics().averageCharWidth()
        width = min(wanted, area.width())
        self.setMinimumWidth(width)
        layout = self.layout()
        # The height the wrapped labels need at that width (adjustSize asks for more).
        height = layout.totalHeightForWidth(width) if layout is not None else self.height()
        self.resize(width, min(height, area.height()))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _show_form(self) -> None:
        self.bring_button.setEnabled(False)
        self.fresh_button.setDefault(False)
        self.go_button.setDefault(True)
        # The welcome has been read: the form takes its place (it fits a small laptop at
        # larger text sizes only without it).
        self.what_it_is.hide()
        self.where_to_start.hide()
        self.form.show()
        self.go_button.show()
        self.form.folder_edit.setFocus()
        self._fit()

    def bring(self) -> None:
        from app.ui.sync import work

        problem = self.form.problem()
        if problem:
            self._say(problem)
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
        self._say("Bringing your profile here…")
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
        self._say(str(error))
        self.go_button.setEnabled(True)
        self.fresh_button.setEnabled(True)


def offer(context: ViewContext, window: QWidget) -> None:
    """Shown once, after a first launch's window has painted (as `window.sync_offer`), once it
    is known whether the new profile holds sample content."""
    controller = controller_for(context, window)  # type: ignore[arg-type]
    opened = context.opened

    def show(samples: bool) -> None:
        if not shiboken6.isValid(window) or not window.isVisible():
            return
        dialog = BringProfileDialog(context, controller, window, samples=samples)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.sync_offer = dialog  # type: ignore[attr-defined]
        dialog.show()

    context.runner.run_read(
        lambda _progress: sample_actions.has_sample_content(opened.database),
        on_done=show,
        owner=window,
    )
