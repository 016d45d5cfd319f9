"""Reading the question bank: pages for the browser, facets, one question in full (which
questions a filter keeps: `question_filters`).

A question is named by its bank id (`q_1a2b3c4d` for MS2 questions, a pack's own id, the
sample's `sd_sample_01`): its `legacy_id`, or its row id when it has none. Per-question figures
(times seen, last result, flagged) come from `question_usage`, the cache of the attempts; a
question imported from MS2 and never answered here keeps what MS2 said of it (`status`: Marked
counts as flagged, Incorrect and Omitted as a last wrong answer, Correct as used).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from app.core.assessments.question_filters import (
    FLAGGED,
    LAST_RESULT,
    BankFilter,
    count_where,
    filter_condition,
    live_questions,
)
from app.core.assessments.question_format import DIFFICULTIES
from app.core.assessments.tables import NOTE_LINKS, NOTES, QUESTION_TAGS, QUESTIONS, TAGS, USAGE
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

SORTS = ("bank_id", "subject", "system", "difficulty", "times_seen", "last_result")
PREVIEW_CHARS = 160

BANK_ID = func.coalesce(QUESTIONS.c.legacy_id, QUESTIONS.c.id)
TIMES_SEEN = func.coalesce(USAGE.c.seen, 0)


@dataclass(frozen=True)
class QuestionRow:
    id: str
    bank_id: str
    stem_preview: str
    subject: str | None
    system: str | None
    difficulty: str | None
    times_seen: int
    last_result: str | None  # correct | incorrect | omitted | None
    flagged: bool
    note_count: int
    has_card: bool
    is_sample: bool


@dataclass(frozen=True)
class BankPage:
    rows: tuple[QuestionRow, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class Facet:
    name: str
    count: int


@dataclass(frozen=True)
class BankFacets:
    subjects: tuple[Facet, ...]
    systems: tuple[Facet, ...]
    difficulties: tuple[Facet, ...]
    tags: tuple[Facet, ...]
    total: int


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


# --- the browser --------------------------------------------------------------------------------

_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]{0,200}>|[*_`#>|]+")


def preview(stem: str, limit: int = PREVIEW_CHARS) -> str:
    """One line of the stem's opening words, without markdown or HTML marks."""
    text = " ".join(_MARKUP.sub(" ", stem[: limit * 4]).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sort_column(sort: str) -> Any:
    if sort not in SORTS:
        raise UserError(f"Sort by one of {', '.join(SORTS)}, not {sort!r}.")
    return {
        "bank_id": BANK_ID,
        "subject": QUESTIONS.c.subject,
        "system": QUESTIONS.c.system,
        "difficulty": QUESTIONS.c.difficulty,
        "times_seen": TIMES_SEEN,
        "last_result": LAST_RESULT,
    }[sort]


def note_counts(session: Session, question_ids: Sequence[str]) -> dict[str, int]:
    if not question_ids:
        return {}
    query = (
        select(NOTE_LINKS.c.target_id, func.count(func.distinct(NOTE_LINKS.c.note_id)))
        .join(NOTES, NOTES.c.id == NOTE_LINKS.c.note_id)
        .where(
            NOTE_LINKS.c.target_kind == "question",
            NOTE_LINKS.c.target_id.in_(question_ids),
            NOTE_LINKS.c.deleted_at.is_(None),
            NOTES.c.deleted_at.is_(None),
        )
        .group_by(NOTE_LINKS.c.target_id)
    )
    return {str(k): int(n) for k, n in session.execute(query)}


def note_ids_of(session: Session, question_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The live notes linked to each question (question id -> note ids, oldest first)."""
    if not question_ids:
        return {}
    query = (
        select(NOTE_LINKS.c.target_id, NOTE_LINKS.c.note_id)
        .join(NOTES, NOTES.c.id == NOTE_LINKS.c.note_id)
        .where(
            NOTE_LINKS.c.target_kind == "question",
            NOTE_LINKS.c.target_id.in_(question_ids),
            NOTE_LINKS.c.deleted_at.is_(None),
            NOTES.c.deleted_at.is_(None),
        )
        .order_by(NOTE_LINKS.c.note_id)
    )
    found: dict[str, list[str]] = {}
    for target, note in session.execute(query):
        notes = found.setdefault(str(target), [])
        if note not in notes:
            notes.append(str(note))
    return {k: tuple(v) for k, v in found.items()}


def cards_of(session: Session, question_ids: Sequence[str]) -> dict[str, str]:
    """The live card made from each question (question id -> card id)."""
    from app.core.flashcards.tables import CARDS

    if not question_ids:
        return {}
    query = select(CARDS.c.source_id, CARDS.c.id).where(
        CARDS.c.source_kind == "question",
        CARDS.c.source_id.in_(question_ids),
        CARDS.c.deleted_at.is_(None),
    )
    return {str(source): str(card) for source, card in session.execute(query)}


def bank_page(
    database: ProfileDatabase,
    flt: BankFilter | None = None,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str = "bank_id",
    descending: bool = False,
) -> BankPage:
    """One page of the bank browser: the questions matching `flt`, sorted, with their figures.

    The page's ids are chosen from the covering index alone (filters and sort keys), then only
    those rows are read with their stems."""
    flt = flt or BankFilter()
    column = _sort_column(sort)
    keys = [] if sort == "bank_id" else [column]
    keys += [QUESTIONS.c.legacy_id, QUESTIONS.c.id]
    order = [k.desc() if descending else k.asc() for k in keys]
    where = (QUESTIONS.c.deleted_at.is_(None), filter_condition(flt))
    chosen = (
        select(QUESTIONS.c.id)
        .select_from(live_questions())
        .where(*where)
        .order_by(*order)
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    with database.read_session() as session:
        ids = list(session.execute(chosen).scalars())
        total = count_where(session, where) if len(ids) == limit or offset else len(ids)
        found = {
            r.id: r
            for r in session.execute(
                select(
                    QUESTIONS.c.id,
                    BANK_ID.label("bank_id"),
                    func.substr(QUESTIONS.c.stem, 1, PREVIEW_CHARS * 4).label("stem"),
                    QUESTIONS.c.subject,
                    QUESTIONS.c.system,
                    QUESTIONS.c.difficulty,
                    TIMES_SEEN.label("seen"),
                    LAST_RESULT.label("last_result"),
                    func.coalesce(FLAGGED, false()).label("flagged"),
                    QUESTIONS.c.is_sample,
                )
                .select_from(live_questions())
                .where(QUESTIONS.c.id.in_(ids))
            )
        }
        notes = note_counts(session, ids)
        cards = cards_of(session, ids)
    rows = tuple(
        QuestionRow(
            id=r.id,
            bank_id=r.bank_id,
            stem_preview=preview(r.stem or ""),
            subject=r.subject,
            system=r.system,
            difficulty=r.difficulty,
            times_seen=int(r.seen),
            last_result=r.last_result,
            flagged=bool(r.flagged),
            note_count=notes.get(r.id, 0),
            has_card=r.id in cards,
            is_sample=bool(r.is_sample),
        )
        for r in (found[i] for i in ids)
    )
    return BankPage(rows, total, offset, limit)


def _facet(session: Session, column: Any) -> tuple[Facet, ...]:
    query = (
        select(column, func.count())
        .where(QUESTIONS.c.deleted_at.is_(None), column.is_not(None))
        .group_by(column)
        .order_by(column)
    )
    return tuple(Facet(str(name), int(n)) for name, n in session.execute(query))


def bank_facets(database: ProfileDatabase) -> BankFacets:
    """The subjects, systems, difficulties and tags in the bank, each with its question count."""
    tag_query = (
        select(TAGS.c.name, func.count())
        .select_from(QUESTION_TAGS.join(TAGS, TAGS.c.id == QUESTION_TAGS.c.tag_id))
        .join(QUESTIONS, QUESTIONS.c.id == QUESTION_TAGS.c.question_id)
        .where(QUESTION_TAGS.c.deleted_at.is_(None), QUESTIONS.c.deleted_at.is_(None))
        .group_by(TAGS.c.name)
        .order_by(TAGS.c.name)
    )
    with database.read_session() as session:
        subjects = _facet(session, QUESTIONS.c.subject)
        systems = _facet(session, QUESTIONS.c.system)
        difficulties = _facet(session, QUESTIONS.c.difficulty)
        tags = tuple(Facet(str(name), int(n)) for name, n in session.execute(tag_query))
        total = count_where(session, ())
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    difficulties = tuple(sorted(difficulties, key=lambda f: (rank.get(f.name, 9), f.name)))
    return BankFacets(subjects, systems, difficulties, tags, total)


# --- one question -------------------------------------------------------------------------------


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
