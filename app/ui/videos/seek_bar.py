"""The player's seek bar: where the video is, the ranges already watched, a tick per bookmark.

Click or drag to seek (`seek_requested(seconds)`, emitted while dragging too); the keyboard
belongs to the player, so the bar never takes focus.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.videos.bookmarks import clock
from app.core.videos.intervals import merged

TRACK_HEIGHT = 6
MARGIN = 8


class SeekBar(QWidget):
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.duration_s = 0.0
        self.position_s = 0.0
        self.watched: list[tuple[float, float]] = []
        self.live: tuple[float, float] | None = None  # the interval being watched now
        self.ticks: list[tuple[float, str]] = []
        self._dragging = False
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(400, 26)

    def set_duration(self, seconds: float) -> None:
        self.duration_s = max(0.0, seconds)
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position_s = seconds
        self.update()

    def set_watched(self, ranges: Sequence[tuple[float, float]]) -> None:
        self.watched = list(ranges)
        self.update()

    def set_live(self, interval: tuple[float, float] | None) -> None:
        self.live = interval
        self.update()

    def set_bookmarks(self, ticks: Sequence[tuple[float, str]]) -> None:
        self.ticks = list(ticks)
        self.update()

    def shown_ranges(self) -> list[tuple[float, float]]:
        """The watched ranges as drawn: the log's union with what is being watched now."""
        return merged([*self.watched, *([self.live] if self.live else [])])

    # geometry
    def _track(self) -> QRectF:
        top = (self.height() - TRACK_HEIGHT) / 2
        return QRectF(MARGIN, top, max(1.0, self.width() - 2 * MARGIN), TRACK_HEIGHT)

    def x_of(self, seconds: float) -> float:
        track = self._track()
        share = seconds / self.duration_s if self.duration_s > 0 else 0.0
        return track.left() + track.width() * max(0.0, min(1.0, share))

    def seconds_at(self, x: float) -> float:
        track = self._track()
        share = (x - track.left()) / track.width()
        return max(0.0, min(1.0, share)) * self.duration_s

    # painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self._track()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(track, 3, 3)
        watched = QColor(palette.color(QPalette.ColorRole.Highlight))
        watched.setAlpha(110)
        painter.setBrush(watched)
        for start, end in self.shown_ranges():
            left, right = self.x_of(start), self.x_of(end)
            painter.drawRect(QRectF(left, track.top(), max(1.0, right - left), track.height()))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        played = QRectF(
            track.left(), track.top(), self.x_of(self.position_s) - track.left(), track.height()
        )
        painter.drawRoundedRect(played, 3, 3)
        painter.setBrush(QColor("#f2a93b"))
        for seconds, _label in self.ticks:
            x = self.x_of(seconds)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x - 4, track.top() - 6),
                        QPointF(x + 4, track.top() - 6),
                        QPointF(x, track.top()),
                    ]
                )
            )
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(palette.color(QPalette.ColorRole.Base))
        painter.drawEllipse(QPointF(self.x_of(self.position_s), track.center().y()), 7, 7)
        painter.end()

    # mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.duration_s > 0:
            self._dragging = True
            self._seek_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._seek_to(event.position().x())
        elif self.duration_s > 0:
            at = self.seconds_at(event.position().x())
            near = [
                label for s, label in self.ticks if abs(self.x_of(s) - event.position().x()) < 6
            ]
            self.setToolTip(clock(at) + (f" — {near[0]}" if near else ""))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._dragging = False
            self._seek_to(event.position().x())

    def _seek_to(self, x: float) -> None:
        seconds = self.seconds_at(x)
        self.position_s = seconds
        self.update()
        self.seek_requested.emit(seconds)
