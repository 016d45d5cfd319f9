"""Which questions of the bank: the filter the bank browser, blueprints and question-pack
exports share, and the conditions it makes (SQLAlchemy Core, over `live_questions()`).

A question's pool is read from `question_usage`, the cache of its attempts; one imported from
MS2 and never answered here keeps what MS2 said of it (`status`: Marked counts as flagged,
Incorrect and Omitted as a last wrong answer, Correct as used).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, case, exists, func, or_, select, true, type_coerce
from sqlalchemy.orm import Session

from app.core.assessments.tables import QUESTION_TAGS, QUESTIONS, USAGE
from app.db.models.tags import tag_id
from app.errors import UserError

POOLS = ("all", "unused", "incorrect", "flagged")

# What MS2 said of a question that has no attempt here yet.
_NO_ATTEMPT = USAGE.c.question_id.is_(None)
_LEGACY_USED = QUESTIONS.c.status.in_(("Correct", "Incorrect", "Omitted"))
FLAGGED = or_(USAGE.c.last_flagged.is_(True), and_(_NO_ATTEMPT, QUESTIONS.c.status == "Marked"))
LAST_RESULT = case(
    (USAGE.c.last_result.is_not(None), USAGE.c.last_result),
    (QUESTIONS.c.status == "Correct", "correct"),
    (QUESTIONS.c.status == "Incorrect", "incorrect"),
    (QUESTIONS.c.status == "Omitted", "omitted"),
    else_=None,
)


@dataclass(frozen=True)
class BankFilter:
    """Which questions: each non-empty tuple keeps the questions matching any of its values."""

    subjects: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # tag names, any case
    pool: str = "all"  # all | unused | incorrect | flagged
    search: str = ""  # words that must all be in the stem or the choices

    def __post_init__(self) -> None:
        if self.pool not in POOLS:
            raise UserError(f"The pool {self.pool!r} is not one of {', '.join(POOLS)}.")


def _like_words(text: str) -> list[str]:
    return [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in text.split()]


def filter_steps(flt: BankFilter) -> list[tuple[str, ColumnElement[bool]]]:
    """The filter's conditions, one per part that is set, in the order the builder shows them
    (so the first one that leaves nothing is the one to name)."""
    q = QUESTIONS.c
    steps: list[tuple[str, ColumnElement[bool]]] = []
    if flt.subjects:
        steps.append(("subjects", q.subject.in_(flt.subjects)))
    if flt.systems:
        steps.append(("systems", q.system.in_(flt.systems)))
    if flt.difficulties:
        steps.append(("difficulties", q.difficulty.in_(flt.difficulties)))
    if flt.tags:
        ids = sorted({tag_id(t.strip()) for t in flt.tags if t.strip()})
        steps.append(
            (
                "tags",
                exists().where(
                    QUESTION_TAGS.c.question_id == q.id,
                    QUESTION_TAGS.c.deleted_at.is_(None),
                    QUESTION_TAGS.c.tag_id.in_(ids),
                ),
            )
        )
    if flt.pool == "unused":
        steps.append(("pool", and_(_NO_ATTEMPT, ~func.coalesce(_LEGACY_USED, False))))
    elif flt.pool == "incorrect":
        steps.append(("pool", LAST_RESULT.in_(("incorrect", "omitted"))))
    elif flt.pool == "flagged":
        steps.append(("pool", FLAGGED))
    words = _like_words(flt.search)
    if words:
        conditions = [
            or_(
                q.stem.like(f"%{w}%", escape="\\"),
                type_coerce(q.choices, Text).like(f"%{w}%", escape="\\"),
                func.coalesce(q.legacy_id, "").like(f"%{w}%", escape="\\"),
            )
            for w in words
        ]
        steps.append(("search", and_(*conditions)))
    return steps


def filter_condition(flt: BankFilter) -> ColumnElement[bool]:
    steps = filter_steps(flt)
    return and_(true(), *(condition for _name, condition in steps))


def live_questions() -> Any:
    """`questions LEFT JOIN question_usage`, the FROM of every bank read."""
    return QUESTIONS.outerjoin(USAGE, USAGE.c.question_id == QUESTIONS.c.id)


def matching_ids(session: Session, flt: BankFilter) -> list[str]:
    query = (
        select(QUESTIONS.c.id)
        .select_from(live_questions())
        .where(QUESTIONS.c.deleted_at.is_(None), filter_condition(flt))
    )
    return list(session.execute(query).scalars())


def count_where(session: Session, conditions: Sequence[ColumnElement[bool]]) -> int:
    query = (
        select(func.count())
        .select_from(live_questions())
        .where(QUESTIONS.c.deleted_at.is_(None), *conditions)
    )
    return int(session.execute(query).scalar_one())
