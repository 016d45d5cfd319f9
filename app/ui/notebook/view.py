"""Notebook: the learner's notes (and the Library's articles) beside the one open.

Left, the list: search, filters by tag, notebook and linked kind, sort, pinned first, the
Library's read-only articles after the notes. Right, the open note: title, tags, notebook, its
links as chips that open their targets, the markdown text (saved as it is typed, see
`editor.py`), the preview (Ctrl+E) and what links here. The list is `list_pane.py`, the open
note `note_pane.py`; the view keeps which note is open, and the deletes from the list.

Keys: Ctrl+N a new note, Ctrl+F finds in the note (in the list: searches the notes), Ctrl+H
replaces, Ctrl+L links, Ctrl+E shows the preview, Enter in the list opens the note's text,
Delete deletes the note chosen in the list and Ctrl+Z there brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeySequence
from PySide6.QtWidgets import QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from app.core.changes import Change
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.notebook.list_pane import NoteListPane
from app.ui.notebook.note_pane import NotePane
from app.ui.refresh import RefreshOnChange

if TYPE_CHECKING:
    from app.core.notes.note_reads import NoteList, OpenedNote


def _read_meta(database: Any, note_id: str) -> tuple[Any, Any]:
    """What links here: backlinks, then unlinked mentions."""
    from app.core.notes.link_reads import backlinks
    from app.core.notes.links import LinkTarget
    from app.core.notes.title_search import unlinked_mentions

    return backlinks(database, LinkTarget("note", note_id)), unlinked_mentions(database, note_id)


class NotebookView(RefreshOnChange, QWidget):
    SHOWS = Change.NOTES | Change.TAGS

    title = "Notebook"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.wanted: str | None = None  # the note asked for, until it is shown
        self.deleted: list[tuple[str, ...]] = []
        self.listed_once = False
        self.focus_title_of: str | None = None  # a new note: its title is typed first

        self.list_pane = NoteListPane()
        self.filters, self.list = self.list_pane.filters, self.list_pane.list
        self.list_pane.new_button.clicked.connect(self.new_note)
        self.list_pane.undo_button.clicked.connect(self.undo_delete)
        self.note_pane = NotePane(context)
        # The parts of the open note the view works with.
        self.editor, self.tags, self.chips = (
            self.note_pane.editor,
            self.note_pane.tags,
            self.note_pane.chips,
        )
        self.note_pane.empty_button.clicked.connect(self.new_note)
        self.note_pane.delete_action.triggered.connect(self.delete_open)
        self.note_pane.note_wanted.connect(self.open_note)
        self.note_pane.restored.connect(self._read_note)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.list_pane)
        self.split.addWidget(self.note_pane)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([230, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.split)

        # --- wiring -------------------------------------------------------------------------
        self.filters.search.textChanged.connect(lambda _t: self.reload_list())
        for combo in (
            self.filters.tag,
            self.filters.notebook,
            self.filters.linked,
            self.filters.sort,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.reload_list())
        self.filters.search.returnPressed.connect(self.list.setFocus)
        self.list.currentItemChanged.connect(self._list_moved)
        self.list.itemActivated.connect(lambda _item: self._focus_text())
        self.list.more_wanted.connect(self._more_rows)
        self.editor.saved.connect(self._saved)
        self.editor.settled.connect(self._settled)
        self.editor.reopened.connect(self._reopened)

        Keys = dict[QKeySequence | QKeySequence.StandardKey, tuple[str, Callable[[], object]]]
        view_keys: Keys = {
            QKeySequence.StandardKey.New: ("A new note", self.new_note),
            QKeySequence("Ctrl+E"): ("Show or hide the preview", self.note_pane.toggle_preview),
        }
        list_keys: Keys = {
            QKeySequence.StandardKey.Find: ("Search the notes", self.filters.search.setFocus),
            QKeySequence.StandardKey.Delete: ("Delete the chosen note", self.delete_current),
            QKeySequence.StandardKey.Undo: ("Undo deleting a note", self.undo_delete),
        }
        for keys, holder in ((view_keys, self), (list_keys, self.list_pane)):
            for key, (description, action) in keys.items():
                add_shortcut(holder, key, description, action)
        self.listen_for_changes(context.runner)
        self._show_empty()
        self.reload_list()

    @property
    def opened_note(self) -> OpenedNote | None:
        """The note on screen (once read; see `open_note`)."""
        return self.note_pane.opened_note

    # --- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_for(self.SHOWS)

    def refresh_for(self, changes: Change) -> None:
        self.reload_list()
        if self.editor.note_id is not None:
            self._read_note(self.editor.note_id, elsewhere=True)

    def reload_list(self) -> None:
        from app.core.notes.note_reads import note_list

        query, limit = self.filters.query(), self.list.rows_wanted()
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: note_list(opened.database, query, limit=limit),
            on_done=self._show_list,
            owner=self,
            latest="list",
        )

    def _more_rows(self) -> None:
        """The list's next page, as the learner scrolls to its end."""
        from app.core.notes.note_reads import note_list

        query, offset, generation = self.filters.query(), self.list.loaded, self.list.generation
        opened, page = self.context.opened, self.list.PAGE
        self.context.runner.run_read(
            lambda _p: note_list(opened.database, query, offset=offset, limit=page),
            on_done=lambda found: self.list.add_page(found, generation),
            owner=self,
            latest="list more",
        )

    def _show_list(self, found: NoteList) -> None:
        first_listing, self.listed_once = not self.listed_once, True
        names = {row.id: row.name for row in found.notebooks}
        self.list_pane.show_found(found)
        self.note_pane.fill_notebooks(list(names.items()))
        self.list.show_rows(found, self.editor.note_id)
        self.list_pane.show_count(found)
        if self.editor.note_id is None and self.wanted is None:
            self._show_empty()
            if first_listing and self.list.count():  # the view opens on the first note
                item = self.list.item(0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole + 1):
                    self.list.setCurrentItem(item)

    def _show_empty(self) -> None:
        self.note_pane.show_no_note(
            no_notes_yet=self.listed_once
            and self.list.note_count() == 0
            and not self.filters.narrowed
        )

    # --- opening a note --------------------------------------------------------------------
    def open_note(self, note_id: str) -> None:
        """Show this note (the Notebook's destination, `Navigator.open_note`)."""
        if note_id == self.editor.note_id and self.wanted is None:
            self.list.select(note_id)
            self._focus_text()
            return
        self.editor.save_now()
        self.wanted = note_id
        self.list.select(note_id)
        if self.editor.saves_pending(note_id):
            return  # read once its save is written (`_settled`)
        self._read_note(note_id)

    def _list_moved(self, item: QListWidgetItem | None, _old: object) -> None:
        note_id = self.list.current_id()
        if item is not None and note_id is not None:
            self.open_note(note_id)

    def _read_note(self, note_id: str, *, elsewhere: bool = False) -> None:
        from app.core.notes.note_reads import open_note

        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: open_note(opened.database, note_id),
            on_done=lambda note: self._show_note(note, elsewhere),
            on_error=lambda error: self._note_unreadable(note_id, str(error)),
            owner=self,
            # A re-read of the note on screen (a change elsewhere) never replaces the read of
            # the note the learner is moving to.
            latest="note shown again" if elsewhere else "note",
        )
        self.context.runner.run_read(
            lambda _p: _read_meta(opened.database, note_id),
            on_done=lambda found: self._show_meta(note_id, *found),
            owner=self,
            latest="meta",
        )

    def _show_note(self, note: OpenedNote, elsewhere: bool) -> None:
        if elsewhere:
            if note.id != self.editor.note_id:
                return
            self.editor.show_changed_elsewhere(note)
        else:
            if self.wanted is not None and note.id != self.wanted:
                return
            self.wanted = None
            if not self.editor.show_note(note):
                return
        self.note_pane.show_details(note)
        self.list.select(note.id)
        if self.focus_title_of == note.id:
            self.focus_title_of = None
            self.editor.title.setFocus()
            self.editor.title.selectAll()

    def _note_unreadable(self, note_id: str, message: str) -> None:
        """A note deleted meanwhile (a list read older than the delete): said where it would
        have shown, never as a dialog."""
        if self.wanted == note_id:
            self.wanted = None
            if self.editor.note_id is None or self.editor.note_id == note_id:
                self._show_empty()
                self.note_pane.show_gone(message)

    def _show_meta(self, note_id: str, backlinks: Any, mentions: Any) -> None:
        if note_id == self.editor.note_id or note_id == self.wanted:
            self.note_pane.backlinks.show_entries(backlinks, mentions)

    def _settled(self, note_id: str) -> None:
        if self.wanted == note_id:
            self._read_note(note_id)

    def _reopened(self, note_id: str) -> None:
        self.wanted = None
        self.list.select(note_id)
        self.note_pane.setCurrentWidget(self.editor)

    def _saved(self, _result: object) -> None:
        self.list_pane.undo_note.hide()

    def _focus_text(self) -> None:
        if self.note_pane.currentWidget() is self.editor:
            self.editor.text.setFocus()

    # --- writing ---------------------------------------------------------------------------
    def new_note(self) -> None:
        from app.core.notes.note_actions import create_note

        self.editor.save_now()
        tag = self.filters.tag.currentData()
        notebook_id = self.filters.notebook.currentData()
        tags = (tag,) if tag else ()
        self.note_pane.write(
            lambda db: create_note(db, title="", tags=tags, notebook_id=notebook_id),
            "Making a note",
            on_done=self._created,
        )

    def _created(self, result: Any) -> None:
        self.focus_title_of = result.note_id
        self.open_note(result.note_id)

    def delete_current(self) -> None:
        """Delete: the note chosen in the list."""
        note_id = self.list.current_id()
        if note_id is not None:
            self.delete_note(note_id)

    def delete_open(self) -> None:
        if self.editor.note_id is not None:
            self.delete_note(self.editor.note_id)

    def delete_note(self, note_id: str) -> None:
        from app.core.notes.note_actions import delete_note

        if self.opened_note is not None and self.opened_note.id == note_id:
            if self.opened_note.kind != "note":
                return
            title = self.editor.title.text() or "Untitled"
        else:
            item = self.list.currentItem()
            title = item.text() if item is not None else "the note"
        self.editor.save_now()
        self.deleted.append((note_id,))
        if self.editor.note_id == note_id:
            self.note_pane.forget_note()
        self.note_pane.write(lambda db: delete_note(db, note_id), "Deleting the note")
        self.list_pane.show_undo(title)
        self._show_empty()
        self.list.setFocus()

    def undo_delete(self) -> None:
        from app.core.notes.note_actions import restore_notes

        if not self.deleted:
            return
        ids = self.deleted.pop()
        self.note_pane.write(
            lambda db: restore_notes(db, ids),
            "Bringing the note back",
            on_done=lambda _r: self.open_note(ids[0]),
        )
        if not self.deleted:
            self.list_pane.hide_undo()

    def hideEvent(self, event: QHideEvent) -> None:
        """Another view, or the window closing (it hides first): save now."""
        self.editor.save_now()
        super().hideEvent(event)
