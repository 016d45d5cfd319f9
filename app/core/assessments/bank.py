"""Reading the question bank: pages for the browser and facets (which questions a filter keeps:
`question_filters`; one question in full: `question_detail`).

A question is named by its bank id (`q_1a2b3c4d` for MS2 questions, a pack's own id, the
sample's `sd_sample_01`): its `legacy_id`, or its row id when it has none. Per-question figures
(times seen, last result, flagged) come from `question_usage`, the cache of the attempts; a
question imported from MS2 and never answered here keeps what MS2 said of it (`status`: Marked
counts as flagged, Incorrect and Omitted as a last wrong answer, Correct as used).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, func, select
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
