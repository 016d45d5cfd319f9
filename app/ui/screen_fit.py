"""A window's first size: what its layout prefers, within the screen's free area (a small
laptop, larger text), never below what its layout needs."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# The smallest screens the app is made for: 800 x 600 less a taskbar.
SMALL_SCREEN = QSize(800, 570)
# What the system adds around a window's content (title bar, borders), not yet known before it
# is first shown.
WINDOW_FRAME = QSize(16, 40)


def fitted_size(wanted: QSize, least: QSize, area: QSize) -> QSize:
    """`wanted` cut down to `area`, but not below `least`."""
    return wanted.expandedTo(least).boundedTo(area).expandedTo(least)


def fit_on_screen(window: QWidget, wanted: QSize | None = None) -> None:
    """Size `window` (a dialog before it is shown) to fit the screen it will open on, title bar
    and borders included: `wanted` (else what its layout prefers) where the screen has room."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry().size() - WINDOW_FRAME
    window.resize(fitted_size(wanted or window.sizeHint(), window.minimumSizeHint(), area))
