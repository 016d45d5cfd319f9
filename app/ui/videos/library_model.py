"""The video library as a table: thumbnail and title, length, progress, bookmarks, subject, added.

Rows come whole from `app.core.videos.library.library` (thousands of small tuples); thumbnails
are read from the media folder only for the rows the view paints, and kept in a bounded cache.
A video without a thumbnail file yet (the sample, one synced from another device) is announced
once with `thumbnail_wanted` so the page can have one made off the GUI thread.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from app.core.videos.bookmarks import clock
from app.core.videos.library import VideoRow, WatchFilter
from app.core.videos.media import thumbnail_path

THUMB = QSize(96, 54)
CACHE_SIZE = 400
Index = QModelIndex | QPersistentModelIndex

TITLE, LENGTH, PROGRESS, BOOKMARKS, SUBJECT, ADDED = range(6)
HEADERS = ("Title", "Length", "Watched", "Bookmarks", "Subject", "Added")
VIDEO_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def progress_text(row: VideoRow) -> str:
    if row.missing:
        return "File missing"
    if row.completed:
        return "Completed"
    if row.state is WatchFilter.UNWATCHED:
        return "Not started"
    return f"{round(row.watched_fraction * 100)}%"


def _placeholder(audio: bool) -> QPixmap:
    pixmap = QPixmap(THUMB)
    palette = QApplication.palette()
    pixmap.fill(palette.color(QPalette.ColorRole.AlternateBase))
    style = QApplication.style()
    icon = style.standardIcon(
        QStyle.StandardPixmap.SP_MediaVolume if audio else QStyle.StandardPixmap.SP_MediaPlay
    )
    painter = QPainter(pixmap)
    size = 28
    icon.paint(painter, (THUMB.width() - size) // 2, (THUMB.height() - size) // 2, size, size)
    painter.end()
    return pixmap


class VideoTableModel(QAbstractTableModel):
    thumbnail_wanted = Signal(str, str)  # video id, file path

    def __init__(self, media_dir: Path, parent: Any = None) -> None:
        super().__init__(parent)
        self.media_dir = media_dir
        self.bookmarks_icon: QIcon | None = None
        self.rows: list[VideoRow] = []
        self._thumbs: OrderedDict[str, QPixmap] = OrderedDict()
        self._asked: set[str] = set()
        self._placeholders: dict[bool, QPixmap] = {}

    # reading
    def set_rows(self, rows: tuple[VideoRow, ...] | list[VideoRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, video_id: str) -> int:
        return next((n for n, row in enumerate(self.rows) if row.id == video_id), -1)

    def video(self, index: Index) -> VideoRow | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def thumbnail_ready(self, video_id: str) -> None:
        self._thumbs.pop(video_id, None)
        row = self.row_of(video_id)
        if row >= 0:
            at = self.index(row, TITLE)
            self.dataChanged.emit(at, at, [Qt.ItemDataRole.DecorationRole])

    def _thumbnail(self, row: VideoRow) -> QPixmap:
        cached = self._thumbs.get(row.id)
        if cached is not None:
            self._thumbs.move_to_end(row.id)
            return cached
        pixmap = QPixmap()
        if row.has_video:
            pixmap.load(str(thumbnail_path(self.media_dir, row.id)))
        if pixmap.isNull():
            if row.has_video and not row.missing and row.path and row.id not in self._asked:
                self._asked.add(row.id)
                self.thumbnail_wanted.emit(row.id, row.path)
            audio = not row.has_video
            if audio not in self._placeholders:
                self._placeholders[audio] = _placeholder(audio)
            return self._placeholders[audio]
        pixmap = pixmap.scaled(
            THUMB,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._thumbs[row.id] = pixmap
        if len(self._thumbs) > CACHE_SIZE:
            self._thumbs.popitem(last=False)
        return pixmap

    # QAbstractTableModel
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == BOOKMARKS and self.bookmarks_icon is not None:
            # An icon, not the word: the room goes to the titles (at 800 px, 130 % text).
            if role == Qt.ItemDataRole.DecorationRole:
                return self.bookmarks_icon
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return HEADERS[section]
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def set_bookmarks_icon(self, icon: QIcon) -> None:
        """The Bookmarks column's header shows `icon` instead of its name (redrawn by the view
        in the theme's colors)."""
        self.bookmarks_icon = icon
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, BOOKMARKS, BOOKMARKS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.video(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == TITLE:
            return QIcon(self._thumbnail(row))
        if role == VIDEO_ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            where = row.path or "not on this computer"
            link = f"\nCourse: {row.link_text}" if row.link_text else ""
            missing = "\n(the file is missing)" if row.missing else ""
            return f"{row.title}{link}\n{where}{missing}"
        if role == Qt.ItemDataRole.ForegroundRole and row.missing:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ForegroundRole and column == PROGRESS and row.completed:
            return QColor("#2e7d32")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (LENGTH, BOOKMARKS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: VideoRow, column: int) -> str:
        if column == TITLE:  # the course or lesson it goes with on a second line
            return f"{row.title}\n{row.link_text}" if row.link_text else row.title
        if column == LENGTH:
            return clock(row.duration_s)
        if column == PROGRESS:
            return progress_text(row)
        if column == BOOKMARKS:
            return str(row.bookmarks) if row.bookmarks else ""
        if column == SUBJECT:
            return " · ".join(part for part in (row.subject, row.system) if part)
        added = row.added_at.astimezone()
        return str(
            QLocale().toString(
                QDate(added.year, added.month, added.day), QLocale.FormatType.ShortFormat
            )
        )

    def _sort_value(self, row: VideoRow, column: int) -> Any:
        if column == LENGTH:
            return row.duration_s
        if column == PROGRESS:
            return -1.0 if row.missing else row.watched_fraction + (1.0 if row.completed else 0)
        if column == BOOKMARKS:
            return row.bookmarks
        if column == ADDED:
            return row.added_at.timestamp()
        if column == TITLE:
            return row.title.casefold()
        return self._display(row, column).casefold()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        held = [(self.rows[i.row()].id, i.column()) for i in kept]
        self.rows.sort(
            key=lambda row: (self._sort_value(row, column), row.title.casefold()),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        where = {row.id: n for n, row in enumerate(self.rows)}
        self.changePersistentIndexList(
            kept, [self.index(where[video_id], col) for video_id, col in held]
        )
        self.layoutChanged.emit()
