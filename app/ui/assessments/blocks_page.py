"""The learner's blocks, newest first: resume one not yet submitted (with the time it had
left), review any submitted one (as many times as wanted), delete one from the list (its
answers stay in the history). Enter opens the block chosen (resumes or reviews it), Alt+R
resumes, Alt+W reviews, Delete deletes (asking first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.blocks import BlockSummary, delete_block, list_blocks
from app.ui.assessments.widgets import clock, wrapped
from app.ui.key_help import add_shortcut

if TYPE_CHECKING:
    from app.ui.context import ViewContext

STATUS_TEXT = {
    "new": "Not started",
    "in_progress": "In progress",
    "suspended": "Suspended",
    "submitted": "Submitted",
}
HEADERS = ("Block", "Made", "Mode", "Status", "Score")


def block_title(block: BlockSummary) -> str:
    if block.name:
        return block.name
    subjects = ", ".join(block.subjects[:2]) + ("…" if len(block.subjects) > 2 else "")
    return f"{block.count} questions" + (f": {subjects}" if subjects else "")


def score_text(block: BlockSummary) -> str:
    if block.status == "submitted" and block.percent is not None:
        return f"{block.correct}/{block.count} · {block.percent:.0f}%"
    text = f"{block.answered}/{block.count} answered"
    if block.remaining_ms is not None:
        text += f" · {clock(block.remaining_ms)} left"
    return text


def unfinished(blocks: tuple[BlockSummary, ...]) -> BlockSummary | None:
    """The newest block started and not submitted (the one to offer to resume)."""
    return next((b for b in blocks if b.status in ("in_progress", "suspended")), None)


class BlockList(QWidget):
    """`resume_requested(block_id)`, `review_requested(block_id)`."""

    resume_requested = Signal(str)
    review_requested = Signal(str)
    blocks_read = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.blocks: tuple[BlockSummary, ...] = ()
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Blocks")
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 90), (2, 60), (3, 90), (4, 150)):
            self.tree.setColumnWidth(column, width)
        self.empty = wrapped(
            "No blocks yet. Choose questions in New Block and start one: a block you leave is "
            "kept here to resume, and a submitted one to review."
        )
        self.empty.hide()
        self.resume_button = QPushButton("&Resume")
        self.review_button = QPushButton("Revie&w")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the block from the list; its answers stay (Delete)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.resume_button.clicked.connect(self._resume)
        self.review_button.clicked.connect(self._review)
        self.delete_button.clicked.connect(self._delete)
        self.tree.itemActivated.connect(lambda _item, _col: self._open())
        add_shortcut(
            self, QKeySequence.StandardKey.Delete, "Blocks: delete the chosen block", self._delete
        )
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self._enable()

    def reload(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: list_blocks(opened.database),
            on_done=self._show,
            owner=self,
            latest="blocks",
        )

    def _show(self, blocks: tuple[BlockSummary, ...]) -> None:
        current = self.current()
        kept = current.id if current is not None else None
        self.blocks = blocks
        self.tree.clear()
        for block in blocks:
            made = block.created_at.astimezone().strftime("%d %b %Y")
            item = QTreeWidgetItem(
                [
                    block_title(block),
                    made,
                    block.mode.capitalize(),
                    STATUS_TEXT.get(block.status, block.status),
                    score_text(block),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, block.id)
            item.setToolTip(0, ", ".join(block.subjects) or block_title(block))
            self.tree.addTopLevelItem(item)
            if block.id == kept:
                self.tree.setCurrentItem(item)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self.empty.setVisible(not blocks)
        self.tree.setVisible(bool(blocks))
        self._enable()
        self.blocks_read.emit(blocks)

    def current(self) -> BlockSummary | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        block_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((b for b in self.blocks if b.id == block_id), None)

    def _enable(self) -> None:
        block = self.current()
        submitted = block is not None and block.status == "submitted"
        self.resume_button.setEnabled(block is not None and not submitted)
        self.resume_button.setText("&Start" if block and block.status == "new" else "&Resume")
        self.review_button.setEnabled(block is not None)
        self.delete_button.setEnabled(block is not None)

    def _open(self) -> None:
        block = self.current()
        if block is not None and block.status == "submitted":
            self.review_requested.emit(block.id)
        elif block is not None:
            self.resume_requested.emit(block.id)

    def _resume(self) -> None:
        block = self.current()
        if block is not None:
            self.resume_requested.emit(block.id)

    def _review(self) -> None:
        block = self.current()
        if block is not None:
            self.review_requested.emit(block.id)

    def _delete(self) -> None:
        block = self.current()
        if block is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete Block",
            f"Delete “{block_title(block)}” from the list? Your answers stay in your history "
            "and analytics.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: delete_block(opened.database, block.id),
            label="Deleting the block",
            owner=self,
        )
