"""The course library page: search, sort, the table of courses, and Continue.

Searching and sorting run in the core on a read worker; typing is debounced so a search runs
once the learner pauses. Results of an older search that arrive late are dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.courses.course_reads import continue_in_course, course_library
from app.core.courses.library import ContinueTarget, LibraryRow, LibrarySort
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.lessons.library_model import (
    COURSE_ID_ROLE,
    LibraryColumn,
    LibraryModel,
    ProgressDelegate,
)
from app.ui.lessons.widgets import EnterOpens, heading, muted, rescale
from app.ui.refresh import RefreshOnChange

SEARCH_DELAY_MS = 250
SORTS = (
    (LibrarySort.LAST_STUDIED, "Last studied"),
    (LibrarySort.TOPIC, "Course name"),
    (LibrarySort.PROGRESS, "Progress"),
    (LibrarySort.LEVEL, "Level"),
    (LibrarySort.ADDED, "Recently added"),
)
HEADER_SORTS = {
    LibraryColumn.TOPIC: LibrarySort.TOPIC,
    LibraryColumn.LEVEL: LibrarySort.LEVEL,
    LibraryColumn.PROGRESS: LibrarySort.PROGRESS,
    LibraryColumn.LAST_STUDIED: LibrarySort.LAST_STUDIED,
}
NO_COURSES = (
    "No courses yet — import a course pack (File > Import Course…) or your older data "
    "(File > Import…)."
)


class LibraryPage(RefreshOnChange, QWidget):
    """`course_chosen(course_id)`: open the course's outline.
    `lesson_chosen(lesson_id)`: Continue picked the lesson to open."""

    SHOWS = Change.COURSES | Change.LESSONS | Change.LESSON_PROGRESS

    course_chosen = Signal(str)
    lesson_chosen = Signal(str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loaded = False
        self._searched: str | None = None  # the search the list shows the results of

        self.title = heading("Course library", 1.5)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search courses")
        self.search.setAccessibleName("Search courses")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Words in the course name or level (Ctrl+F)")
        self.search.setMinimumWidth(220)
        self.sort = QComboBox()
        for sort, text in SORTS:
            self.sort.addItem(text, sort)
        self.sort.setToolTip("Order of the courses")
        self.sort_label = sort_label = QLabel("S&ort by")
        sort_label.setBuddy(self.sort)
        self.continue_button = QPushButton("&Continue")
        self.continue_button.setDefault(False)
        self.continue_button.setToolTip("Open the lesson where you stopped in the selected course")
        self.continue_button.clicked.connect(self.continue_course)

        self.model = LibraryModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Courses")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        # A long course name takes a second line rather than being cut in a small window.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows.setMinimumSectionSize(self.fontMetrics().height() + 14)  # room for the progress bar
        rows.hide()
        self.table.setItemDelegateForColumn(LibraryColumn.PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LibraryColumn.TOPIC, QHeaderView.ResizeMode.Stretch)
        for column in (LibraryColumn.LEVEL, LibraryColumn.DURATION, LibraryColumn.LAST_STUDIED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LibraryColumn.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(LibraryColumn.PROGRESS, 140)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._opener = EnterOpens(self.table, self._open_index, "course")
        self.table.selectionModel().currentRowChanged.connect(self._show_continue)

        self.empty = muted(QLabel(NO_COURSES))
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addSpacing(8)
        bar.addWidget(sort_label)
        bar.addWidget(self.sort)
        bar.addStretch(0)
        bar.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        rescale(self)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.sort.currentIndexChanged.connect(self.refresh)
        add_shortcut(
            self,
            QKeySequence.StandardKey.Find,
            "Search the courses",
            self._focus_search,
            Qt.ShortcutContext.WindowShortcut,
        )
        self.search.returnPressed.connect(self._search_now)
        self.listen_for_changes(context.runner)
        self.refresh()

    def selected_course_id(self) -> str | None:
        index = self.table.currentIndex()
        if index.isValid():
            return str(index.data(COURSE_ID_ROLE))
        return self.model.rows[0].course_id if self.model.rows else None

    def refresh(self) -> None:
        self._debounce.stop()
        opened = self.context.opened
        search = self.search.text()
        self._searched = None  # until this search's results arrive
        sort = LibrarySort(self.sort.currentData())
        self.context.runner.run_read(
            lambda _progress: course_library(opened.database, search, sort),
            on_done=self._show_rows,
            owner=self,
            latest="courses",
        )

    def continue_course(self) -> None:
        course_id = self.selected_course_id()
        if course_id is None:
            return
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: continue_in_course(opened.database, course_id),
            on_done=self._continue_to,
            owner=self,
        )

    def _continue_to(self, target: ContinueTarget | None) -> None:
        if target is not None:
            self.lesson_chosen.emit(target.lesson_id)

    def _show_rows(self, rows: list[LibraryRow]) -> None:
        current = self.selected_course_id() if self.table.currentIndex().isValid() else None
        self.model.set_rows(rows)
        self.loaded = True
        self._searched = self.search.text() if not self._debounce.isActive() else None
        if not rows:
            searching = bool(self.search.text().strip())
            self.empty.setText(
                f"No course matches “{self.search.text().strip()}”." if searching else NO_COURSES
            )
        self.pages.setCurrentWidget(self.table if rows else self.empty)
        # Nothing to search or sort in an empty library: only the way to get courses shows.
        for widget in (self.search, self.sort, self.sort_label, self.continue_button):
            widget.setVisible(bool(rows) or bool(self.search.text().strip()))
        number = self.model.row_of(current) if current else None
        if number is None and rows:
            number = 0
        if number is not None:
            self.table.setCurrentIndex(self.model.index(number, LibraryColumn.TOPIC))
        self._show_continue()

    def _show_continue(self) -> None:
        self.continue_button.setEnabled(bool(self.model.rows))
        course_id = self.selected_course_id()
        number = self.model.row_of(course_id) if course_id else None
        if number is not None:
            row = self.model.rows[number]
            verb = "Review" if row.finished else "Continue" if row.last_studied else "Start"
            self.continue_button.setText(f"&{verb}")
            self.continue_button.setToolTip(f"{verb} “{row.topic}” where you left off")

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.course_chosen.emit(str(index.data(COURSE_ID_ROLE)))

    def _header_clicked(self, section: int) -> None:
        sort = HEADER_SORTS.get(LibraryColumn(section))
        if sort is not None:
            self.sort.setCurrentIndex(self.sort.findData(sort))

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_now(self) -> None:
        """Enter in the search box: the selected course opens when the list already shows
        what was typed; otherwise the search runs now and the list takes the focus."""
        if self._searched == self.search.text() and self.table.currentIndex().isValid():
            self._open_index(self.table.currentIndex())
            return
        self.refresh()
        if self.model.rows:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
