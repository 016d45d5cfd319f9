"""The window as a learner on a small laptop sees it: every view at 800 x 600, light and dark."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow


def lightness_at_bottom(widget: QWidget) -> float:
    """How light the widget's empty lower part is (0 black, 1 white), as drawn."""
    image = widget.grab().toImage()
    return QColor(image.pixel(image.width() // 2, image.height() - 5)).lightnessF()


def test_switching_to_dark_while_running_darkens_the_sidebar_at_once(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    window.set_theme("light")
    window.show()
    qtbot.waitExposed(window)
    assert lightness_at_bottom(window.sidebar) > 0.8
    window.set_theme("dark")
    qtbot.waitUntil(lambda: lightness_at_bottom(window.sidebar) < 0.3, timeout=2000)
    assert lightness_at_bottom(window.pages.get(0)) < 0.3
    window.set_theme("light")
    qtbot.waitUntil(lambda: lightness_at_bottom(window.sidebar) > 0.8, timeout=2000)
