"""Right of the Notebook: the open note (title, tags, notebook, its links as chips that open
their targets, the markdown text, the preview and what links here) or, with none open, a page
saying why. What is done to the open note is done here: its tags, notebook and pin, its history,
the PDF, and its links. Which note is open is the view's business (app/ui/notebook/view.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.tags import format_tags, parse_tags
from app.ui.context import ViewContext
from app.ui.focus_order import put_after
from app.ui.key_help import KeyDialog
from app.ui.note_pdf import export_note_pdf
from app.ui.notebook.editor import NoteEditor
from app.ui.notebook.history import HistoryDialog
from app.ui.notebook.link_panels import BacklinksPanel, LinkChips
from app.ui.notebook.link_picker import LinkPicker, kind_name
from app.ui.theme import scale_text

if TYPE_CHECKING:
    from app.core.notes.link_reads import ResolvedLink
    from app.core.notes.links import LinkTarget
    from app.core.notes.note_reads import OpenedNote


class NotePane(QStackedWidget):
    """Signals:
    - `note_wanted(note_id)`: a link to a note or an article was followed;
    - `restored(note_id)`: an older version of the note was restored; read it again.
    """

    note_wanted = Signal(str)
    restored = Signal(str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.opened_note: OpenedNote | None = None
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
        self.preview_button.clicked.connect(self.toggle_preview)
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
        empty_column = QVBoxLayout(self.empty)
        empty_column.addStretch(1)
        empty_column.addWidget(self.empty_title)
        empty_column.addWidget(self.empty_text)
        empty_column.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignLeft)
        empty_column.addStretch(2)
        empty_column.setContentsMargins(24, 12, 24, 12)
        self.addWidget(self.empty)
        self.addWidget(self.editor)
        self.editor.link_clicked.connect(self.follow_url)
        self.editor.text.titles_wanted.connect(self._titles_wanted)
        self.editor.text.link_wanted.connect(self.pick_link)
        self.chips.link_wanted.connect(self.pick_link)
        self.chips.opened.connect(self.open_link)
        self.backlinks.entry_opened.connect(self._open_entry)
        self.tags.editingFinished.connect(self._tags_edited)
        self.notebook.activated.connect(lambda _i: self._notebook_chosen())

    # --- what is shown ---------------------------------------------------------------------
    def show_no_note(self, *, no_notes_yet: bool) -> None:
        if no_notes_yet:
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
        self.setCurrentWidget(self.empty)

    def show_gone(self, message: str) -> None:
        """A note deleted meanwhile, said where it would have shown."""
        self.show_no_note(no_notes_yet=False)
        self.empty_title.setText("This note is not there any more")
        self.empty_text.setText(f"{message} Choose another in the list, or press Ctrl+N.")

    def fill_notebooks(self, notebooks: list[tuple[str, str]]) -> None:
        current = self.opened_note.notebook_id if self.opened_note else None
        self.notebook.blockSignals(True)
        self.notebook.clear()
        self.notebook.addItem("No notebook", None)
        for notebook_id, name in notebooks:
            self.notebook.addItem(name, notebook_id)
        self.notebook.addItem("New Notebook…", "__new__")
        self.notebook.setCurrentIndex(max(0, self.notebook.findData(current)))
        self.notebook.blockSignals(False)

    def show_details(self, note: OpenedNote) -> None:
        """The note's tags, notebook, links and menu (its text is the editor's)."""
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
        self.setCurrentWidget(self.editor)

    def forget_note(self) -> None:
        """The open note was deleted."""
        self.editor.clear_note()
        self.opened_note = None
        self.chips.show_links(())

    def toggle_preview(self) -> None:
        if self.currentWidget() is self.editor:
            self.editor.toggle_preview()
        self.preview_button.setChecked(self.editor.preview.isVisible())

    # --- writing ---------------------------------------------------------------------------
    def write(
        self, fn: Callable[[Any], Any], label: str, on_done: Callable[[Any], None] | None = None
    ) -> None:
        """Run `fn(database)` as a write of the open profile (the notebook's one way to write)."""
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: fn(opened.database), label=label, on_done=on_done, owner=self
        )

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
        self.write(lambda db: set_note_tags(db, note_id, tags), "Tagging the note")

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

            self.write(make_and_move, "Making a notebook")
            return
        if chosen != note.notebook_id:
            self.write(lambda db: move_note(db, note_id, chosen), "Moving the note")

    def _note_menu(self) -> QMenu:
        menu = QMenu(self)
        self.pin_action = menu.addAction("Pin to the Top", self.toggle_pin)
        self.pin_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        menu.addAction("History…", self.show_history)
        menu.addAction("Find and Replace…", lambda: self.editor.find_bar.open_find(replace=True))
        menu.addAction("Save as PDF…", self.save_pdf)
        menu.addSeparator()
        self.delete_action = menu.addAction("Delete Note")
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
        self.write(lambda db: pin_note(db, note_id, pinned), "Pinning the note")

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

        self.write(restore, "Restoring a version", on_done=lambda _r: self.restored.emit(note_id))

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

    def key_dialogs(self) -> tuple[KeyDialog, ...]:
        """For Help > Keyboard Shortcuts: the link picker's keys (Ctrl+L)."""
        return (KeyDialog("Link To…", lambda: LinkPicker(self.context, "lesson", self)),)

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
            self.note_wanted.emit(target.id)
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
