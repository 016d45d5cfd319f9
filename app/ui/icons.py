"""Small icons drawn in code, so they follow the theme's text color and need no image files."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QWidget


def canvas(widget: QWidget, size: int) -> tuple[QPixmap, QPainter]:
    """A clear square pixmap at the widget's pixel ratio and an antialiased painter on it
    (end the painter before using the pixmap)."""
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def more_icon(widget: QWidget, color: QColor, size: int = 10) -> QIcon:
    """», for "more of these" (a toolbar's actions that do not fit), in `color`."""
    pixmap, painter = canvas(widget, size)
    unit = size / 10
    painter.setPen(QPen(color, 1.3 * unit))
    for left in (1.5, 5.5):
        points = [QPointF(left, 2.0), QPointF(left + 3.0, 5.0), QPointF(left, 8.0)]
        painter.drawPolyline([point * unit for point in points])
    painter.end()
    return QIcon(pixmap)


def lock_icon(widget: QWidget, size: int = 16) -> QIcon:
    """A padlock in the widget's text color: marks a profile protected by a password."""
    color = QColor(widget.palette().color(widget.foregroundRole()))
    pixmap, painter = canvas(widget, size)
    unit = size / 16
    pen = QPen(color, 1.6 * unit)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QPainterPath()
    shackle.moveTo(5 * unit, 7.5 * unit)
    shackle.lineTo(5 * unit, 5 * unit)
    shackle.arcTo(QRectF(5 * unit, 2 * unit, 6 * unit, 6 * unit), 180, -180)
    shackle.lineTo(11 * unit, 7.5 * unit)
    painter.drawPath(shackle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(
        QRectF(3 * unit, 7 * unit, 10 * unit, 7.5 * unit), 1.5 * unit, 1.5 * unit
    )
    painter.end()
    return QIcon(pixmap)


def bookmark_icon(widget: QWidget, size: int = 14) -> QIcon:
    """A bookmark ribbon in the widget's text color: heads a column of bookmark counts."""
    color = QColor(widget.palette().color(widget.foregroundRole()))
    pixmap, painter = canvas(widget, size)
    unit = size / 14
    ribbon = QPainterPath()
    ribbon.moveTo(3.5 * unit, 1.5 * unit)
    ribbon.lineTo(10.5 * unit, 1.5 * unit)
    ribbon.lineTo(10.5 * unit, 12.5 * unit)
    ribbon.lineTo(7 * unit, 9.5 * unit)
    ribbon.lineTo(3.5 * unit, 12.5 * unit)
    ribbon.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPath(ribbon)
    painter.end()
    return QIcon(pixmap)


def blank_icon(widget: QWidget, size: int = 16) -> QIcon:
    """Keeps names aligned in a list where only some rows have a lock."""
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)
