"""Assessments: the question bank, the blueprint builder, the learner's blocks and analytics
(tabs), and over them the block being taken or reviewed.

Starting a block makes it (one write) and opens it (one more); leaving it (Suspend, the window
closed, a crash) loses nothing, and the next time the view is shown it offers to resume the
block with the time it had left. Changes to the bank, blocks, answers, tags, notes or cards are
read again by the tab showing them now, by the others when they are next shown; the block being
taken is never re-read under the learner (its page holds the state its writes return).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.blocks import BlockCreated, BlockSummary, create_block
from app.core.assessments.blueprints import Blueprint
from app.core.assessments.question_filters import BankFilter
from app.core.changes import Change
from app.errors import UserError
from app.ui.assessments.analytics_page import AnalyticsPage
from app.ui.assessments.bank_page import BankBrowser
from app.ui.assessments.blocks_page import BlockList, block_title, unfinished
from app.ui.assessments.builder_page import BlueprintBuilder
from app.ui.assessments.note_dialog import QuestionNoteDialog
from app.ui.assessments.review_page import ReviewPage
from app.ui.assessments.taking_page import TakingPage
from app.ui.assessments.widgets import clock, wrapped
from app.ui.context import ViewContext
from app.ui.key_help import KeyDialog
from app.ui.refresh import RefreshOnChange

BANK, BUILDER, BLOCKS, ANALYTICS = range(4)
# Which tab shows which changes.
TAB_SHOWS = {
    BANK: Change.QUESTIONS | Change.TAGS | Change.ATTEMPTS | Change.NOTES | Change.CARDS
    | Change.BLOCKS,
    BUILDER: Change.QUESTIONS | Change.TAGS | Change.ATTEMPTS | Change.BLOCKS,
    BLOCKS: Change.BLOCKS | Change.ATTEMPTS | Change.QUESTIONS,
    ANALYTICS: Change.ATTEMPTS | Change.QUESTIONS,
}  # fmt: skip


class AssessmentsView(RefreshOnChange, QWidget):
    SHOWS = (
        Change.QUESTIONS | Change.BLOCKS | Change.ATTEMPTS | Change.TAGS | Change.NOTES
        | Change.CARDS
    )  # fmt: skip

    title = "Assessments"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale_tabs: set[int] = set()
        self._resume_offered: str | None = None
        self.bank = BankBrowser(context)
        self.builder = BlueprintBuilder(context)
        self.blocks = BlockList(context)
        self.analytics = AnalyticsPage(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.bank, "&Bank")
        self.tabs.addTab(self.builder, "&New Block")
        self.tabs.addTab(self.blocks, "Bloc&ks")
        self.tabs.addTab(self.analytics, "Anal&ytics")

        self.resume_banner = QFrame()
        self.resume_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.resume_text = wrapped("")
        self.resume_button = QPushButton("Resu&me Block")
        self.later_button = QPushButton("Later")
        banner = QHBoxLayout(self.resume_banner)
        banner.setContentsMargins(10, 6, 10, 6)
        banner.addWidget(self.resume_text, 1)
        banner.addWidget(self.resume_button)
        banner.addWidget(self.later_button)
        self.resume_banner.hide()

        home = QWidget()
        home_layout = QVBoxLayout(home)
        home_layout.setContentsMargins(0, 0, 0, 0)
        home_layout.addWidget(self.resume_banner)
        home_layout.addWidget(self.tabs, 1)
        self.home = home
        self.taking = TakingPage(context)
        self.review = ReviewPage(context)
        self.pages = QStackedWidget()
        for page in (home, self.taking, self.review):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.pages)

        self.tabs.currentChanged.connect(self._tab_shown)
        self.bank.facets_read.connect(self.builder.set_facets)
        self._asked: Blueprint | None = None  # open_questions before the lists were read
        self.bank.facets_read.connect(self._show_asked)
        self.builder.start_requested.connect(self.start_block)
        self.blocks.resume_requested.connect(self.take_block)
        self.blocks.review_requested.connect(self.review_block)
        self.blocks.blocks_read.connect(self._offer_resume)
        self.taking.finished.connect(lambda block_id, _score: self.review_block(block_id))
        self.taking.left.connect(self._left_block)
        self.review.back_requested.connect(lambda: self.show_home(BLOCKS))
        self.resume_button.clicked.connect(self._resume_offered_block)
        self.later_button.clicked.connect(self.resume_banner.hide)
        self.listen_for_changes(context.runner)
        self.bank.reload_facets()
        self.bank.reload()
        self.builder.read_saved()
        self.blocks.reload()

    # --- pages --------------------------------------------------------------------------------

    def key_dialogs(self) -> tuple[KeyDialog, ...]:
        """For Help > Keyboard Shortcuts: the question note's keys (taking or reviewing)."""
        return (
            KeyDialog(
                "Note on the Question", lambda: QuestionNoteDialog("", can_open=False, parent=self)
            ),
        )

    def show_home(self, tab: int | None = None) -> None:
        self.pages.setCurrentWidget(self.home)
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, tab: int) -> None:
        if tab in self._stale_tabs:
            self._stale_tabs.discard(tab)
            self._read_tab(tab, TAB_SHOWS[tab])
        elif tab == ANALYTICS and self.analytics.data is None:
            self.analytics.reload()
        widget = self.tabs.widget(tab)
        if tab == BANK:
            self.bank.table.setFocus()
        elif tab == BLOCKS and self.blocks.tree.isVisible():
            self.blocks.tree.setFocus()  # the arrows and Enter work in the list at once
        elif widget is not None:
            widget.setFocus()

    def _read_tab(self, tab: int, changes: Change) -> None:
        if tab == BANK:
            if changes & (Change.QUESTIONS | Change.TAGS):
                self.bank.reload_facets()
            self.bank.reload()
        elif tab == BUILDER:
            if changes & (Change.QUESTIONS | Change.TAGS):
                self.bank.reload_facets()  # hands the builder its lists and counts again
            else:
                self.builder.read_count()
            if changes & Change.BLOCKS:
                self.builder.read_saved()
        elif tab == BLOCKS:
            self.blocks.reload()
        elif tab == ANALYTICS:
            self.analytics.reload()

    def open_questions(
        self, subject: str | None, system: str | None, count: int | None, pool: str = "unused"
    ) -> None:
        """The New Block tab set to these questions (a planner task), ready to start."""
        chosen = BankFilter(
            subjects=(subject,) if subject else (), systems=(system,) if system else (), pool=pool
        )
        asked = Blueprint(filter=chosen, count=max(1, count or 40))
        self._asked = asked if self.builder.subjects.count() == 0 else None  # not read yet
        self.show_home(BUILDER)
        self.builder.show_blueprint(asked)

    def _show_asked(self, _facets: object) -> None:
        if self._asked is not None:
            self.builder.show_blueprint(self._asked)
            self._asked = None

    # --- blocks -------------------------------------------------------------------------------

    def start_block(self, blueprint: Blueprint, blueprint_id: str | None) -> None:
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: create_block(opened.database, blueprint, blueprint_id=blueprint_id),
            label="Making the block",
            on_done=self._block_made,
            on_error=self._not_made,
            owner=self,
        )

    def _not_made(self, error: UserError) -> None:
        QMessageBox.information(self, "New Block", str(error))

    def _block_made(self, made: BlockCreated) -> None:
        self.take_block(made.block_id)
        if made.note:
            self.taking.message.setText(made.note)

    def take_block(self, block_id: str) -> None:
        self.resume_banner.hide()
        self._resume_offered = block_id
        self.pages.setCurrentWidget(self.taking)
        self.taking.open(block_id)

    def review_block(self, block_id: str) -> None:
        self.pages.setCurrentWidget(self.review)
        self.review.open(block_id)

    def _left_block(self, _block_id: str) -> None:
        self.show_home(BLOCKS)
        self.blocks.reload()

    def _offer_resume(self, blocks: tuple[BlockSummary, ...]) -> None:
        block = unfinished(blocks)
        if block is None or block.id == self._resume_offered:
            if block is None:
                self.resume_banner.hide()
            return
        if self.pages.currentWidget() is self.taking:
            return
        self._resume_offered = block.id
        suspended = block.status == "suspended"
        left = f", {clock(block.remaining_ms)} left" if block.remaining_ms is not None else ""
        self.resume_text.setText(
            f"“{block_title(block)}” was left {'suspended' if suspended else 'open'}"
            f": {block.answered} of {block.count} answered{left}. Resume it where you were?"
        )
        self.resume_banner.setProperty("block_id", block.id)
        self.resume_banner.show()

    def _resume_offered_block(self) -> None:
        block_id = self.resume_banner.property("block_id")
        if block_id:
            self.take_block(str(block_id))

    # --- refresh ------------------------------------------------------------------------------

    def refresh_for(self, changes: Change) -> None:
        current = self.tabs.currentIndex() if self.pages.currentWidget() is self.home else -1
        for tab, shows in TAB_SHOWS.items():
            touched = changes & shows
            if not touched:
                continue
            if tab == current:
                self._read_tab(tab, touched)
            else:
                self._stale_tabs.add(tab)
        if changes & Change.BLOCKS and current != BLOCKS:
            self.blocks.reload()  # the resume offer follows the blocks' status
            self._stale_tabs.discard(BLOCKS)
        if self.pages.currentWidget() is self.review and changes & (
            Change.CARDS | Change.NOTES | Change.ATTEMPTS
        ):
            self.review.reload()

    def refresh(self) -> None:
        self.refresh_for(self.SHOWS)

    def focus_first(self) -> None:
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
