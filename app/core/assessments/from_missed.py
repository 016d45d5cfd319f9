"""A missed question made into a flashcard, and optionally a note, in one step.

The card is the flashcards core's card from a question (front: stem and choices; back: the
answer and the explanation summary, with the rationales), linked to the question, so asking
again never makes a second card. The note links to the question and to the card. Card and note
are written in one transaction: both or neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.assessments.bank import preview
from app.core.assessments.tables import ATTEMPTS, QUESTIONS
from app.core.changes import Change
from app.core.flashcards.from_sources import card_from_question
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

TITLE_WORDS = 60


@dataclass(frozen=True)
class NoteRequest:
    title: str = ""  # empty: "<bank id>: <the stem's first words>"
    body: str = ""
    notebook_id: str | None = None


@dataclass(frozen=True)
class MissedMade:
    question_id: str
    card_id: str
    card_created: bool  # False: the question had a card already (given back, none made)
    note_id: str | None
    changes: Change


@dataclass(frozen=True)
class MissedBulk:
    made: int  # cards made
    already: int  # questions that had a card already
    card_ids: tuple[str, ...]
    note_ids: tuple[str, ...]
    changes: Change


def _note(session: Session, question_id: str, card_id: str, request: NoteRequest) -> str:
    from app.core.notes.links import LinkTarget
    from app.core.notes.note_actions import insert_note

    title = request.title.strip()
    if not title:
        row = session.execute(
            select(QUESTIONS.c.legacy_id, QUESTIONS.c.stem).where(QUESTIONS.c.id == question_id)
        ).one()
        title = f"{row.legacy_id or 'Question'}: {preview(row.stem, TITLE_WORDS)}"
    made = insert_note(
        session,
        title=title,
        body=request.body,
        notebook_id=request.notebook_id,
        links=(LinkTarget("question", question_id), LinkTarget("card", card_id)),
    )
    return made.note.id


def _one(session: Session, question_id: str, deck_id: str, note: NoteRequest | None) -> MissedMade:
    card = card_from_question(session, question_id, deck_id)
    note_id = None if note is None else _note(session, question_id, card.card_id, note)
    changes = card.changes | (Change.NOTES if note_id else Change.NONE)
    return MissedMade(question_id, card.card_id, card.created, note_id, changes)


def card_from_missed(
    database: ProfileDatabase,
    question_id: str,
    deck_id: str,
    *,
    note: NoteRequest | None = None,
) -> MissedMade:
    """A card from a question in `deck_id` (or the card it already has), and a note linked to
    both when `note` is given, in one transaction."""
    with database.write_session() as session:
        return _one(session, question_id, deck_id, note)


def incorrect_in_block(session: Session, block_id: str) -> list[str]:
    return list(
        session.execute(
            select(ATTEMPTS.c.question_id)
            .join(QUESTIONS, QUESTIONS.c.id == ATTEMPTS.c.question_id)
            .where(
                ATTEMPTS.c.block_id == block_id,
                ATTEMPTS.c.result.in_(("incorrect", "omitted")),
                QUESTIONS.c.deleted_at.is_(None),
            )
            .order_by(ATTEMPTS.c.id)
        ).scalars()
    )


def cards_from_questions(
    database: ProfileDatabase,
    question_ids: Sequence[str],
    deck_id: str,
    *,
    with_notes: bool = False,
) -> MissedBulk:
    """A card (and a note, if asked) from each question, in one transaction; a question that
    has a card already keeps it (no second card, and no second note)."""
    made: list[MissedMade] = []
    with database.write_session() as session:
        for question_id in dict.fromkeys(question_ids):
            card = card_from_question(session, question_id, deck_id)
            note_id = None
            if with_notes and card.created:
                note_id = _note(session, question_id, card.card_id, NoteRequest())
            made.append(MissedMade(question_id, card.card_id, card.created, note_id, card.changes))
    changes = Change.NONE
    for one in made:
        changes |= one.changes | (Change.NOTES if one.note_id else Change.NONE)
    return MissedBulk(
        sum(1 for m in made if m.card_created),
        sum(1 for m in made if not m.card_created),
        tuple(m.card_id for m in made),
        tuple(m.note_id for m in made if m.note_id),
        changes,
    )


def cards_from_block_incorrect(
    database: ProfileDatabase, block_id: str, deck_id: str, *, with_notes: bool = False
) -> MissedBulk:
    """ "All incorrect in this block": a card from each question answered wrong or omitted."""
    with database.read_session() as session:
        ids = incorrect_in_block(session, block_id)
    if not ids:
        raise UserError("No question of this block was answered wrong or left out.")
    return cards_from_questions(database, ids, deck_id, with_notes=with_notes)
