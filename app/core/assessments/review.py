"""Reviewing a block, any time later: the score, and for each question the choice made, the
answer, the explanation and rationales, what was struck and highlighted, its card and notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.assessments.bank import cards_of, note_ids_of
from app.core.assessments.blocks import BlockQuestion, load_block
from app.core.assessments.replay import QuestionState
from app.core.assessments.scoring import BlockScore, QuestionResult, score_from
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

FILTERS = ("all", "incorrect", "flagged", "slow")


@dataclass(frozen=True)
class ReviewItem:
    result: QuestionResult
    question: BlockQuestion  # answer, explanation and rationales filled
    state: QuestionState  # what the learner chose, struck, flagged and highlighted
    card_id: str | None
    note_ids: tuple[str, ...]


@dataclass(frozen=True)
class BlockReview:
    block_id: str
    name: str
    mode: str
    status: str
    score: BlockScore
    items: tuple[ReviewItem, ...]  # those `only` keeps, in block order
    only: str


def _kept(result: QuestionResult, only: str) -> bool:
    if only == "incorrect":
        return result.result in ("incorrect", "omitted")
    if only == "flagged":
        return result.flagged
    if only == "slow":
        return result.slow
    return True


def block_review(database: ProfileDatabase, block_id: str, *, only: str = "all") -> BlockReview:
    """The review of a block (a block not yet submitted shows what its answers would score).
    `only`: all | incorrect (incorrect and omitted) | flagged | slow."""
    if only not in FILTERS:
        raise UserError(f"Show one of {', '.join(FILTERS)}, not {only!r}.")
    with database.read_session() as session:
        block = load_block(session, block_id)
        score = score_from(session, block)
        live = [q.id for q in block.answers if not q.deleted]
        cards = cards_of(session, live)
        notes = note_ids_of(session, live)
    states = block.replay.states()
    items = tuple(
        ReviewItem(
            result,
            block.answers[result.position],
            states[result.position],
            cards.get(result.question_id),
            notes.get(result.question_id, ()),
        )
        for result in score.results
        if _kept(result, only)
    )
    return BlockReview(block.id, block.name, block.mode, block.replay.status, score, items, only)
