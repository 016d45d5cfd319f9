"""Make a card in one action from a question-bank question or a lesson's knowledge check.

The card keeps a link to where it came from (`source_kind`, `source_id`, `source_anchor`), and
asking again for the same source returns the card made before instead of a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.cards import CardSource, NewCard, add_cards
from app.core.flashcards.tables import CARDS
from app.db.models import Question, QuestionTag, Tag
from app.errors import UserError


@dataclass(frozen=True)
class MadeCard:
    card_id: str
    created: bool  # False: a card from this source was already there
    changes: Change


def _existing(session: Session, source: CardSource) -> str | None:
    query = select(CARDS.c.id).where(
        CARDS.c.source_kind == source.kind,
        CARDS.c.source_id == source.id,
        CARDS.c.deleted_at.is_(None),
    )
    if source.anchor is not None:
        query = query.where(CARDS.c.source_anchor == source.anchor)
    found = session.execute(query.limit(1)).scalar()
    return None if found is None else str(found)


def _make(session: Session, deck_id: str, card: NewCard) -> MadeCard:
    assert card.source is not None
    existing = _existing(session, card.source)
    if existing is not None:
        return MadeCard(existing, False, Change.NONE)
    change = add_cards(session, deck_id, [card])
    return MadeCard(change.card_ids[0], True, change.changes)


def _choice_lines(choices: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"- **{label}.** {text}" if label else f"- {text}" for label, text in choices)


def question_card_text(question: Question, *, with_choices: bool = True) -> tuple[str, str]:
    """Front and back markdown for a multiple-choice question."""
    choices = [(str(c.get("label", "")), str(c.get("text", ""))) for c in question.choices or []]
    front = question.stem.strip()
    if with_choices and choices:
        front += "\n\n" + _choice_lines(choices)
    correct = next((text for label, text in choices if label == question.answer), "")
    back = f"**{question.answer}.** {correct}".strip() if correct else f"**{question.answer}**"
    explanation = question.explanation or {}
    summary = str(explanation.get("summary") or "").strip()
    if summary:
        back += "\n\n" + summary
    for rationale in explanation.get("rationales") or []:
        if isinstance(rationale, Mapping) and rationale.get("text"):
            back += f"\n\n- **{rationale.get('choice', '')}**: {rationale['text']}"
    return front, back


def card_from_question(
    session: Session,
    question_id: str,
    deck_id: str,
    *,
    with_choices: bool = True,
    scheduler: str | None = None,
) -> MadeCard:
    """A card from a question-bank question (its tags too), or the one made from it before.

    `scheduler="sm2"` keeps a card migrated from the older question bank on SM-2."""
    question = session.get(Question, question_id)
    if question is None or question.deleted_at is not None:
        raise UserError("That question no longer exists.")
    front, back = question_card_text(question, with_choices=with_choices)
    tags = session.scalars(
        select(Tag.name)
        .join(QuestionTag, QuestionTag.tag_id == Tag.id)
        .where(QuestionTag.question_id == question_id, QuestionTag.deleted_at.is_(None))
    ).all()
    card = NewCard(front, back, tuple(tags), CardSource("question", question_id), scheduler)
    return _make(session, deck_id, card)


def check_card_text(check: Mapping[str, Any], *, with_choices: bool = True) -> tuple[str, str]:
    """Front and back markdown for a lesson knowledge check, in either shape it comes in
    ({question, options, correct_answer, explanation}). Raises UserError without a question."""
    question = str(check.get("question") or "").strip()
    if not question:
        raise UserError("This knowledge check has no question to put on a card.")
    options = [str(option) for option in check.get("options") or []]
    correct = str(check.get("correct_answer") or "").strip()
    front = question
    if with_choices and options:
        front += "\n\n" + _choice_lines([("", option) for option in options])
    back = f"**{correct}**" if correct else ""
    explanation = str(check.get("explanation") or "").strip()
    if explanation:
        back = f"{back}\n\n{explanation}".strip()
    return front, back


def card_from_check(
    session: Session,
    lesson_id: str,
    index: int,
    check: Mapping[str, Any],
    deck_id: str,
    *,
    with_choices: bool = True,
) -> MadeCard:
    """A card from knowledge check number `index` of a lesson, or the one made from it before."""
    front, back = check_card_text(check, with_choices=with_choices)
    card = NewCard(front, back, (), CardSource("check", lesson_id, str(index)))
    return _make(session, deck_id, card)
