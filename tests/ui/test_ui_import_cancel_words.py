"""What the progress window says Cancel does is what the message after a cancel says, in the
same words, and it is what a cancel does: the profile being written stays as it was, one
finished before stays complete (it did not say so: 'nothing is brought in')."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ui.dialogs.import_progress import CANCEL_PROMISE, ImportProgressDialog
from app.ui.legacy_import import CANCELLED_TEXT


def test_the_progress_window_and_the_cancelled_message_say_the_same(qtbot: QtBot) -> None:
    dialog = ImportProgressDialog("Importing", [Path("techtree_db.json")])
    qtbot.addWidget(dialog)
    assert dialog.note.text() == CANCEL_PROMISE
    assert CANCEL_PROMISE in CANCELLED_TEXT
    assert "a profile finished before is complete" in CANCEL_PROMISE
    dialog.request_cancel()
    assert "nothing from this import will be kept" not in dialog.status.text()
