"""The Alt+letter keys a learner sees underlined (buttons, check boxes, tabs, a label's field)
and the ones that clash. Two visible controls with one letter make Qt's shortcut ambiguous: the
key then only moves the focus between them and neither button is pressed."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenuBar, QTabBar, QWidget


def access_keys(root: QWidget) -> dict[str, list[str]]:
    """Each Alt+letter shown in `root` and the texts that show it: visible controls, enabled or
    not (a disabled one clashes once it is enabled); a menu bar's menus count too."""
    found: dict[str, list[str]] = {}
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts: list[str] = []
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QMenuBar):
            texts += [action.text() for action in widget.actions() if action.isVisible()]
        for text in texts:
            key = QKeySequence.mnemonic(text).toString()
            if key:
                found.setdefault(key, []).append(text)
    return found


def clashes(root: QWidget) -> dict[str, list[str]]:
    """The Alt+letters two or more visible controls in `root` share."""
    return {key: texts for key, texts in access_keys(root).items() if len(texts) > 1}
