"""Today: a greeting, the date, and what there is to study now.

For now nothing can be studied yet, so Today says so plainly; each later view adds its own part
(due cards, the next lesson, planned sessions) to `TodaySummary` and a section here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core import sample_actions
from app.core.changes import Change
from app.core.samples import SamplesRemoved
from app.ui.context import ViewContext
from app.ui.dialogs.forms import confirm
from app.ui.focus_order import put_after
from app.ui.refresh import RefreshOnChange

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class TodaySummary:
    has_sample_content: bool


def read_summary(database: ProfileDatabase) -> TodaySummary:
    return TodaySummary(has_sample_content=sample_actions.has_sample_content(database))


def greeting(now: datetime, name: str) -> str:
    part = "morning" if now.hour < 12 else "afternoon" if now.hour < 18 else "evening"
    return f"Good {part}, {name}"


def _scaled_label(text: str, scale: float, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setProperty("font_scale", scale)
    label.setProperty("font_bold", bold)
    label.setWordWrap(True)
    _scale_font(label)
    return label


def _scale_font(label: QLabel) -> None:
    """Size a heading relative to the application font, so the text size setting reaches it."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * float(label.property("font_scale")))
    font.setBold(bool(label.property("font_bold")))
    label.setFont(font)


class TodayView(RefreshOnChange, QWidget):
    """Refreshes itself whenever a write touches the profile or its settings."""

    SHOWS = Change.PROFILE | Change.SETTINGS

    title = "Today"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.greeting = _scaled_label("", 1.8, bold=True)
        self.date = _scaled_label("", 1.1)
        self.date.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.empty_title = _scaled_label("Nothing to study yet", 1.25, bold=True)
        self.empty_text = QLabel(
            "Bring in a course (File > Import Course…) or a deck of flashcards "
            "(File > Import Cards…), or write a card in Review (Ctrl+N): what is due each day "
            "then appears here."
        )
        self.empty_text.setWordWrap(True)
        self.empty = empty = QFrame()
        empty.setFrameShape(QFrame.Shape.StyledPanel)
        empty_layout = QVBoxLayout(empty)
        empty_layout.setContentsMargins(20, 16, 20, 18)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(self.empty_text)

        self.samples = QFrame()
        self.samples.setFrameShape(QFrame.Shape.StyledPanel)
        self.samples_text = QLabel(
            "Sample content is loaded so you can try things out. Remove it when you want "
            "only your own material here."
        )
        self.samples_text.setWordWrap(True)
        self.remove_samples_button = QPushButton("Re&move Sample Content")
        self.remove_samples_button.clicked.connect(self.remove_sample_content)
        samples_layout = QVBoxLayout(self.samples)
        samples_layout.setContentsMargins(20, 14, 20, 16)
        samples_layout.addWidget(self.samples_text)
        samples_layout.addWidget(self.remove_samples_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.samples.hide()

        # After a removal: what happened, and the way back.
        self.removed: SamplesRemoved | None = None
        self.undo_bar = QFrame()
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_text = QLabel("Sample content removed.")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setToolTip("Bring the sample course and deck back")
        self.undo_button.clicked.connect(self.undo_sample_removal)
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(20, 10, 20, 10)
        undo_layout.addWidget(self.undo_text, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()

        self.sections: list[RefreshOnChange] = []
        self._column = column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(self.greeting)
        column.addWidget(self.date)
        column.addSpacing(16)
        column.addWidget(empty)
        column.addWidget(self.samples)
        column.addWidget(self.undo_bar)
        column.addStretch(1)
        # A readable line length on wide windows: the column stops growing, the margins do.
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(720)
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(32, 28, 32, 24)
        row.addWidget(holder, 1)
        row.addStretch(0)
        # Scrolls when a large text size or a short window leaves too little height.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the buttons, scrolled to
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        # The date and greeting change at midnight and noon even if nothing else does.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._show_time_of_day)
        self._clock.start()
        self.listen_for_changes(context.runner)
        self.refresh()

    def add_section(self, section: RefreshOnChange) -> None:
        """Host another view's part of Today (above the sample content panel). A section hides
        itself when it has nothing to show; "Nothing to study yet" shows while all are hidden."""
        self.sections.append(section)
        self._column.insertWidget(self._column.indexOf(self.empty), section)
        # Tab meets the section's buttons before the sample content panel's, as a reader does.
        buttons = section.findChildren(QPushButton)
        put_after(buttons[-1] if buttons else None, [self.remove_samples_button, self.undo_button])
        section.installEventFilter(self)
        self._show_empty()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in self.sections and event.type() in (
            QEvent.Type.ShowToParent,
            QEvent.Type.HideToParent,
        ):
            self._show_empty()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        for section in self.sections:  # hidden ones (nothing to show) get no show event
            section.refresh_if_stale()

    def _show_empty(self) -> None:
        self.empty.setVisible(all(section.isHidden() for section in self.sections))

    def changeEvent(self, event: QEvent) -> None:
        # The view's own font follows the application font; its headings are scaled from it.
        if event.type() == QEvent.Type.FontChange:
            for label in (self.greeting, self.date, self.empty_title):
                _scale_font(label)
        super().changeEvent(event)

    def refresh(self) -> None:
        self._show_time_of_day()
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: read_summary(opened.database),
            on_done=self._show_summary,
            owner=self,
            latest="summary",
        )

    def remove_sample_content(self) -> None:
        """Say what goes, ask, remove it, and offer Undo."""
        opened = self.context.opened
        self.remove_samples_button.setEnabled(False)
        self.context.runner.run_read(
            lambda _progress: sample_actions.describe_sample_content(opened.database),
            on_done=self._confirm_removal,
            on_finally=lambda: self.remove_samples_button.setEnabled(True),
            owner=self,
        )

    def _confirm_removal(self, parts: tuple[str, ...]) -> None:
        what = "\n".join(f"• {part[:1].upper()}{part[1:]}" for part in parts) or "• Nothing is left"
        if not confirm(
            self,
            "Remove Sample Content",
            f"This removes:\n{what}\n\nYour own courses, cards and reviews stay. "
            "You can undo it right after.",
            "Remove",
        ):
            return
        opened = self.context.opened
        self.remove_samples_button.setEnabled(False)
        self.context.runner.run_write(
            lambda _progress: sample_actions.remove_sample_content(opened.database),
            label="Removing sample content",
            on_done=self._removed,
            on_finally=lambda: self.remove_samples_button.setEnabled(True),
            owner=self,
        )

    def _removed(self, removed: SamplesRemoved) -> None:
        self.removed = removed
        self.undo_bar.show()

    def undo_sample_removal(self) -> None:
        removed, self.removed = self.removed, None
        self.undo_bar.hide()
        if removed is None:
            return
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: sample_actions.undo_sample_removal(opened.database, removed),
            label="Bringing the sample content back",
            owner=self,
        )

    def _show_time_of_day(self) -> None:
        self.greeting.setText(greeting(datetime.now(), self.context.profile_name))
        self.date.setText(QLocale().toString(QDate.currentDate(), QLocale.FormatType.LongFormat))

    def _show_summary(self, summary: TodaySummary) -> None:
        self.samples.setVisible(summary.has_sample_content)
