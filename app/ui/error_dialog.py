"""How problems reach the learner: a plain message for a UserError, and for a bug a dialog that
says where the log is, so nothing vanishes silently.

Dialogs open window-modal without blocking (`open()`), so background work and tests keep running.
In smoke mode (`studydesk --smoke`) nobody is there to click: problems are logged and the app
exits 1.
"""

from __future__ import annotations

import logging
import sys
import threading
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


HEADLINE = "Study Desk hit a problem. Your work up to the last action is saved."


def crash_report(details: str, log_path: Path | None) -> str:
    """What the learner copies or saves: the versions and system, then the details."""
    import platform
    from datetime import datetime

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from app import __version__

    now = datetime.now().astimezone()
    lines = [
        f"Study Desk {__version__} problem report, {now:%Y-%m-%d %H:%M:%S %z}",
        f"System: {platform.platform()} ({platform.machine()})",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}",
        f"Frozen bundle: {'yes' if getattr(sys, 'frozen', False) else 'no'}",
        f"Log file: {log_path if log_path is not None else 'could not be written'}",
        "",
        details.rstrip(),
    ]
    return "\n".join(lines) + "\n"


class BugDialog(QDialog):
    """The one calm dialog for an unexpected error: the work is saved, here is a report to copy
    or save, where the log is; Close and go on working."""

    def __init__(self, parent: QWidget | None, details: str, log_path: Path | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Study Desk hit a problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details = details
        self.log_path = log_path
        self.report = crash_report(details, log_path)

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        info = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        icon.setPixmap(info.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline = QLabel(HEADLINE)
        self.headline.setWordWrap(True)
        bold = self.headline.font()
        bold.setBold(True)
        self.headline.setFont(bold)
        if log_path is not None:
            where = (
                "You can keep working; if something does not respond, close Study Desk and "
                "open it again. The report below was also written to the log file:<br>"
                f"<b>{escape(str(log_path))}</b><br><br>If it keeps happening, please send the "
                "report along with a few words about what you were doing."
            )
        else:
            where = (
                "You can keep working; if something does not respond, close Study Desk and "
                "open it again. The log file could not be written: please copy or save the "
                "report below and send it along with a few words about what you were doing."
            )
        self.explanation = QLabel(where)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self.report)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Problem report")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMinimumHeight(120)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy Report")
        self.copy_button.clicked.connect(self.copy_report)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = QPushButton("&Save Report…")
        self.save_button.clicked.connect(self.save_report)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        if log_path is not None:
            folder = QPushButton("Open &Log Folder")
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent)))
            )
            buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

        top = QHBoxLayout()
        top.addWidget(icon)
        words = QVBoxLayout()
        words.addWidget(self.headline)
        words.addWidget(self.explanation)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 440)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Copied")

    def save_report(self) -> Path | None:
        from datetime import datetime

        from PySide6.QtWidgets import QFileDialog

        suggested = Path.home() / f"studydesk-problem-{datetime.now():%Y%m%d-%H%M%S}.txt"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save Problem Report", str(suggested), "Text files (*.txt)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        try:
            path.write_text(self.report, encoding="utf-8")
        except OSError as error:
            show_message(self, "Report Not Saved", f"{path} could not be written: {error.strerror}")
            return None
        self.save_button.setText("Saved")
        return path


class ErrorReporter(QObject):
    """Shows (or, in smoke mode, logs and fails on) problems from anywhere in the GUI."""

    failed = Signal()  # smoke mode: a problem means the smoke test failed
    thread_failed = Signal(str)  # an error escaping another thread, brought to the GUI thread

    def __init__(self, log_path: Path | None, *, smoke: bool = False) -> None:
        super().__init__()
        self.log_path = log_path
        self.smoke = smoke
        self.has_failed = False
        self._open_bug: BugDialog | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self.thread_failed.connect(self.bug)

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
        self._previous_thread_hook = threading.excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall_excepthook(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous_thread_hook

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        """An error escaping a thread of ours: logged there, shown from the GUI thread."""
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        error = args.exc_value or args.exc_type()
        log.critical("Unexpected error in %s", name, exc_info=error)
        details = "".join(traceback.format_exception(error))
        self.thread_failed.emit(f"In {name}:\n{details}")

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
