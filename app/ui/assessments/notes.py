"""A note on a question through the notebook core (`create_note`, linked to the question), from
taking or reviewing; opened in the Notebook when the learner asks and the window has one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from app.core.assessments.bank import preview
from app.ui.assessments.note_dialog import QuestionNoteDialog

if TYPE_CHECKING:
    from app.ui.context import ViewContext

TITLE_CHARS = 60


def note_title(bank_id: str, stem: str) -> str:
    return f"{bank_id}: {preview(stem, TITLE_CHARS)}"


def write_question_note(
    context: ViewContext, parent: QWidget, question_id: str, bank_id: str, stem: str
) -> QuestionNoteDialog | None:
    """Ask for the note and save it (one write). Returns the dialog once it was accepted."""
    from app.core.notes.links import LinkTarget
    from app.core.notes.note_actions import create_note

    navigator = context.navigator
    can_open = hasattr(navigator, "open_note")
    dialog = QuestionNoteDialog(note_title(bank_id, stem), can_open=can_open, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    title = dialog.title.text().strip() or note_title(bank_id, stem)
    body = dialog.body.toPlainText()
    open_after = can_open and dialog.open_after.isChecked()
    opened = context.opened

    def saved(result: object) -> None:
        if open_after:
            navigator.open_note(result.note_id)  # type: ignore[attr-defined]

    context.runner.run_write(
        lambda _p: create_note(
            opened.database, title=title, body=body, links=(LinkTarget("question", question_id),)
        ),
        label="Saving the note",
        on_done=saved,
        owner=parent,
    )
    return dialog
