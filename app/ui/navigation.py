"""Typed entry points for showing something in another view.

A view never reaches into another: it asks the `Navigator` in its `ViewContext` (open this
lesson, review this deck, show this card), and the main window routes the request to the view
whose feature declares that destination (`app.features.Destination`), building it if need be.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.features.declarations import Destination


class Navigator(QObject):
    """`requested(destination, values)`: delivered to the window, which shows the view that
    opens `destination` and calls its method (`DESTINATION_METHODS`) with `values`."""

    requested = Signal(object, tuple)

    def open_lesson(self, lesson_id: str) -> None:
        self.requested.emit(Destination.LESSON, (lesson_id,))

    def start_review(self, deck_id: str | None = None) -> None:
        """Study this deck and its subdecks now (None: every deck)."""
        self.requested.emit(Destination.DECK_REVIEW, (deck_id,))

    def open_card(self, card_id: str) -> None:
        self.requested.emit(Destination.CARD, (card_id,))

    def open_video_moment(self, video_id: str, seconds: float) -> None:
        """Play the video from `seconds` (a bookmark, a card made from a moment)."""
        self.requested.emit(Destination.VIDEO_MOMENT, (video_id, seconds))

    def open_note(self, note_id: str) -> None:
        """Show this note (or library article) in the Notebook."""
        self.requested.emit(Destination.NOTE, (note_id,))

    def open_questions(
        self, subject: str | None, system: str | None, count: int | None, pool: str = "unused"
    ) -> None:
        """A new block of these questions, ready to start (None: any subject, system, count)."""
        self.requested.emit(Destination.QUESTIONS, (subject, system, count, pool))
