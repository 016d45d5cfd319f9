"""Ctrl+L: link the note to a lesson, card, deck, video moment, question, article or note.

Choose the kind, type a few letters, Enter: the link (to the target's id) goes in at the
cursor. The choices come from the core (`link_choices`), read as the learner types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ViewContext
from app.ui.key_help import HandledKey

if TYPE_CHECKING:
    from app.core.notes.links import LinkTarget

# (kind, what the learner reads), in the order of the menu.
KIND_NAMES = (
    ("lesson", "Lesson"),
    ("card", "Card"),
    ("deck", "Deck"),
    ("video", "Video moment"),
    ("question", "Question"),
    ("article", "Library article"),
    ("note", "Note"),
)
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


def kind_name(kind: str) -> str:
    return dict(KIND_NAMES).get(kind, kind.title())


class LinkPicker(QDialog):
    """`chosen()` after `exec()` is accepted: (target, its title)."""

    ARROWS = HandledKey("Move through the targets from the search box", "Up", "Down")
    HANDLED_KEYS = (ARROWS,)

    def __init__(self, context: ViewContext, kind: str = "lesson", parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Link To…")
        self.kind = QComboBox()
        for value, text in KIND_NAMES:
            self.kind.addItem(text, value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.setAccessibleName("Kind of target")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to find it")
        self.search.setAccessibleName("Find the target")
        self.choices = QListWidget()
        self.choices.setAccessibleName("Targets")
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Insert Link")
        self.buttons.accepted.connect(self._accept_current)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(self.search, 1)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.choices, 1)
        column.addWidget(self.empty)
        column.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.search.installEventFilter(self)
        self.choices.itemActivated.connect(lambda _item: self._accept_current())
        self.resize(520, 420)
        self.reload()

    def eventFilter(self, watched: object, event: object) -> bool:
        """Up and Down in the search box move through the choices."""
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and self.ARROWS.matches(event)
        ):
            self.choices.keyPressEvent(event)
            return True
        return False

    def reload(self) -> None:
        from app.core.notes.link_reads import link_choices

        kind, typed = str(self.kind.currentData()), self.search.text()
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: link_choices(opened.database, kind, typed),
            on_done=lambda found: self._show(kind, typed, found),
            owner=self,
            latest="choices",
        )

    def _show(self, kind: str, typed: str, found: list[tuple[LinkTarget, str]]) -> None:
        self.choices.clear()
        for target, title in found:
            item = QListWidgetItem(title or "Untitled")
            item.setData(TARGET_ROLE, (target, title))
            item.setToolTip(title)
            self.choices.addItem(item)
        if found:
            self.choices.setCurrentRow(0)
            self.empty.hide()
        else:
            what = kind_name(kind).lower()
            self.empty.setText(
                f"No {what} matches “{typed}”." if typed else f"There is no {what} to link yet."
            )
            self.empty.show()

    def _accept_current(self) -> None:
        if self.chosen() is not None:
            self.accept()

    def chosen(self) -> tuple[LinkTarget, str] | None:
        item = self.choices.currentItem()
        if item is None:
            return None
        value = item.data(TARGET_ROLE)
        return value if isinstance(value, tuple) else None
