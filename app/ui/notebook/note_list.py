"""The list of notes beside the open one: search, filters (tag, notebook, linked kind), sort, pinned
first, and the Library's read-only articles after the notes.

Each row shows the title on its first line and, smaller, when it changed, its tags and a few
words of its text on the second.

The list comes in pages (`note_reads.LIST_PAGE` rows): scrolling near the end asks for the next
one (`more_wanted`); a re-read asks again for as many rows as are shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.ui.notebook.link_picker import KIND_NAMES

if TYPE_CHECKING:
    from app.core.notes.note_reads import NoteList, NoteQuery, NoteRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
HEADER_ROLE = Qt.ItemDataRole.UserRole + 2


def when_text(row: NoteRow) -> str:
    return row.updated_at.astimezone().strftime("%d %b %Y")


def detail_text(row: NoteRow) -> str:
    parts = ["Pinned" if row.pinned else "", when_text(row)]
    if row.tags:
        parts.append(" ".join(f"#{tag}" for tag in row.tags))
    if row.snippet:
        parts.append(row.snippet)
    return " · ".join(part for part in parts if part)


class NoteRowDelegate(QStyledItemDelegate):
    """Title (bold) over one muted line of details; section headers in small capitals."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = option.fontMetrics
        lines = 1 if index.data(HEADER_ROLE) else 2
        return QSize(120, lines * metrics.height() + 10)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect: QRect = opt.rect.adjusted(6, 4, -6, -4)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        font = QFont(opt.font)
        height = opt.fontMetrics.height()
        if index.data(HEADER_ROLE):
            font.setBold(True)
            font.setCapitalization(QFont.Capitalization.SmallCaps)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
            return
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(role))
        first = QRect(rect.left(), rect.top(), rect.width(), height)
        title = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(first, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        font.setBold(False)
        painter.setFont(font)
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        second = QRect(rect.left(), rect.top() + height, rect.width(), height)
        details = painter.fontMetrics().elidedText(
            str(index.data(Qt.ItemDataRole.ToolTipRole) or ""),
            Qt.TextElideMode.ElideRight,
            rect.width(),
        )
        painter.drawText(
            second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, details
        )
        painter.restore()


class NoteFilters(QWidget):
    """The search box and the four choices above the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes")
        self.search.setToolTip("Words in titles and texts (Ctrl+F from the list)")
        self.search.setAccessibleName("Search notes")
        self.search.setClearButtonEnabled(True)
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.notebook = QComboBox()
        self.notebook.setAccessibleName("Notebook")
        self.linked = QComboBox()
        self.linked.setAccessibleName("Linked to")
        self.linked.addItem("Any links", None)
        for kind, name in KIND_NAMES:
            self.linked.addItem(f"Links a {name.lower()}", kind)
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort")
        self.sort.addItem("Recent first", "updated")
        self.sort.addItem("By title", "title")
        for combo in (self.tag, self.notebook, self.linked, self.sort):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        self.fill([], [])
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 2)
        grid.addWidget(self.tag, 1, 0)
        grid.addWidget(self.notebook, 1, 1)
        grid.addWidget(self.linked, 2, 0)
        grid.addWidget(self.sort, 2, 1)

    def query(self) -> NoteQuery:
        from app.core.notes.note_reads import NoteQuery

        return NoteQuery(
            search=self.search.text().strip(),
            tag=self.tag.currentData(),
            notebook_id=self.notebook.currentData(),
            linked_kind=self.linked.currentData(),
            sort=self.sort.currentData(),
            include_articles=True,
        )

    def fill(self, tags: list[tuple[str, str]], notebooks: list[tuple[str, str]]) -> None:
        _refill(self.tag, "All tags", tags)
        _refill(self.notebook, "All notebooks", notebooks)

    @property
    def narrowed(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.tag.currentData()
            or self.notebook.currentData()
            or self.linked.currentData()
        )


def _refill(combo: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class NoteListWidget(QListWidget):
    more_wanted = Signal()  # scrolled near the end of the rows read so far, and more follow
    PAGE = 200  # rows asked for at a time (note_reads.LIST_PAGE)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Notes")
        self.setItemDelegate(NoteRowDelegate(self))
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.shown: NoteList | None = None
        self.loaded = 0  # rows of the list read so far (notes and articles)
        self.asking = False  # the next page is asked for
        self.has_library = False  # the Library's header is shown
        self.generation = 0  # counts the lists shown (a page read for an older one is dropped)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._near_end())

    def rows_wanted(self) -> int:
        """How many rows a re-read asks for: a page, or as many as are shown."""
        return max(self.PAGE, self.loaded)

    def show_rows(self, found: NoteList, selected: str | None) -> None:
        self.shown = found
        self.generation += 1
        self.loaded, self.asking, self.has_library = 0, False, False
        self.blockSignals(True)
        self.clear()
        self._add_rows(found)
        self.blockSignals(False)
        if selected is not None:
            self.select(selected)

    def add_page(self, found: NoteList, generation: int) -> None:
        """The rows after those shown (a page asked for by `more_wanted` when the list shown
        was `generation`)."""
        if generation != self.generation or found.offset != self.loaded:
            return  # the list was read again meanwhile
        self.asking = False
        self.shown = found
        self.blockSignals(True)
        self._add_rows(found)
        self.blockSignals(False)
        self._near_end()

    def _add_rows(self, found: NoteList) -> None:
        for row in found.rows:  # notes come before articles
            if row.kind != "note" and not self.has_library:
                header = QListWidgetItem("Library (read-only)")
                header.setData(HEADER_ROLE, True)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                self.addItem(header)
                self.has_library = True
            self._add(row)
        self.loaded += len(found.rows)

    def _near_end(self) -> None:
        """Ask for the next page when the end of the rows read is within a screen."""
        if self.asking or self.shown is None or not self.shown.more:
            return
        bar = self.verticalScrollBar()
        if bar.maximum() - bar.value() <= max(bar.pageStep(), 1):
            self.asking = True
            self.more_wanted.emit()

    def _add(self, row: NoteRow) -> None:
        item = QListWidgetItem(row.title or "Untitled")
        item.setData(ROW_ROLE, row.id)
        item.setData(Qt.ItemDataRole.ToolTipRole, detail_text(row))
        self.addItem(item)

    def select(self, note_id: str) -> bool:
        """Make `note_id` current without announcing it (it is already open)."""
        for at in range(self.count()):
            item = self.item(at)
            if item is not None and item.data(ROW_ROLE) == note_id:
                self.blockSignals(True)
                self.setCurrentItem(item)
                self.blockSignals(False)
                self.scrollToItem(item)
                return True
        return False

    def current_id(self) -> str | None:
        item = self.currentItem()
        value = item.data(ROW_ROLE) if item is not None else None
        return str(value) if value else None

    def note_count(self) -> int:
        items = (self.item(at) for at in range(self.count()))
        return len([item for item in items if item is not None and item.data(ROW_ROLE)])
