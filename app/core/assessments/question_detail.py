"""One question of the bank in full (`question_detail`: its stem, choices, explanation, tags,
figures, notes and card), the parts of a stored question's JSON read into typed values, and a
question named by its bank id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from app.core.assessments.bank import TIMES_SEEN, cards_of, note_ids_of
from app.core.assessments.question_filters import FLAGGED, LAST_RESULT, live_questions
from app.core.assessments.tables import QUESTION_TAGS, QUESTIONS, TAGS, USAGE
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class Choice:
    label: str
    text: str


@dataclass(frozen=True)
class Reference:
    title: str
    source: str
    url: str | None = None


@dataclass(frozen=True)
class Media:
    kind: str  # image | audio | video
    uri: str
    alt: str = ""


@dataclass(frozen=True)
class QuestionFigures:
    times_seen: int
    times_correct: int
    last_result: str | None
    last_seen_at: datetime | None
    flagged: bool
    mean_time_ms: int | None


@dataclass(frozen=True)
class QuestionDetail:
    id: str
    bank_id: str
    stem: str  # markdown; render with rendering.question_html
    choices: tuple[Choice, ...]
    answer: str
    explanation_summary: str
    rationales: Mapping[str, str]
    subject: str | None
    system: str | None
    difficulty: str | None
    keywords: tuple[str, ...]
    tags: tuple[str, ...]
    references: tuple[Reference, ...]
    media: tuple[Media, ...]
    figures: QuestionFigures
    note_ids: tuple[str, ...]
    card_id: str | None
    source: str
    deleted: bool
    extra: Mapping[str, Any] = field(default_factory=dict)


def choices_of(raw: Any) -> tuple[Choice, ...]:
    return tuple(
        Choice(str(c.get("label", "")), str(c.get("text", "")))
        for c in raw or []
        if isinstance(c, Mapping)
    )


def rationales_of(explanation: Mapping[str, Any] | None) -> dict[str, str]:
    """Per-choice rationales, from either shape ([{choice, text}] or {label: text})."""
    raw = (explanation or {}).get("rationales")
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items() if v}
    found: dict[str, str] = {}
    for item in raw or []:
        if isinstance(item, Mapping) and item.get("text"):
            found[str(item.get("choice", ""))] = str(item["text"])
    return found


def summary_of(explanation: Mapping[str, Any] | None) -> str:
    return str((explanation or {}).get("summary") or "")


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def references_of(extra: Mapping[str, Any]) -> tuple[Reference, ...]:
    return tuple(
        Reference(str(r.get("title", "")), str(r.get("source", "")), r.get("url") or None)
        for r in extra.get("references") or []
        if isinstance(r, Mapping)
    )


def media_of(extra: Mapping[str, Any]) -> tuple[Media, ...]:
    return tuple(
        Media(str(m.get("type", "image")), str(m.get("uri", "")), str(m.get("alt_text", "")))
        for m in extra.get("media") or []
        if isinstance(m, Mapping)
    )


def question_tags(session: Session, question_id: str) -> tuple[str, ...]:
    query = (
        select(TAGS.c.name)
        .join(QUESTION_TAGS, QUESTION_TAGS.c.tag_id == TAGS.c.id)
        .where(QUESTION_TAGS.c.question_id == question_id, QUESTION_TAGS.c.deleted_at.is_(None))
        .order_by(TAGS.c.name)
    )
    return tuple(session.execute(query).scalars())


def figures_of(session: Session, question_id: str) -> QuestionFigures:
    row = session.execute(
        select(
            TIMES_SEEN.label("seen"),
            func.coalesce(USAGE.c.correct, 0).label("correct"),
            LAST_RESULT.label("last_result"),
            USAGE.c.last_at,
            func.coalesce(FLAGGED, false()).label("flagged"),
            USAGE.c.time_ms,
        )
        .select_from(live_questions())
        .where(QUESTIONS.c.id == question_id)
    ).one()
    seen = int(row.seen)
    return QuestionFigures(
        seen,
        int(row.correct),
        row.last_result,
        row.last_at,
        bool(row.flagged),
        int(row.time_ms) // seen if seen and row.time_ms is not None else None,
    )


def question_detail(database: ProfileDatabase, question_id: str) -> QuestionDetail:
    """One question in full (a deleted one too, marked `deleted`); UserError if it never was."""
    with database.read_session() as session:
        row = session.execute(select(QUESTIONS).where(QUESTIONS.c.id == question_id)).first()
        if row is None:
            raise UserError("That question is not in the bank.")
        figures = figures_of(session, question_id)
        tags = question_tags(session, question_id)
        note_ids = note_ids_of(session, [question_id]).get(question_id, ())
        card = cards_of(session, [question_id]).get(question_id)
    extra = row.extra if isinstance(row.extra, Mapping) else {}
    return QuestionDetail(
        id=row.id,
        bank_id=row.legacy_id or row.id,
        stem=row.stem,
        choices=choices_of(row.choices),
        answer=row.answer,
        explanation_summary=summary_of(row.explanation),
        rationales=rationales_of(row.explanation),
        subject=row.subject,
        system=row.system,
        difficulty=row.difficulty,
        keywords=_strings(extra.get("keywords")),
        tags=tags,
        references=references_of(extra),
        media=media_of(extra),
        figures=figures,
        note_ids=note_ids,
        card_id=card,
        source=row.source,
        deleted=row.deleted_at is not None,
        extra=extra,
    )


def resolve_in(session: Session, ref: str) -> str:
    ref = ref.strip()
    found = session.execute(
        select(QUESTIONS.c.id)
        .where(
            or_(QUESTIONS.c.id == ref, QUESTIONS.c.legacy_id == ref),
            QUESTIONS.c.deleted_at.is_(None),
        )
        .limit(1)
    ).scalar()
    if found is None:
        raise UserError(f"There is no question {ref!r} in the bank.")
    return str(found)


def resolve_question(database: ProfileDatabase, ref: str) -> str:
    """The row id of a question named by its bank id (or its row id)."""
    with database.read_session() as session:
        return resolve_in(session, ref)
