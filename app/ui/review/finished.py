"""What the review pane shows when there is no card: the session's summary, if a session just
ended, and when the next card will be due (or how to get cards at all)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QLocale, Qt, QTime
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.flashcards.review import SessionSummary
from app.ui.theme import scale_text

NO_CARDS = "No cards yet — add a card (Ctrl+N) or import a deck (File > Import Cards…)"
NOTHING_SCHEDULED = "All done — the other cards in this deck are suspended."


def when_text(due: datetime, now: datetime) -> str:
    """ "in 8 minutes", "today at 18:30", "tomorrow at 04:00", "on Friday 14 March"."""
    local_due = due.astimezone(now.tzinfo)
    wait = local_due - now
    if wait <= timedelta(minutes=1):
        return "now"
    if wait < timedelta(hours=1):
        minutes = round(wait.total_seconds() / 60)
        return f"in {minutes} minutes"
    locale = QLocale()
    clock = locale.toString(QTime(local_due.hour, local_due.minute), QLocale.FormatType.ShortFormat)
    days = (local_due.date() - now.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    day = local_due.date()
    return f"on {locale.toString(QDate(day.year, day.month, day.day), 'dddd d MMMM')}"


def empty_text(has_cards: bool, next_due: datetime | None, now: datetime) -> str:
    if not has_cards:
        return NO_CARDS
    if next_due is None:
        return NOTHING_SCHEDULED
    return f"All done for now — next card due {when_text(next_due, now)}"


def duration_text(total_ms: int) -> str:
    seconds = round(total_ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def summary_lines(summary: SessionSummary) -> list[str]:
    cards = "1 card" if summary.reviewed == 1 else f"{summary.reviewed} cards"
    lines = [
        f"Studied {cards} in {duration_text(summary.total_ms)} "
        f"({summary.average_seconds:.1f} s per card)",
        f"Again {summary.again} · Hard {summary.hard} · Good {summary.good} · Easy {summary.easy}",
    ]
    if summary.new_cards:
        lines.append(f"New cards seen: {summary.new_cards}")
    if summary.review_pass_rate is not None:
        lines.append(f"Remembered {summary.review_pass_rate:.0%} of the cards due for review")
    return lines


class FinishedPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scale_text(self.title, 1.4, bold=True)
        self.summary = QLabel()
        self.summary.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        layout.addWidget(self.message)
        layout.addStretch(2)

    def show_state(self, summary: SessionSummary | None, message: str) -> None:
        if summary is not None and summary.reviewed:
            self.title.setText("Session complete")
            self.summary.setText("\n".join(summary_lines(summary)))
            self.summary.show()
        else:
            self.title.setText("Nothing to review" if message == NO_CARDS else "All caught up")
            self.summary.hide()
        self.message.setText(message)
