"""What the player says instead of a black screen: the file is missing, replaced, unreadable,
gone during playback, or in a codec this computer cannot decode. Each names the file and what the
learner can do; the buttons offered are the page's to connect."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.videos.bookmarks import clock
from app.core.videos.files import FileCheck, FileState
from app.ui.layouts import clear_layout
from app.ui.theme import scale_text

LOCATE = "locate"
REMOVE = "remove"
ADD_AS_NEW = "add as new"
RETRY = "retry"
PLAY_SOUND = "play sound"


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    actions: tuple[tuple[str, str], ...]  # (action, button text)


def file_message(check: FileCheck) -> Message:
    title = check.title
    if check.state is FileState.MISSING:
        if check.path is None:
            text = (
                f"“{title}” has not been found on this computer yet. If its file is here, show "
                "Study Desk where it is; its bookmarks and progress are kept."
            )
        else:
            text = (
                f"“{title}” is not where it was:\n{check.path}\n\nThe drive may be unplugged, or "
                "the file moved or renamed. Its bookmarks and progress are kept. Locate it, and "
                "other missing videos in the same folder are found too."
            )
        return Message("File missing", text, ((LOCATE, "Locate…"), (REMOVE, "Remove from Library")))
    if check.state is FileState.REPLACED:
        text = (
            f"The file at\n{check.path}\nis no longer “{title}”: another file is there now. "
            "Study Desk does not move this video's bookmarks and progress to a different file. "
            "Locate the original, or add the file that is there as a video of its own."
        )
        return Message(
            "A different file",
            text,
            ((LOCATE, "Locate the Original…"), (ADD_AS_NEW, "Add That File as a New Video")),
        )
    text = f"“{title}” cannot be read ({check.reason}):\n{check.path}"
    return Message("File cannot be read", text, ((RETRY, "Try Again"), (LOCATE, "Locate…")))


def codec_message(title: str, codec: str, has_audio: bool) -> Message:
    sound = " Its sound can still play." if has_audio else ""
    text = (
        f"This computer cannot show the picture of “{title}”: it is encoded as {codec}, and no "
        f"{codec} decoder is available here (some computers decode {codec} only with newer "
        f"graphics hardware).{sound} Convert the file to H.264 (for example with HandBrake) "
        "or watch it on another computer; its bookmarks and progress stay the same."
    )
    actions = ((PLAY_SOUND, "Play the Sound Only"),) if has_audio else ()
    return Message(f"{codec} cannot be decoded here", text, actions)


def gone_message(title: str, path: str, at_s: float) -> Message:
    text = (
        f"“{title}” disappeared while it was playing (was a drive unplugged?):\n{path}\n\n"
        f"It stopped at {clock(at_s)}; what you watched and your bookmarks are saved."
    )
    return Message("The file went away", text, ((RETRY, "Try Again"), (LOCATE, "Locate…")))


def failed_message(title: str, reason: str) -> Message:
    text = f"“{title}” could not be played: {reason}."
    return Message("Cannot play", text, ((RETRY, "Try Again"),))


class MessagePanel(QFrame):
    """Shows one `Message` with its buttons; `action(name)` when one is pressed."""

    action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        scale_text(self.title, 1.3, bold=True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addSpacing(12)
        column.addLayout(self.buttons)
        column.addStretch(2)
        holder = QHBoxLayout(self)
        holder.addStretch(1)
        holder.addLayout(column, 4)
        holder.addStretch(1)
        self.shown: Message | None = None

    def show_message(self, message: Message) -> None:
        self.shown = message
        self.title.setText(message.title)
        self.text.setText(message.text)
        clear_layout(self.buttons, first=1)
        for name, text in message.actions:
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, n=name: self.action.emit(n))
            self.buttons.addWidget(button)

    def button(self, text: str) -> QPushButton | None:
        for n in range(self.buttons.count()):
            item = self.buttons.itemAt(n)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton) and widget.text() == text:
                return widget
        return None
