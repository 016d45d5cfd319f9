"""The bank browser: search and filters over the question bank, a table of questions with the
learner's figures, and the question previewed whole (rendered safe) beside it. Ctrl+F goes to
the search, as in the other lists; Enter there goes back to the table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.bank import BankFacets, BankPage, bank_facets, bank_page
from app.core.assessments.question_detail import QuestionDetail, question_detail
from app.core.assessments.question_filters import BankFilter
from app.ui.assessments.bank_model import QUESTION, BankTableModel
from app.ui.assessments.question_html import detail_html
from app.ui.assessments.question_text import QuestionText
from app.ui.assessments.widgets import plural, small_combo, wrapped
from app.ui.key_help import add_shortcut
from app.ui.table_columns import keep_main_column_readable

if TYPE_CHECKING:
    from app.ui.context import ViewContext

PAGE = 200
# The question's start, read in the list: the other columns scroll sideways on a narrow window.
QUESTION_LEAST_CHARACTERS = 30
SEARCH_DELAY_MS = 200
POOLS = [
    ("All questions", "all"),
    ("Unused", "unused"),
    ("Incorrect", "incorrect"),
    ("Flagged", "flagged"),
]
EMPTY_BANK = (
    "<b>No questions yet.</b> Import MS2 questions (File › Import) or a .sdqbank question "
    "pack to fill the bank; a new profile comes with ten sample questions."
)


class BankBrowser(QWidget):
    """`bank_empty(bool)`: whether the bank holds no question at all; `facets_read(facets)`:
    the subjects, systems, difficulties and tags (after each read)."""

    bank_empty = Signal(bool)
    facets_read = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.facets: BankFacets | None = None
        self.sort = ("bank_id", False)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search questions (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the question bank")
        self.pool = small_combo(POOLS, "Which questions")
        self.subject = small_combo([("Any subject", None)], "Subject")
        self.system = small_combo([("Any system", None)], "System")
        self.difficulty = small_combo([("Any level", None)], "Difficulty")
        self.tag = small_combo([("Any tag", None)], "Tag")
        self.count = QLabel("")
        self.count.setAccessibleName("Questions shown")
        self.empty = wrapped(EMPTY_BANK)
        self.empty.hide()

        self.model = BankTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Questions")
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(36)
        for column, width in ((0, 96), (2, 90), (3, 80), (4, 56), (5, 44), (6, 70), (7, 36)):
            self.table.setColumnWidth(column, width)
        keep_main_column_readable(self.table, QUESTION, QUESTION_LEAST_CHARACTERS)
        self.preview = QuestionText("Preview of the question")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        filters = QGridLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search, 0, 0, 1, 3)
        filters.addWidget(self.pool, 0, 3)
        for column, combo in enumerate((self.subject, self.system, self.difficulty, self.tag)):
            filters.addWidget(combo, 1, column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.table.setFocus)
        add_shortcut(self, QKeySequence.StandardKey.Find, "Bank: search the questions", self._find)
        for combo in (self.pool, self.subject, self.system, self.difficulty, self.tag):
            combo.currentIndexChanged.connect(self.reload)
        self.model.more_wanted.connect(self._read_more)
        self.model.sort_wanted.connect(self._sort)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _find(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- reading ------------------------------------------------------------------------------

    def current_filter(self) -> BankFilter:
        def chosen(combo: object) -> tuple[str, ...]:
            value = combo.currentData()  # type: ignore[attr-defined]
            return (str(value),) if value else ()

        return BankFilter(
            subjects=chosen(self.subject),
            systems=chosen(self.system),
            difficulties=chosen(self.difficulty),
            tags=chosen(self.tag),
            pool=str(self.pool.currentData() or "all"),
            search=self.search.text().strip(),
        )

    def reload(self) -> None:
        flt, (sort, descending) = self.current_filter(), self.sort
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: bank_page(
                opened.database, flt, limit=PAGE, sort=sort, descending=descending
            ),
            on_done=self._show_page,
            owner=self,
            latest="page",
        )

    def reload_facets(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: bank_facets(opened.database),
            on_done=self._show_facets,
            owner=self,
            latest="facets",
        )

    def _read_more(self, offset: int) -> None:
        flt, (sort, descending) = self.current_filter(), self.sort
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: bank_page(
                opened.database, flt, offset=offset, limit=PAGE, sort=sort, descending=descending
            ),
            on_done=lambda page: self.model.append_page(page.rows, offset, page.total),
            owner=self,
            latest="more",
        )

    def _sort(self, sort: str, descending: bool) -> None:
        self.sort = (sort, descending)
        self.reload()

    def _show_page(self, page: BankPage) -> None:
        current = self.current_question_id()
        self.model.set_page(page.rows, page.total)
        self.count.setText(plural(page.total, "question") + " match")
        row = self.model.row_of(current) if current else -1
        if row < 0 and self.model.rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.preview.clear()

    def _show_facets(self, facets: BankFacets) -> None:
        self.facets = facets
        empty = facets.total == 0
        self.empty.setVisible(empty)
        self.bank_empty.emit(empty)
        self.facets_read.emit(facets)
        for combo, found, anything in (
            (self.subject, facets.subjects, "Any subject"),
            (self.system, facets.systems, "Any system"),
            (self.difficulty, facets.difficulties, "Any level"),
            (self.tag, facets.tags, "Any tag"),
        ):
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anything, None)
            for facet in found:
                combo.addItem(f"{facet.name} ({facet.count:,})", facet.name)
            at = combo.findData(kept) if kept else 0
            combo.setCurrentIndex(max(0, at))
            combo.blockSignals(False)

    # --- the preview --------------------------------------------------------------------------

    def current_question_id(self) -> str | None:
        row = self.model.question(self.table.currentIndex())
        return row.id if row is not None else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.question(current)
        if row is None:
            return
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: question_detail(opened.database, row.id),
            on_done=self._show_detail,
            owner=self,
            latest="preview",
        )

    def _show_detail(self, detail: QuestionDetail) -> None:
        if detail.id != self.current_question_id():
            return
        media = self.context.opened.profile.media_dir
        self.preview.show_html(detail_html(detail, media), media)
