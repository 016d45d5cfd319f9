"""How problems reach the learner: a plain message for a UserError, and for a bug a dialog that
says where the log is, so nothing vanishes silently.

Dialogs open window-modal without blocking (`open()`), so background work and tests keep running.
In smoke mode (`studydesk --smoke`) nobody is there to click: problems are logged and the app
exits 1.
"""

from __future__ import annotations

import logging
import sys
import traceback
from html import escape
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """A non-blocking message box; the caller may connect to its `finished` signal."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


class BugDialog(QDialog):
    """'Something went wrong' with the log's location, the details and a way to copy them."""

    def __init__(self, parent: QWidget | None, details: str, log_path: Path | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong — Study Desk")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details = details
        self.log_path = log_path

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        critical = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        icon.setPixmap(critical.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        headline = QLabel("Something went wrong inside Study Desk. Your saved work is safe.")
        headline.setWordWrap(True)
        bold = headline.font()
        bold.setBold(True)
        headline.setFont(bold)
        if log_path is not None:
            where = (
                f"The details were written to the log file:<br><b>{escape(str(log_path))}</b>"
                "<br><br>If it keeps happening, please send that file along with a few words "
                "about what you were doing."
            )
        else:
            where = (
                "The log file could not be written. If it keeps happening, please copy the "
                "details below and send them along with a few words about what you were doing."
            )
        self.explanation = QLabel(where)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        text.setMinimumHeight(120)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy Details")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        if log_path is not None:
            folder = QPushButton("Open Log Folder")
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent)))
            )
            buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon)
        words = QVBoxLayout()
        words.addWidget(headline)
        words.addWidget(self.explanation)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)


class ErrorReporter(QObject):
    """Shows (or, in smoke mode, logs and fails on) problems from anywhere in the GUI."""

    failed = Signal()  # smoke mode: a problem means the smoke test failed

    def __init__(self, log_path: Path | None, *, smoke: bool = False) -> None:
        super().__init__()
        self.log_path = log_path
        self.smoke = smoke
        self.has_failed = False
        self._open_bug: BugDialog | None = None
        self._previous_hook = sys.excepthook

    def parent_widget(self) -> QWidget | None:
        return QApplication.activeModalWidget() or QApplication.activeWindow()

    def user_error(self, message: str, title: str = "Study Desk") -> QMessageBox | None:
        if self.smoke:
            log.error("Smoke run stopped by: %s", message)
            self._fail()
            return None
        return show_message(self.parent_widget(), title, message)

    def bug(self, details: str) -> BugDialog | None:
        """Show the bug dialog; while one is open, further bugs only go to the log."""
        if self.smoke:
            self._fail()
            return None
        if self._open_bug is not None:
            return self._open_bug
        dialog = BugDialog(self.parent_widget(), details, self.log_path)
        dialog.finished.connect(self._bug_closed)
        dialog.open()
        self._open_bug = dialog
        return dialog

    def task_failed(self, _task_id: int, summary: str) -> None:
        self.bug(summary)

    def install_excepthook(self) -> None:
        """Exceptions escaping Qt slots and event handlers come here instead of vanishing."""
        self._previous_hook = sys.excepthook
        sys.excepthook = self._excepthook

    def uninstall_excepthook(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook

    def _excepthook(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        log.critical("Unexpected error", exc_info=(kind, error, trace))
        if issubclass(kind, KeyboardInterrupt):
            QApplication.exit(130)
            return
        try:
            self.bug("".join(traceback.format_exception(kind, error, trace)))
        except Exception:
            # A failure while reporting must not recurse into this hook.
            log.exception("Could not show the error dialog")

    def _bug_closed(self) -> None:
        self._open_bug = None

    def _fail(self) -> None:
        self.has_failed = True
        self.failed.emit()
