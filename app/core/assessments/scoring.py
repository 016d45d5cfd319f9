"""A block's score: from its attempts once submitted (what was scored then stays the score),
and the submit that writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.assessments.blocks import LoadedBlock
from app.core.assessments.replay import SUBMIT, Event
from app.core.assessments.tables import ATTEMPTS, EVENTS
from app.core.assessments.usage import NewAttempt, own_mean_time_ms, write_attempts
from app.core.changes import Change
from app.db.types import new_id

SLOW_FACTOR = 1.5


@dataclass(frozen=True)
class QuestionResult:
    position: int
    question_id: str
    bank_id: str
    chosen: str | None  # the question's own label
    answer: str | None
    result: str  # correct | incorrect | omitted | deleted
    flagged: bool
    time_ms: int
    slow: bool  # more than 1.5 times your own mean time per question


@dataclass(frozen=True)
class BlockScore:
    block_id: str
    total: int  # questions scored (deleted ones left out)
    correct: int
    incorrect: int
    omitted: int
    percent: float
    time_ms: int
    mean_time_ms: int
    own_mean_time_ms: int | None  # your mean time per question before this block
    results: tuple[QuestionResult, ...]
    timed_out: bool
    changes: Change = Change.NONE


def _result(chosen: str | None, answer: str | None) -> str:
    if chosen is None:
        return "omitted"
    return "correct" if chosen == answer else "incorrect"


def score_from(session: Session, block: LoadedBlock, *, now: datetime | None = None) -> BlockScore:
    """The score of a block: what its attempts say for a submitted block, else what its
    answers so far would score."""
    stored = {
        r.question_id: r
        for r in session.execute(
            select(ATTEMPTS.c.question_id, ATTEMPTS.c.chosen, ATTEMPTS.c.result,
                   ATTEMPTS.c.flagged, ATTEMPTS.c.time_ms)
            .where(ATTEMPTS.c.block_id == block.id)
        )
    }  # fmt: skip
    own = own_mean_time_ms(session, except_block=block.id)
    states = block.replay.states()
    results = []
    for position, question in enumerate(block.answers):
        state = states[position]
        attempt = stored.get(question.id)
        if attempt is not None:
            chosen, result, flagged, time_ms = (
                attempt.chosen, attempt.result, bool(attempt.flagged), int(attempt.time_ms)
            )  # fmt: skip
        elif question.deleted:
            chosen, result, flagged, time_ms = (
                state.selected,
                "deleted",
                state.flagged,
                state.time_ms,
            )
        else:
            chosen, flagged, time_ms = state.selected, state.flagged, state.time_ms
            result = _result(chosen, question.answer)
        results.append((position, question, chosen, result, flagged, time_ms))
    scored = [r for r in results if r[3] != "deleted"]
    total_time = sum(r[5] for r in scored)
    mean = total_time // len(scored) if scored else 0
    reference = own or mean
    items = tuple(
        QuestionResult(
            position, q.id, q.bank_id, chosen, q.answer, result, flagged, time_ms,
            bool(reference) and result != "deleted" and time_ms > SLOW_FACTOR * reference,
        )
        for position, q, chosen, result, flagged, time_ms in results
    )  # fmt: skip
    correct = sum(1 for r in scored if r[3] == "correct")
    incorrect = sum(1 for r in scored if r[3] == "incorrect")
    omitted = sum(1 for r in scored if r[3] == "omitted")
    return BlockScore(
        block.id,
        len(scored),
        correct,
        incorrect,
        omitted,
        100.0 * correct / len(scored) if scored else 0.0,
        total_time,
        mean,
        own,
        items,
        block.replay.timed_out,
    )


def write_submit(
    session: Session,
    block: LoadedBlock,
    session_id: str,
    elapsed_ms: int,
    now: datetime,
    *,
    timed_out: bool,
) -> BlockScore:
    """Write the submit event and the block's attempts (in the caller's transaction)."""
    event = Event(SUBMIT, None, "timeout" if timed_out else None, elapsed_ms, session_id, now)
    session.execute(
        EVENTS.insert().values(
            id=new_id(), block_id=block.id, session_id=session_id, kind=SUBMIT, position=None,
            question_id=None, value=event.value, elapsed_ms=elapsed_ms, occurred_at=now,
            created_at=now,
        )
    )  # fmt: skip
    block.replay.apply(event)
    score = score_from(session, block, now=now)
    attempts = [
        NewAttempt(r.question_id, r.chosen, r.result, r.flagged, r.time_ms, now, block.id)
        for r in score.results
        if r.result != "deleted"
    ]
    write_attempts(session, attempts)
    return BlockScore(**{**score.__dict__, "changes": Change.BLOCKS | Change.ATTEMPTS})
