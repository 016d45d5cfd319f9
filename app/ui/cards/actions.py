"""The browser's bulk actions: move, tag, suspend, flag, delete, restore and undo.

Each asks what it needs (a deck, tag names, a confirmation) and hands the write to the view,
which runs it on the task runner and keeps its undo record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox

from app.core.flashcards import card_actions
from app.core.flashcards.cards import CardUndo
from app.core.flashcards.tags import parse_tags
from app.ui.cards.model import FLAG_COLORS, FLAG_NAMES

if TYPE_CHECKING:
    from app.ui.cards.view import CardBrowserView

WIDGET_SHORTCUT = Qt.ShortcutContext.WidgetWithChildrenShortcut


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color) if color else QColor(0, 0, 0, 0))
    return QIcon(pixmap)


class BulkActions:
    """The actions of a `CardBrowserView`, enabled by how many cards are selected."""

    def __init__(self, view: CardBrowserView) -> None:
        self.view = view
        self.move = self._action("Move to Deck…", "Ctrl+D", self.move_cards)
        self.add_tags = self._action("Add Tags…", "Ctrl+Shift+A", lambda: self.tag_cards(True))
        self.remove_tags = self._action(
            "Remove Tags…", "Ctrl+Alt+Shift+A", lambda: self.tag_cards(False)
        )
        self.suspend = self._action("Suspend", "Ctrl+J", lambda: self.suspend_cards(True))
        self.unsuspend = self._action(
            "Unsuspend", "Ctrl+Shift+J", lambda: self.suspend_cards(False)
        )
        self.delete = self._action("Delete…", "Delete", self.delete_cards)
        self.restore = self._action("Restore", "", self.restore_cards)
        self.undo = self._action("Undo", "Ctrl+Z", view.undo_last)
        self.undo.setEnabled(False)

        self.tags_menu = QMenu("Tags", view)
        self.tags_menu.addActions([self.add_tags, self.remove_tags])
        self.tags = QAction("Tags", view)
        self.tags.setMenu(self.tags_menu)
        self.flag_menu = QMenu("Flag", view)
        self.flags: list[QAction] = []
        for number, name in enumerate(FLAG_NAMES):
            text = "Remove Flag" if number == 0 else f"{name} Flag"
            action = self.flag_menu.addAction(_swatch(FLAG_COLORS[number]), text)
            action.triggered.connect(lambda _c=False, n=number: self.flag_cards(n))
            self.flags.append(action)
        self.flag = QAction("Flag", view)
        self.flag.setMenu(self.flag_menu)
        self.update_enabled(0, False)

    def _action(self, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, self.view)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(WIDGET_SHORTCUT)
            action.setToolTip(f"{text.rstrip('…')} ({action.shortcut().toString()})")
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.view.addAction(action)
        return action

    def toolbar(self) -> list[QAction]:
        return [self.move, self.tags, self.suspend, self.unsuspend, self.flag, self.delete,
                self.restore, self.undo]  # fmt: skip

    def menu_actions(self) -> list[QAction | None]:
        return [self.move, self.add_tags, self.remove_tags, None, self.suspend, self.unsuspend,
                self.flag, None, self.delete, self.restore, None, self.undo]  # fmt: skip

    def update_enabled(self, selected: int, showing_deleted: bool) -> None:
        for action in (self.move, self.add_tags, self.remove_tags, self.tags, self.suspend,
                       self.unsuspend, self.flag):  # fmt: skip
            action.setEnabled(selected > 0 and not showing_deleted)
        self.delete.setEnabled(selected > 0 and not showing_deleted)
        self.restore.setEnabled(selected > 0 and showing_deleted)
        self.restore.setVisible(showing_deleted)

    def update_undo(self, undo: CardUndo | None) -> None:
        self.undo.setEnabled(undo is not None)
        self.undo.setText(f"Undo {undo.label}" if undo else "Undo")

    # --- the actions -------------------------------------------------------------------------
    def move_cards(self) -> None:
        ids = self.view.selected_ids()
        decks = self.view.decks
        if not ids or not decks:
            return
        names = [deck.full_name for deck in decks]
        name, ok = QInputDialog.getItem(
            self.view, "Move Cards", f"Move {len(ids):,} card(s) to:", names, 0, False
        )
        if not ok or name not in names:
            return
        deck_id = decks[names.index(name)].id
        self.view.run_change("Moving cards", lambda db: card_actions.move_cards(db, ids, deck_id))

    def tag_cards(self, add: bool) -> None:
        ids = self.view.selected_ids()
        if not ids:
            return
        verb = "Add" if add else "Remove"
        text, ok = QInputDialog.getText(
            self.view,
            f"{verb} Tags",
            f"{verb} tags {'to' if add else 'from'} {len(ids):,} card(s), separated by commas:",
            QLineEdit.EchoMode.Normal,
        )
        names = parse_tags(text)
        if not ok or not names:
            return
        change = card_actions.tag_cards if add else card_actions.untag_cards
        self.view.run_change("Tagging cards", lambda db: change(db, ids, names))

    def suspend_cards(self, suspended: bool) -> None:
        ids = self.view.selected_ids()
        if ids:
            label = "Suspending cards" if suspended else "Unsuspending cards"
            self.view.run_change(label, lambda db: card_actions.set_suspended(db, ids, suspended))

    def flag_cards(self, flag: int) -> None:
        ids = self.view.selected_ids()
        if ids:
            self.view.run_change("Flagging cards", lambda db: card_actions.set_flag(db, ids, flag))

    def delete_cards(self) -> None:
        ids = self.view.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self.view,
            "Delete Cards",
            f"Delete {len(ids):,} card(s)? Their review history is kept, and you can undo this "
            "with Ctrl+Z or restore them from the Deleted state.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.view.run_change("Deleting cards", lambda db: card_actions.delete_cards(db, ids))

    def restore_cards(self) -> None:
        ids = self.view.selected_ids()
        if ids:
            self.view.run_change("Restoring cards", lambda db: card_actions.restore_cards(db, ids))
