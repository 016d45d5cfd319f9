"""The Notebook view's list in pages: it shows the first page, the next one as the learner scrolls
to the end, the library's header once, and a re-read keeps as many rows as were shown."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from test_notebook_view import WAIT_MS, context, make_view  # noqa: F401 (fixture)

from app.core.notes.note_actions import create_note
from app.core.notes.note_reads import NoteQuery, note_list
from app.db.types import new_id, utcnow
from app.ui.context import ViewContext
from app.ui.notebook.note_list import HEADER_ROLE, NoteListWidget


def test_the_list_reads_more_as_it_scrolls(
    qtbot: QtBot,
    context: ViewContext,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(NoteListWidget, "PAGE", 20)
    database = context.opened.database
    for n in range(45):
        create_note(database, title=f"Note {n:02}")
    with database.write_session() as session:
        now = utcnow().isoformat()
        conn = session.connection().connection.driver_connection
        for n in range(3):
            conn.execute(  # type: ignore[union-attr]
                "INSERT INTO notes (id, kind, title, body, bookmarked, is_sample, source, pinned, "
                "created_at, updated_at) VALUES (?, 'article', ?, 'Text', 0, 0, '', 0, ?, ?)",
                (new_id(), f"Article {n}", now, now),
            )
    view = make_view(qtbot, context)
    notes = sum(1 for row in view.list.shown.rows if row.kind == "note")  # type: ignore[union-attr]
    assert view.list.loaded == 20 and notes == 20
    assert view.list_pane.count.text().startswith("4")  # every note counted, not only those read
    for _ in range(5):
        view.list.scrollToBottom()
        qtbot.wait(50)
    every = len(note_list(database, NoteQuery(include_articles=True)).rows)  # samples too
    assert every >= 48
    qtbot.waitUntil(lambda: view.list.loaded == every, timeout=WAIT_MS)
    texts = [view.list.item(at).text() for at in range(view.list.count())]  # type: ignore[union-attr]
    assert len(set(texts)) == len(texts) == every + 1  # each row once, and the Library's header
    headers = [at for at in range(view.list.count()) if view.list.item(at).data(HEADER_ROLE)]  # type: ignore[union-attr]
    assert len(headers) == 1 and texts[headers[0] + 1].startswith("Article")
    shown = view.list.generation
    view.reload_list()  # a change elsewhere: the rows shown are read again, all of them
    qtbot.waitUntil(lambda: view.list.generation > shown, timeout=WAIT_MS)
    assert view.list.loaded == every
