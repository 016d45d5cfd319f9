"""Today's "Continue watching": the videos started and not finished, the last watched first, each
with how far it is watched and a button that resumes it. Hidden when there are none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.ui.context import ViewContext
from app.ui.layouts import clear_layout
from app.ui.refresh import RefreshOnChange
from app.ui.theme import scale_text

if TYPE_CHECKING:  # the videos core loads on the worker, off the first paint's path
    from app.core.videos.library import VideoRow
    from app.db.database import ProfileDatabase

SHOWN = 3
RESUME_BACK_S = 5.0


def read_continue(database: ProfileDatabase) -> tuple[VideoRow, ...]:
    from app.core.videos.library import continue_watching

    return continue_watching(database, SHOWN)


class ContinueWatchingSection(RefreshOnChange, QFrame):
    SHOWS = Change.VIDEOS | Change.WATCHING
    HIDES_WHEN_EMPTY = True

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: tuple[VideoRow, ...] = ()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel("Continue watching")
        scale_text(self.heading, 1.25, bold=True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        self.buttons: list[QPushButton] = []
        self.hide()
        self.listen_for_changes(context.runner)
        self.refresh()

    def refresh(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: read_continue(opened.database), on_done=self._show, owner=self
        )

    def _show(self, rows: tuple[VideoRow, ...]) -> None:
        from app.core.videos.bookmarks import clock

        self.rows = rows
        clear_layout(self.grid)
        self.buttons = []
        for line, row in enumerate(rows):
            title = QLabel(row.title)
            title.setToolTip(row.path or "")
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(row.watched_fraction * 100))
            bar.setFormat("%p % watched")
            bar.setMaximumWidth(180)
            at = max(0.0, row.last_position_s - RESUME_BACK_S)
            # Alt+E resumes the latest; the others are a Tab away (one key each would clash).
            button = QPushButton(f"{'R&esume' if line == 0 else 'Resume'} at {clock(at)}")
            button.clicked.connect(
                lambda _c=False, v=row.id, s=at: self.context.navigator.open_video_moment(v, s)
            )
            self.grid.addWidget(title, line, 0)
            self.grid.addWidget(bar, line, 1)
            self.grid.addWidget(button, line, 2)
            self.buttons.append(button)
        self.setVisible(bool(rows))
