"""Writing searchable things the way the app's actions do (one write session each)."""

from __future__ import annotations

from typing import Any

from app.core.search import SearchHit, search_all
from app.db.database import ProfileDatabase
from app.db.models import Note, Question


def add_note(database: ProfileDatabase, title: str, body: str = "", kind: str = "note") -> str:
    with database.write_session() as session:
        note = Note(title=title, body=body, kind=kind)
        session.add(note)
        session.flush()
        return note.id


def add_question(database: ProfileDatabase, stem: str, explanation: str = "") -> str:
    with database.write_session() as session:
        question = Question(
            stem=stem,
            choices=[{"label": "A", "text": "Aortic"}, {"label": "B", "text": "Mitral"}],
            answer="A",
            explanation={"summary": explanation, "rationales": []},
        )
        session.add(question)
        session.flush()
        return question.id


def update(database: ProfileDatabase, model: Any, item_id: str, **values: Any) -> None:
    with database.write_session() as session:
        row = session.get(model, item_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


def found(database: ProfileDatabase, text: str) -> list[tuple[str, str]]:
    return [(hit.kind, hit.id) for hit in search_all(database, text)]


def hits(database: ProfileDatabase, text: str) -> list[SearchHit]:
    return search_all(database, text)
