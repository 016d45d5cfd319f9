"""Notebook: the learner's notes (and the Library's articles) beside the one open.

Left, the list: search, filters by tag, notebook and linked kind, sort, pinned first, the
Library's read-only articles after the notes. Right, the open note: title, tags, notebook, its
links as chips that open their targets, the markdown text (saved as it is typed, see
`editor.py`), the preview (Ctrl+E) and what links here.

Keys: Ctrl+N a new note, Ctrl+F finds in the note (in the list: searches the notes), Ctrl+H
replaces, Ctrl+L links, Ctrl+E shows the preview, Enter in the list opens the note's text,
Delete deletes the note chosen in the list and Ctrl+Z there brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.flashcards.tags import format_tags, parse_tags
from app.ui.context import ViewContext
from app.ui.focus_order import put_after
from app.ui.note_pdf import export_note_pdf
from app.ui.notebook.editor import NoteEditor
from app.ui.notebook.history import HistoryDialog
from app.ui.notebook.link_panels import BacklinksPanel, LinkChips
from app.ui.notebook.link_picker import LinkPicker, kind_name
from app.ui.notebook.note_list import NoteFilters, NoteListWidget
from app.ui.refresh import RefreshOnChange
from app.ui.theme import scale_text

if TYPE_CHECKING:
    from app.core.notes.links import LinkTarget
    from app.core.notes.note_reads import NoteList, OpenedNote, ResolvedLink


def _read_meta(database: Any, note_id: str) -> tuple[Any, Any]:
    """What links here: backlinks, then unlinked mentions."""
    from app.core.notes.links import LinkTarget
    from app.core.notes.note_reads import backlinks
    from app.core.notes.title_search import unlinked_mentions

    return backlinks(database, LinkTarget("note", note_id)), unlinked_mentions(database, note_id)


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


class NotebookView(RefreshOnChange, QWidget):
    SHOWS = Change.NOTES | Change.TAGS

    title = "Notebook"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.opened_note: OpenedNote | None = None
        self.wanted: str | None = None  # the note asked for, until it is shown
        self.deleted: list[tuple[str, ...]] = []
        self.listed_once = False
        self.focus_title_of: str | None = None  # a new note: its title is typed first

        # --- the list -----------------------------------------------------------------------
        self.filters = NoteFilters()
        self.list = NoteListWidget()
        self.new_button = QPushButton("New Note")
        self.new_button.setToolTip("Write a new note (Ctrl+N)")
        self.new_button.clicked.connect(self.new_note)
        self.count = QLabel()
        self.undo_note = QLabel()
        self.undo_note.setWordWrap(True)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Bring the deleted note back (Ctrl+Z in the list)")
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_note.hide()
        self.undo_button.hide()
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 6, 0)
        left_column.addWidget(self.filters)
        left_column.addWidget(self.list, 1)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_note, 1)
        undo_row.addWidget(self.undo_button)
        left_column.addLayout(undo_row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.count, 1)
        left_column.addLayout(bottom)
        self.left = left

        # --- the open note ------------------------------------------------------------------
        self.editor = NoteEditor(context)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Tags: cardio/valves, renal")
        self.tags.setAccessibleName("Tags")
        self.tags.setToolTip("Comma-separated; a / nests a tag in another (cardio/valves)")
        self.notebook = QComboBox()
        self.notebook.setAccessibleName("Notebook of the note")
        self.notebook.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.notebook.setMinimumContentsLength(8)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tags, 2)
        tag_row.addWidget(self.notebook, 1)
        self.chips = LinkChips()
        self.editor.extra_rows.addLayout(tag_row)
        self.editor.extra_rows.addWidget(self.chips)
        self.backlinks = BacklinksPanel()
        self.editor.layout().insertWidget(self.editor.layout().count() - 1, self.backlinks)  # type: ignore[union-attr]
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Show the rendered note beside the text (Ctrl+E)")
        self.preview_button.setCheckable(True)
        self.preview_button.clicked.connect(self._toggle_preview)
        self.note_menu_button = QPushButton("Note")
        self.note_menu_button.setToolTip("Pin, history, find and replace, delete")
        self.note_menu = self._note_menu()
        self.note_menu_button.setMenu(self.note_menu)
        self.editor.bottom_row.addWidget(self.preview_button)
        self.editor.bottom_row.addWidget(self.note_menu_button)
        # Tab reads the note top down: title, tags, notebook, links, then the text.
        self.chips.tab_after = self.notebook
        put_after(self.editor.title, [self.tags, self.notebook, self.chips.add_button])
        put_after(self.chips.add_button, [self.editor.text])

        self.empty = QWidget()
        self.empty_title = QLabel()
        scale_text(self.empty_title, 1.3, bold=True)
        self.empty_title.setWordWrap(True)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_button = QPushButton("New Note")
        self.empty_button.clicked.connect(self.new_note)
        empty_column = QVBoxLayout(self.empty)
        empty_column.addStretch(1)
        empty_column.addWidget(self.empty_title)
        empty_column.addWidget(self.empty_text)
        empty_column.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignLeft)
        empty_column.addStretch(2)
        empty_column.setContentsMargins(24, 12, 24, 12)
        self.right = QStackedWidget()
        self.right.addWidget(self.empty)
        self.right.addWidget(self.editor)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.left)
        self.split.addWidget(self.right)
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
        self.editor.link_clicked.connect(self.follow_url)
        self.editor.text.titles_wanted.connect(self._titles_wanted)
        self.editor.text.link_wanted.connect(self.pick_link)
        self.chips.link_wanted.connect(self.pick_link)
        self.chips.opened.connect(self.open_link)
        self.backlinks.entry_opened.connect(self._open_entry)
        self.tags.editingFinished.connect(self._tags_edited)
        self.notebook.activated.connect(lambda _i: self._notebook_chosen())

        view_keys: dict[QKeySequence | QKeySequence.StandardKey, Callable[[], object]] = {
            QKeySequence.StandardKey.New: self.new_note,
            QKeySequence("Ctrl+E"): self._toggle_preview,
        }
        list_keys: dict[QKeySequence | QKeySequence.StandardKey, Callable[[], object]] = {
            QKeySequence.StandardKey.Find: self.filters.search.setFocus,
            QKeySequence.StandardKey.Delete: self.delete_current,
            QKeySequence.StandardKey.Undo: self.undo_delete,
        }
        for keys, holder in ((view_keys, self), (list_keys, left)):
            for key, action in keys.items():
                shortcut = QShortcut(key, holder, action)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.listen_for_changes(context.runner)
        self._show_empty()
        self.reload_list()

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
        self.filters.fill(
            nested_choices(found.tags),
            [(row.name, row.id) for row in found.notebooks],
        )
        self._fill_notebooks(list(names.items()))
        self.list.show_rows(found, self.editor.note_id)
        shown, total = found.matched, found.total
        self.count.setText(f"{total} notes" if shown == total else f"{shown} of {total} notes")
        if self.list.count() == 0 and self.filters.narrowed:
            self.count.setText("No note matches")
        if self.editor.note_id is None and self.wanted is None:
            self._show_empty()
            if first_listing and self.list.count():  # the view opens on the first note
                item = self.list.item(0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole + 1):
                    self.list.setCurrentItem(item)

    def _fill_notebooks(self, notebooks: list[tuple[str, str]]) -> None:
        current = self.opened_note.notebook_id if self.opened_note else None
        self.notebook.blockSignals(True)
        self.notebook.clear()
        self.notebook.addItem("No notebook", None)
        for notebook_id, name in notebooks:
            self.notebook.addItem(name, notebook_id)
        self.notebook.addItem("New Notebook…", "__new__")
        self.notebook.setCurrentIndex(max(0, self.notebook.findData(current)))
        self.notebook.blockSignals(False)

    def _show_empty(self) -> None:
        if self.listed_once and self.list.note_count() == 0 and not self.filters.narrowed:
            self.empty_title.setText("No notes yet")
            self.empty_text.setText(
                "Write what you learn in your own words: press Ctrl+N (New Note). Notes are "
                "markdown; link them to lessons, cards, decks and video moments with Ctrl+L, and "
                "to each other by typing [[. Everything is saved as you type."
            )
        else:
            self.empty_title.setText("No note open")
            self.empty_text.setText(
                "Choose a note in the list (Up, Down and Enter), or press Ctrl+N for a new one."
            )
        self.right.setCurrentWidget(self.empty)

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
        self.opened_note = note
        if not self.tags.hasFocus() or not self.tags.isModified():
            self.tags.setText(format_tags(note.tags))
            self.tags.setModified(False)
        self.tags.setReadOnly(note.kind != "note")
        self.notebook.setEnabled(note.kind == "note")
        self.notebook.blockSignals(True)
        self.notebook.setCurrentIndex(max(0, self.notebook.findData(note.notebook_id)))
        self.notebook.blockSignals(False)
        self.chips.show_links(note.links)
        self._update_menu()
        self.right.setCurrentWidget(self.editor)
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
                self.empty_title.setText("This note is not there any more")
                self.empty_text.setText(f"{message} Choose another in the list, or press Ctrl+N.")

    def _show_meta(self, note_id: str, backlinks: Any, mentions: Any) -> None:
        if note_id == self.editor.note_id or note_id == self.wanted:
            self.backlinks.show_entries(backlinks, mentions)

    def _settled(self, note_id: str) -> None:
        if self.wanted == note_id:
            self._read_note(note_id)

    def _reopened(self, note_id: str) -> None:
        self.wanted = None
        self.list.select(note_id)
        self.right.setCurrentWidget(self.editor)

    def _saved(self, _result: object) -> None:
        self.undo_note.hide()

    def _focus_text(self) -> None:
        if self.right.currentWidget() is self.editor:
            self.editor.text.setFocus()

    # --- writing ---------------------------------------------------------------------------
    def _write(
        self, fn: Callable[[Any], Any], label: str, on_done: Callable[[Any], None] | None = None
    ) -> None:
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: fn(opened.database), label=label, on_done=on_done, owner=self
        )

    def new_note(self) -> None:
        from app.core.notes.note_actions import create_note

        self.editor.save_now()
        tag = self.filters.tag.currentData()
        notebook_id = self.filters.notebook.currentData()
        tags = (tag,) if tag else ()
        self._write(
            lambda db: create_note(db, title="", tags=tags, notebook_id=notebook_id),
            "Making a note",
            on_done=self._created,
        )

    def _created(self, result: Any) -> None:
        self.focus_title_of = result.note_id
        self.open_note(result.note_id)

    def _tags_edited(self) -> None:
        from app.core.notes.note_actions import set_note_tags

        note = self.opened_note
        if note is None or note.kind != "note" or not self.tags.isModified():
            return
        self.tags.setModified(False)
        tags = parse_tags(self.tags.text())
        if tags == tuple(note.tags):
            return
        note_id = note.id
        self._write(lambda db: set_note_tags(db, note_id, tags), "Tagging the note")

    def _notebook_chosen(self) -> None:
        from app.core.notes.note_actions import move_note
        from app.core.notes.notebook_actions import create_notebook

        note = self.opened_note
        if note is None:
            return
        chosen = self.notebook.currentData()
        note_id = note.id
        if chosen == "__new__":
            name, ok = QInputDialog.getText(self, "New Notebook", "Name of the notebook:")
            if not ok or not name.strip():
                self.notebook.setCurrentIndex(max(0, self.notebook.findData(note.notebook_id)))
                return

            def make_and_move(db: Any) -> Any:
                made = create_notebook(db, name)
                return move_note(db, note_id, made.notebook_id)

            self._write(make_and_move, "Making a notebook")
            return
        if chosen != note.notebook_id:
            self._write(lambda db: move_note(db, note_id, chosen), "Moving the note")

    def _note_menu(self) -> QMenu:
        menu = QMenu(self)
        self.pin_action = menu.addAction("Pin to the Top", self.toggle_pin)
        self.pin_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        menu.addAction("History…", self.show_history)
        menu.addAction("Find and Replace…", lambda: self.editor.find_bar.open_find(replace=True))
        menu.addAction("Save as PDF…", self.save_pdf)
        menu.addSeparator()
        menu.addAction("Delete Note", self.delete_open)
        return menu

    def _update_menu(self) -> None:
        note = self.opened_note
        pinned = note is not None and note.pinned
        self.pin_action.setText("Unpin" if pinned else "Pin to the Top")
        editable = note is not None and note.kind == "note"
        for action in self.note_menu.actions():
            if action.text() not in ("History…", "Save as PDF…"):
                action.setEnabled(editable)

    def save_pdf(self) -> None:
        """The open note as a PDF, with what was typed last: the save goes first, and the PDF
        is read once the write queue (which runs in order) has reached it."""
        note = self.opened_note
        if note is None:
            return
        self.editor.save_now()

        def saved(_nothing: object) -> None:
            export_note_pdf(self.context, self, note.id)

        self.context.runner.run_write(lambda _p: None, label="", on_done=saved, owner=self)

    def toggle_pin(self) -> None:
        from app.core.notes.note_actions import pin_note

        note = self.opened_note
        if note is None or note.kind != "note":
            return
        note_id, pinned = note.id, not note.pinned
        self._write(lambda db: pin_note(db, note_id, pinned), "Pinning the note")

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
            self.editor.clear_note()
            self.opened_note = None
            self.chips.show_links(())
        self._write(lambda db: delete_note(db, note_id), "Deleting the note")
        self.undo_note.setText(f"Deleted “{title}”.")
        self.undo_note.show()
        self.undo_button.show()
        self._show_empty()
        self.list.setFocus()

    def undo_delete(self) -> None:
        from app.core.notes.note_actions import restore_notes

        if not self.deleted:
            return
        ids = self.deleted.pop()
        self._write(
            lambda db: restore_notes(db, ids),
            "Bringing the note back",
            on_done=lambda _r: self.open_note(ids[0]),
        )
        if not self.deleted:
            self.undo_note.hide()
            self.undo_button.hide()

    def show_history(self) -> None:
        from app.core.notes.note_actions import restore_version

        note_id = self.editor.note_id
        if note_id is None:
            return
        self.editor.save_now()
        dialog = HistoryDialog(self.context, note_id, self)
        if dialog.exec() != HistoryDialog.DialogCode.Accepted or dialog.restore_chosen is None:
            return
        version_id = dialog.restore_chosen
        if (
            self.editor.note_id != note_id
            or self.opened_note is None
            or self.opened_note.kind != "note"
        ):
            return
        self.editor.save_now()

        def restore(db: Any) -> Any:
            from app.core.notes.note_reads import open_note

            head = open_note(db, note_id).head_version_id
            return restore_version(db, note_id, version_id, head)

        self._write(restore, "Restoring a version", on_done=lambda _r: self._read_note(note_id))

    # --- links -----------------------------------------------------------------------------
    def _titles_wanted(self, typed: str) -> None:
        from app.core.notes.title_search import note_titles

        opened, own = self.context.opened, self.editor.note_id
        self.context.runner.run_read(
            lambda _p: [t for t in note_titles(opened.database, typed) if t[0] != own],
            on_done=lambda titles: self.editor.text.show_titles(typed, titles),
            owner=self,
            latest="titles",
        )

    def pick_link(self, replacing: ResolvedLink | None = None) -> None:
        """Ctrl+L: choose a target and put its link at the cursor (or in place of a dead one)."""
        from app.core.notes.links import link_markdown

        if self.opened_note is None or self.opened_note.kind != "note":
            return
        picker = LinkPicker(self.context, replacing.target.kind if replacing else "lesson", self)
        if picker.exec() != LinkPicker.DialogCode.Accepted:
            self.editor.text.setFocus()
            return
        chosen = picker.chosen()
        if chosen is None:
            return
        target, title = chosen
        if replacing is not None and self.editor.replace_everywhere(
            replacing.target.url, target.url
        ):
            return
        self.editor.insert_markdown(link_markdown(title, target))

    def open_link(self, link: ResolvedLink) -> None:
        if not link.exists:
            self.pick_link(link)
            return
        self.open_target(link.target)

    def follow_url(self, url: str) -> None:
        from app.core.notes.links import LinkTarget

        target = LinkTarget.parse(url)
        if target is None:
            return
        found = next((link for link in self.chips.links if link.target == target), None)
        if found is not None and not found.exists:
            self.pick_link(found)
            return
        self.open_target(target)

    def open_target(self, target: LinkTarget) -> None:
        navigator = self.context.navigator
        self.editor.save_now()
        if target.kind in ("note", "article"):
            self.open_note(target.id)
        elif target.kind == "lesson":
            navigator.open_lesson(target.id)
        elif target.kind == "card":
            navigator.open_card(target.id)
        elif target.kind == "deck":
            navigator.start_review(target.id)
        elif target.kind == "video":
            navigator.open_video_moment(target.id, target.at_s or 0.0)
        else:
            self.editor.state.setText(
                f"A {kind_name(target.kind).lower()} opens in its own view, which this version "
                "of Study Desk does not have yet."
            )

    def _open_entry(self, kind: str, entry_id: str, extra: object) -> None:
        from app.core.notes.links import LinkTarget

        if kind == "bookmark" and isinstance(extra, tuple) and extra[0]:
            self.context.navigator.open_video_moment(str(extra[0]), float(extra[1] or 0.0))
        elif kind in ("note", "article", "card"):
            self.open_target(LinkTarget(kind, entry_id))

    # --- preview and saving on leaving -----------------------------------------------------
    def _toggle_preview(self) -> None:
        if self.right.currentWidget() is self.editor:
            self.editor.toggle_preview()
        self.preview_button.setChecked(self.editor.preview.isVisible())

    def hideEvent(self, event: QHideEvent) -> None:
        """Another view, or the window closing (it hides first): save now."""
        self.editor.save_now()
        super().hideEvent(event)
