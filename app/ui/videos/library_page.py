"""The video library: search, filters (watched state, subject, tag, playlist), a sortable table
with thumbnails, and the actions on the selected videos. Everything is reachable from the keyboard:
Ctrl+F searches, Enter plays, Delete removes (Ctrl+Z brings back), Ctrl+E edits details,
Ctrl+Up/Down moves a video within the playlist shown. Files and folders dropped here are added.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.videos import library_actions, playlists
from app.core.videos.library import Library, LibraryQuery, VideoRow, WatchFilter, library
from app.core.videos.links import CourseChoice, link_choices
from app.file_types import OPENABLE
from app.ui.context import ViewContext
from app.ui.icons import bookmark_icon
from app.ui.key_help import add_shortcut
from app.ui.open_files import open_files
from app.ui.theme import scale_text
from app.ui.videos.adding import ThumbnailMaker, add_paths
from app.ui.videos.details_dialog import DetailsDialog
from app.ui.videos.library_model import SUBJECT, THUMB, TITLE, VideoTableModel
from app.wording import counted

# A column is as wide as its header and the values of the rows on screen need (more rows took
# 100 ms more to show a library of 5,000: tests/perf/bench_videos.py); its values are alike.
FITTED_ROWS = 0

STATES = (
    ("All videos", None),
    ("Not started", WatchFilter.UNWATCHED),
    ("In progress", WatchFilter.IN_PROGRESS),
    ("Completed", WatchFilter.COMPLETED),
    ("Missing file", WatchFilter.MISSING),
)


class LibraryPage(QWidget):
    """`play_requested(video_id)`: the learner chose a video."""

    play_requested = Signal(str)

    def __init__(self, context: ViewContext, owner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.owner = owner
        self.shown: Library | None = None
        self.dirty = True
        self.removed: list[tuple[str, ...]] = []
        self.setAcceptDrops(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search (Ctrl+F)")
        self.search.setAccessibleName("Search videos")
        self.search.setToolTip("Titles, subjects, systems, topics and tags")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.state = QComboBox()
        for text, value in STATES:
            self.state.addItem(text, value)
        self.subject = QComboBox()
        self.tag = QComboBox()
        self.playlist = QComboBox()
        for combo, name in (
            (self.state, "Watched"),
            (self.subject, "Subject"),
            (self.tag, "Tag"),
            (self.playlist, "Playlist"),
        ):
            combo.setAccessibleName(name)
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.playlist_menu_button = QPushButton("Playlists")
        self.playlist_menu_button.setMenu(self._playlist_menu())
        self.add_button = QPushButton("Add Videos…")
        self.add_button.clicked.connect(self._add_files)
        self.settings_button = QPushButton("Settings…")
        self.settings_button.setToolTip("When a video counts as completed")
        self.settings_button.clicked.connect(self.edit_settings)
        searching = QHBoxLayout()
        searching.addWidget(self.search, 1)
        searching.addWidget(self.add_button)
        searching.addWidget(self.settings_button)
        filters = QHBoxLayout()
        for combo in (self.state, self.subject, self.tag, self.playlist):
            filters.addWidget(combo, 1)
        filters.addWidget(self.playlist_menu_button)

        self.model = VideoTableModel(context.opened.profile.media_dir, self)
        self.table = QTableView()
        self.table.setAccessibleName("Videos")
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setIconSize(THUMB)
        # A title wraps beside its thumbnail (a row is three lines high); the other columns
        # take what their header and values need, the title the rest, so at 800 px the title
        # is read whole rather than only its thumbnail shown.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(THUMB.height() + 8)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(FITTED_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.model.set_bookmarks_icon(bookmark_icon(self))
        self.table.activated.connect(self._play_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.thumbnails = ThumbnailMaker(context, self.model.thumbnail_ready, self.model)
        self.model.thumbnail_wanted.connect(self.thumbnails.want)

        self.count = QLabel()
        self.undo_note = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo_remove)
        self.undo_note.hide()
        self.undo_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.undo_note)
        bottom.addWidget(self.undo_button)

        self.empty = self._empty_state()
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addLayout(searching)
        layout.addLayout(filters)
        layout.addWidget(self.body, 1)
        layout.addLayout(bottom)

        keys: dict[QKeySequence | QKeySequence.StandardKey, tuple[str, Callable[[], object]]] = {
            QKeySequence.StandardKey.Find: ("Search the videos", self.search.setFocus),
            QKeySequence.StandardKey.Delete: ("Remove the chosen videos", self.remove_selected),
            QKeySequence.StandardKey.Undo: ("Undo removing videos", self.undo_remove),
            QKeySequence("Ctrl+E"): ("Edit the chosen video", self.edit_selected),
            QKeySequence("Ctrl+Up"): (
                "Move the chosen video up its playlist",
                lambda: self.move_selected(-1),
            ),
            QKeySequence("Ctrl+Down"): (
                "Move the chosen video down its playlist",
                lambda: self.move_selected(1),
            ),
            QKeySequence("Alt+Up"): (
                "Move the chosen video up its playlist",
                lambda: self.move_selected(-1),
            ),
            QKeySequence("Alt+Down"): (
                "Move the chosen video down its playlist",
                lambda: self.move_selected(1),
            ),
        }
        for key, (description, action) in keys.items():
            add_shortcut(self, key, description, action)
        self.search.returnPressed.connect(self.table.setFocus)

    def _empty_state(self) -> QWidget:
        holder = QWidget()
        title = QLabel("No videos yet")
        scale_text(title, 1.4, bold=True)
        self.empty_text = QLabel(
            "Add the lecture recordings and review videos you keep on this computer: "
            "File > Add Videos…, or drag files and folders here. They stay where they are; "
            "Study Desk remembers where you stopped, your bookmarks and what you have watched."
        )
        self.empty_text.setWordWrap(True)
        button = QPushButton("Add Videos…")
        button.clicked.connect(self._add_files)
        column = QVBoxLayout(holder)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(self.empty_text)
        column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(2)
        column.setContentsMargins(40, 20, 40, 20)
        return holder

    # --- reading -------------------------------------------------------------------------------
    def query(self) -> LibraryQuery:
        return LibraryQuery(
            search=self.search.text(),
            subject=self.subject.currentData(),
            tag=self.tag.currentData(),
            playlist_id=self.playlist.currentData(),
            state=self.state.currentData(),
        )

    def reload(self) -> None:
        self.dirty = False
        opened = self.context.opened
        query = self.query()
        self.context.runner.run_read(
            lambda _p: library(opened.database, query),
            on_done=self._show,
            owner=self,
            latest="library",
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the theme switched: the icon's color
            self.model.set_bookmarks_icon(bookmark_icon(self))
        super().changeEvent(event)

    def _show(self, found: Library) -> None:
        self.shown = found
        selected = {row.id for row in self.selected_rows()}
        self.model.set_rows(found.rows)
        # No subject on any video listed: its column would be empty room the title needs.
        self.table.setColumnHidden(SUBJECT, not any(r.subject or r.system for r in found.rows))
        header = self.table.horizontalHeader()
        if not self.playlist.currentData() or header.sortIndicatorSection() != TITLE:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._fill(self.subject, "All subjects", [(s, s) for s in found.subjects])
        self._fill(self.tag, "All tags", [(t, t) for t in found.tags])
        self._fill(
            self.playlist,
            "Any playlist",
            [(f"{p.name} ({p.count})", p.id) for p in found.playlists],
        )
        self.body.setCurrentWidget(self.empty if found.total == 0 else self.table)
        shown = len(found.rows)
        self.count.setText(
            counted(found.total, "video")
            if shown == found.total
            else f"{shown:,} of {counted(found.total, 'video')}"
        )
        for row in range(self.model.rowCount()):
            if self.model.rows[row].id in selected:
                self.table.selectRow(row)
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, TITLE))

    def _fill(self, combo: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for text, value in items:
            combo.addItem(text, value)
        at = combo.findData(current)
        combo.setCurrentIndex(max(0, at))
        combo.blockSignals(False)

    def selected_rows(self) -> list[VideoRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows if r < len(self.model.rows)]

    # --- actions -------------------------------------------------------------------------------
    def _play_index(self, index: QModelIndex) -> None:
        row = self.model.video(index)
        if row is not None:
            self.play_requested.emit(row.id)

    def _add_files(self) -> None:
        from app.ui.videos.adding import add_videos_from_menu

        add_videos_from_menu(self.context, self.window())

    def _write(self, fn, label: str, on_done=None) -> None:  # type: ignore[no-untyped-def]
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: fn(opened.database), label=label, on_done=on_done, owner=self,
            initiator=self.owner,
        )  # fmt: skip

    def remove_selected(self) -> None:
        ids = tuple(row.id for row in self.selected_rows())
        if not ids:
            return
        self.remove(ids)

    def remove(self, ids: tuple[str, ...]) -> None:
        self.removed.append(ids)
        what = counted(len(ids), "video")
        self._write(lambda db: library_actions.remove_videos(db, ids), f"Removing {what}")
        self.undo_note.setText(f"Removed {what} from the library (the files stay on disk).")
        self.undo_note.show()
        self.undo_button.show()

    def undo_remove(self) -> None:
        if not self.removed:
            return
        ids = self.removed.pop()
        self._write(lambda db: library_actions.restore_videos(db, ids), "Bringing videos back")
        if not self.removed:
            self.undo_note.hide()
            self.undo_button.hide()

    def edit_selected(self) -> None:
        """Ctrl+E: the details of the first selected video, once the courses are read."""
        rows = self.selected_rows()
        if not rows or self.shown is None:
            return
        row, subjects, opened = rows[0], self.shown.subjects, self.context.opened
        self.context.runner.run_read(
            lambda _p: link_choices(opened.database),
            on_done=lambda courses: self._edit(row, subjects, courses),
            owner=self,
        )

    def _edit(
        self, row: VideoRow, subjects: tuple[str, ...], courses: tuple[CourseChoice, ...]
    ) -> None:
        dialog = DetailsDialog(self, row, subjects, courses)
        if dialog.exec() == DetailsDialog.DialogCode.Accepted:
            categories, title, link = dialog.categories(), dialog.title.text(), dialog.chosen_link()
            self._write(
                lambda db: library_actions.set_categories(
                    db, row.id, categories, title=title, link=link
                ),
                "Saving video details",
            )

    def edit_settings(self) -> None:
        from app.ui.videos.settings_dialog import edit_video_settings

        edit_video_settings(self.context, self, self.owner)

    def in_playlist_order(self) -> bool:
        """A playlist is chosen and shown in its own order (the Title column's sort)."""
        header = self.table.horizontalHeader()
        return bool(self.playlist.currentData()) and header.sortIndicatorSection() == TITLE

    def move_selected(self, steps: int) -> None:
        """Alt+Up / Alt+Down (or Ctrl+): one place up or down the playlist shown."""
        playlist_id = self.playlist.currentData()
        rows = self.selected_rows()
        if not self.in_playlist_order() or len(rows) != 1:
            return
        video_id = rows[0].id
        at = self.model.row_of(video_id) + steps
        if not 0 <= at < self.model.rowCount():
            return
        neighbour = self.model.rows[at].id
        self._write(
            lambda db: playlists.move_beside(db, playlist_id, video_id, neighbour),
            "Moving in the playlist",
        )

    def _context_menu(self, point: QPoint) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        ids = [row.id for row in rows]
        menu = QMenu(self)
        menu.addAction("Play", lambda: self.play_requested.emit(ids[0]))
        menu.addAction("Edit Details…", self.edit_selected)
        add_to = menu.addMenu("Add to Playlist")
        for entry in self.shown.playlists if self.shown else ():
            add_to.addAction(
                entry.name,
                lambda p=entry.id: self._write(  # type: ignore[misc]
                    lambda db: playlists.add_to_playlist(db, p, ids), "Adding to the playlist"
                ),
            )
        add_to.addSeparator()
        add_to.addAction("New Playlist…", lambda: self.new_playlist(ids))
        playlist_id = self.playlist.currentData()
        if playlist_id:
            menu.addAction(
                "Remove from This Playlist",
                lambda: self._write(
                    lambda db: playlists.remove_from_playlist(db, playlist_id, ids),
                    "Removing from the playlist",
                ),
            )
        menu.addSeparator()
        menu.addAction("Remove from Library", self.remove_selected)
        menu.exec(self.table.viewport().mapToGlobal(point))

    def _playlist_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("New Playlist…", lambda: self.new_playlist([]))
        menu.addAction("Rename This Playlist…", self.rename_playlist)
        menu.addAction("Delete This Playlist", self.delete_playlist)
        return menu

    def new_playlist(self, video_ids: list[str]) -> None:
        name, ok = QInputDialog.getText(self, "New Playlist", "Name of the playlist:")
        if not ok or not name.strip():
            return

        self._write(lambda db: playlists.create_playlist(db, name, video_ids), "Making a playlist")

    def rename_playlist(self) -> None:
        playlist_id = self.playlist.currentData()
        if not playlist_id:
            return
        name, ok = QInputDialog.getText(self, "Rename Playlist", "New name:")
        if ok and name.strip():
            self._write(lambda db: playlists.rename_playlist(db, playlist_id, name), "Renaming")

    def delete_playlist(self) -> None:
        playlist_id = self.playlist.currentData()
        if playlist_id:
            self._write(lambda db: playlists.delete_playlist(db, playlist_id), "Deleting playlist")

    # --- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            # Cards, courses and question packs dropped here are imported as anywhere else in
            # the window; everything else (videos, folders) is for the library.
            others = [path for path in paths if path.suffix.lower() in OPENABLE]
            videos = [path for path in paths if path not in others]
            if others:
                open_files(self.context, self.window(), others)
            if videos:
                add_paths(self.context, self.window(), videos)
