"""Videos: the library and the player, one page at a time.

Opening a video (from the library, Today's Continue watching, or a card made from a moment
through `open_video_moment`) shows the player; Esc or "‹ Library" goes back. A change to videos,
bookmarks or what was watched re-reads the library (now if it is showing, else when it is shown
again); the player never reloads the file for it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.core.changes import Change
from app.ui.context import ViewContext
from app.ui.refresh import RefreshOnChange
from app.ui.videos.library_page import LibraryPage
from app.ui.videos.player_page import PlayerPage


class VideosView(RefreshOnChange, QWidget):
    SHOWS = Change.VIDEOS | Change.BOOKMARKS | Change.WATCHING | Change.TAGS

    title = "Videos"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.library = LibraryPage(context, self)
        self.player = PlayerPage(context, self)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.library)
        self.pages.addWidget(self.player)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.pages)
        self.library.play_requested.connect(lambda video_id: self.open_video_moment(video_id, None))
        self.player.back_requested.connect(self.show_library)
        self.player.video_removed.connect(self._remove_from_player)
        self.listen_for_changes(context.runner)
        self.library.reload()

    def open_video_moment(self, video_id: str, seconds: float | None) -> None:
        """Play the video from `seconds` (None: where the learner stopped, a little before)."""
        self.pages.setCurrentWidget(self.player)
        if self.player.video_id == video_id and seconds is not None:
            self.player.seek_to(seconds)
            return
        self.player.open_video(video_id, seconds)

    def show_library(self) -> None:
        self.player.close_video()
        self.pages.setCurrentWidget(self.library)
        if self.library.dirty:
            self.library.reload()
        self.library.table.setFocus()

    def _remove_from_player(self, video_id: str) -> None:
        self.show_library()
        self.library.remove((video_id,))

    def refresh_for(self, changes: Change) -> None:
        if self.pages.currentWidget() is self.library:
            self.library.reload()
        else:
            self.library.dirty = True
            self.player.refresh_for(changes)

    def refresh(self) -> None:
        self.refresh_for(self.SHOWS)
