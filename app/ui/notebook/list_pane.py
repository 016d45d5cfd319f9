"""Left of the Notebook: search and filters, the list of notes, New Note, how many there are,
and Undo after a delete. Which note opens is the view's business (app/ui/notebook/view.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.notebook.note_list import NoteFilters, NoteListWidget

if TYPE_CHECKING:
    from app.core.notes.note_reads import NoteList


def nested_choices(tags: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """Every tag with the levels above it (`cardio/valves` brings `cardio`), indented under
    them, for the tag filter (a tag takes the tags nested in it)."""
    every: set[str] = set()
    for tag in tags:
        levels = tag.split("/")
        every.update("/".join(levels[: depth + 1]) for depth in range(len(levels)))
    return [
        ("\u2003" * tag.count("/") + tag.rsplit("/", 1)[-1], tag)
        for tag in sorted(every, key=lambda t: [level.casefold() for level in t.split("/")])
    ]


class NoteListPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filters = NoteFilters()
        self.list = NoteListWidget()
        self.new_button = QPushButton("New Note")
        self.new_button.setToolTip("Write a new note (Ctrl+N)")
        self.count = QLabel()
        self.undo_note = QLabel()
        self.undo_note.setWordWrap(True)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Bring the deleted note back (Ctrl+Z in the list)")
        self.undo_note.hide()
        self.undo_button.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self.filters)
        column.addWidget(self.list, 1)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_note, 1)
        undo_row.addWidget(self.undo_button)
        column.addLayout(undo_row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.count, 1)
        column.addLayout(bottom)

    def show_found(self, found: NoteList) -> None:
        """The filters' choices from what the notes use."""
        self.filters.fill(
            nested_choices(found.tags),
            [(row.name, row.id) for row in found.notebooks],
        )

    def show_count(self, found: NoteList) -> None:
        shown, total = found.matched, found.total
        self.count.setText(f"{total} notes" if shown == total else f"{shown} of {total} notes")
        if self.list.count() == 0 and self.filters.narrowed:
            self.count.setText("No note matches")

    def show_undo(self, title: str) -> None:
        self.undo_note.setText(f"Deleted “{title}”.")
        self.undo_note.show()
        self.undo_button.show()

    def hide_undo(self) -> None:
        self.undo_note.hide()
        self.undo_button.hide()
