"""Small pieces the Lessons pages share: headings, safe markdown labels, links, status marks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QIcon,
    QKeyEvent,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget

from app.core.courses.lesson_log import LessonStatus
from app.ui.icons import canvas
from app.ui.key_help import HandledKey

SAFE_SCHEMES = ("http", "https", "mailto")
STATUS_TEXT = {
    LessonStatus.NOT_STARTED: "Not started",
    LessonStatus.IN_PROGRESS: "In progress",
    LessonStatus.COMPLETED: "Completed",
}
NO_CONTENT = "No content yet"


def open_outside(url: QUrl) -> bool:
    """Open a web or mail link in the learner's own programs; anything else is refused."""
    if url.scheme().lower() not in SAFE_SCHEMES:
        return False
    return QDesktopServices.openUrl(url)


def scaled_font(base: QFont, scale: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font


def heading(text: str = "", scale: float = 1.25, bold: bool = True) -> QLabel:
    """A label whose size follows its parent's font (see `rescale`)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("font_scale", scale)
    label.setProperty("font_bold", bold)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def rescale(root: QWidget) -> None:
    """Size every `heading` under `root` from `root`'s font (after a text size change)."""
    base = root.font()
    for label in root.findChildren(QLabel):
        scale = label.property("font_scale")
        if scale is not None:
            label.setFont(scaled_font(base, float(scale), bool(label.property("font_bold"))))


def markdown_label(markdown: str = "") -> QLabel:
    """A label for lesson text that `display_markdown` made safe: links open outside."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.MarkdownText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
    )
    label.linkActivated.connect(lambda link: open_outside(QUrl(link)))
    label.setText(markdown)
    return label


def muted(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def status_icon(widget: QWidget, status: LessonStatus | None, size: int = 16) -> QIcon:
    """A ring (not started), half-filled ring (in progress), filled ring with a tick
    (completed), or a dashed ring (no content), in the widget's text color."""
    color = QColor(widget.palette().color(widget.foregroundRole()))
    pixmap, painter = canvas(widget, size)
    unit = size / 16
    ring = QRectF(2 * unit, 2 * unit, 12 * unit, 12 * unit)
    pen = QPen(color, 1.4 * unit)
    if status is None:
        pen.setStyle(Qt.PenStyle.DotLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(ring)
    if status is LessonStatus.IN_PROGRESS:
        half = QPainterPath()
        half.moveTo(ring.center())
        half.arcTo(ring, 90, 180)
        half.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(half)
    elif status is LessonStatus.COMPLETED:
        painter.setBrush(color)
        painter.drawEllipse(ring)
        tick = QPen(QColor(widget.palette().color(QPalette.ColorRole.Base)), 1.8 * unit)
        painter.setPen(tick)
        painter.drawPolyline(
            [
                QPointF(5 * unit, 8.2 * unit),
                QPointF(7.2 * unit, 10.4 * unit),
                QPointF(11 * unit, 5.8 * unit),
            ]
        )
    painter.end()
    return QIcon(pixmap)


def percent_text(score: float | None) -> str:
    return "" if score is None else f"{score:.0f} %"


class EnterOpens(QObject):
    """Makes Enter/Return and a double-click on an item view call `open_item(index)`; the
    platforms disagree on whether `activated` fires for either, so both are handled here."""

    def __init__(
        self, view: QAbstractItemView, open_item: Callable[[QModelIndex], None], what: str
    ) -> None:
        super().__init__(view)
        self._view = view
        self._open = open_item
        self.enter = HandledKey(f"Open the chosen {what}", "Return", "Enter")
        self.HANDLED_KEYS = (self.enter,)  # for Help > Keyboard Shortcuts
        view.installEventFilter(self)
        view.doubleClicked.connect(open_item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.enter.matches(event)
        ):
            index = self._view.currentIndex()
            if index.isValid():
                self._open(index)
                return True
        return False
