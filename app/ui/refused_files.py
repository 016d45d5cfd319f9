"""One message for the files of one drop (or one File > Import choice) that could not be imported.

`Refusals` is made per drop: each file refused at once (a kind Study Desk does not open, a folder,
a file gone) and each background import that refuses its file later (a damaged .apkg, course
pack or question pack) reports to it; when the last import it waits for has finished, it shows
what was refused. One refused file: the same message box as when it is imported alone. More:
one window listing each file by name with its reason and what to do, which scrolls rather than
grows past the screen, and closes with Enter or Escape.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.error_dialog import show_message
from app.ui.screen_fit import fit_on_screen

log = logging.getLogger(__name__)

TITLE = "Files Not Imported"
PREFERRED_SIZE = QSize(600, 440)


@dataclass(frozen=True)
class Refusal:
    path: Path
    title: str  # the title of its own message box, when it is the only one refused
    text: str  # the words its own message box says: the reason and what to do
    # Shows its own message, when it is not a plain box with `title` and `text` (the older
    # apps' import report).
    alone: Callable[[], QWidget] | None = None


def entry_html(refusal: Refusal) -> str:
    """The file's name in bold, then its reason, then where it is (unless the reason says):
    the importers' words that begin with the whole path have it said below instead, so the
    reason is not pushed out of sight."""
    path, text = str(refusal.path), refusal.text
    rest = text[len(path) :].lstrip(" :,") if text.startswith(path) else text
    rest = rest[:1].upper() + rest[1:] if text.startswith(path) else rest
    where = "" if path in rest else f"<br><span style='color: gray'>{escape(path)}</span>"
    return f"<p><b>{escape(refusal.path.name)}</b><br>{escape(rest)}{where}</p>"


class RefusedFilesDialog(QDialog):
    """The files of one drop that were not imported, each with why and what to do."""

    def __init__(self, parent: QWidget | None, refused: list[Refusal], files: int) -> None:
        super().__init__(parent)
        self.refused = refused
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # `files`: of the drop or choice, when more than these (the others have their messages)
        of = f" of the {files}" if files > len(refused) else ""
        heading = f"{len(refused)}{of} files were not imported."
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.advice = QLabel(
            "Nothing was taken from these files. Do as each one says, then drop it again or "
            "choose it with File > Import."
        )
        self.advice.setWordWrap(True)
        self.entries = QTextBrowser()
        self.entries.setOpenLinks(False)
        self.entries.setHtml("".join(entry_html(refusal) for refusal in refused))
        self.entries.setAccessibleName("Files not imported")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setDefault(True)
        ok.setAutoDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.advice)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.buttons)
        self._fit_screen()
        ok.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_screen(self) -> None:
        """Its preferred size where the screen has room (an 800 x 600 laptop too): a long list
        scrolls inside it rather than growing it."""
        fit_on_screen(self, PREFERRED_SIZE)

    def shown_text(self) -> str:
        return "\n".join((self.heading.text(), self.advice.text(), self.entries.toPlainText()))


class Refusals(QObject):
    """The refusals of one drop or choice: `refuse` for each refused file, `wait_for_one` for
    each import that may refuse later (call what it returns when the import has ended, however
    it ended), then `seal` once every file has been started. The message shows when sealed and
    nothing is left to wait for."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.refused: list[Refusal] = []
        self.files = 0  # of the drop or choice, refused or not (its callers count them)
        self.shown: QWidget | None = None
        self._waiting = 0
        self._sealed = False
        self._since = time.monotonic()

    def refuse(
        self, path: Path, title: str, text: str, alone: Callable[[], QWidget] | None = None
    ) -> None:
        self.refused.append(Refusal(path, title, text, alone))

    def wait_for_one(self) -> Callable[[], None]:
        self._waiting += 1
        called = False

        def ended() -> None:
            nonlocal called
            if called:
                return
            called = True
            self._waiting -= 1
            self._show_if_done()

        return ended

    def seal(self) -> None:
        self._sealed = True
        self._show_if_done()

    def _show_if_done(self) -> None:
        if not self._sealed or self._waiting or self.shown is not None:
            return
        if len(self.refused) == 1:
            (only,) = self.refused
            if only.alone is not None:
                self.shown = only.alone()
            else:
                self.shown = show_message(self.window, only.title, only.text)
        elif self.refused:
            dialog = RefusedFilesDialog(self.window, self.refused, self.files)
            dialog.open()
            self.shown = dialog
        if self.refused:
            log.info(
                "%d file(s) not imported, told %.2f s after the drop",
                len(self.refused),
                time.monotonic() - self._since,
            )
        self.deleteLater()
