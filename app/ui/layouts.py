"""Emptying a layout that a view fills again on each read (Today's rows, chips, buttons)."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtWidgets import QLayout, QWidget


def clear_layout(layout: QLayout, *, keep: Collection[QWidget] = (), first: int = 0) -> None:
    """Take every item from index `first` on out of `layout` and delete its widget.

    Widgets are deleted later (`deleteLater`), since one may be the button whose click led
    here. Widgets in `keep` are only taken out, for the caller to put back; items before
    `first` stay where they are.
    """
    while layout.count() > first:
        item = layout.takeAt(first)
        widget = item.widget() if item is not None else None
        if widget is not None and widget not in keep:
            widget.deleteLater()
