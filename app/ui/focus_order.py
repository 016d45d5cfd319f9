"""Tab order in reading order.

Qt chains widgets for Tab in the order they joined the window, which is not always where they
sit: parts built later (a lesson's exercises, Today's sections) land at the end of the chain,
after the buttons below them. Views put such widgets back where a reader meets them, naming
the widgets themselves: walking the window's focus chain from Python would wrap Qt's own
internal widgets, whose wrappers can outlive them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget


def put_after(anchor: QWidget | None, widgets: Sequence[QWidget]) -> None:
    """Tab goes from `anchor` to `widgets` in this order (nothing when there is no anchor)."""
    previous = anchor
    for widget in widgets:
        if previous is not None:
            QWidget.setTabOrder(previous, widget)
        previous = widget
