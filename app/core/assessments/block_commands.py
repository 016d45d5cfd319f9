"""A block without a window: the `studydesk block` commands answer one question and submit,
each in one transaction at the time the block's log left (no clock runs between commands), and
a block's state and score read without taking it.

Answering takes the block over from any window that holds it, as opening it there would
(`taking.TakingSession`: that window's next write is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.assessments.blocks import LoadedBlock, load_block
from app.core.assessments.replay import MOVE, RESUME, SELECT, Event
from app.core.assessments.scoring import BlockScore, score_from, write_submit
from app.core.assessments.taking import BlockState, BlockTimeUp, insert_event, refuse_submitted
from app.core.changes import Change
from app.db.types import new_id, utcnow
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class Answered:
    position: int
    question_id: str
    label: str
    changes: Change = Change.BLOCKS


def _position_of(block: LoadedBlock, ref: str) -> int:
    ref = ref.strip()
    for position, question in enumerate(block.questions):
        if ref in (question.id, question.bank_id):
            return position
    if ref.isdigit() and 1 <= int(ref) <= len(block.questions):
        return int(ref) - 1
    raise UserError(f"The block has no question {ref!r}.")


def answer_question(
    database: ProfileDatabase, block_id: str, question_ref: str, label: str
) -> Answered:
    """Answer one question of a block from outside a window (the CLI): resumes the block here
    (taking it over) and records the choice, in one transaction, at the time the log left."""
    now = utcnow()
    with database.write_session() as session:
        block = load_block(session, block_id)
        refuse_submitted(block)
        position = _position_of(block, question_ref)
        question = block.questions[position]
        if question.deleted:
            raise UserError("This question was deleted after the block was made; it is not scored.")
        wanted = label.strip().upper()
        if wanted not in question.labels:
            raise UserError(
                f"Question {question.bank_id} has no choice {label!r} "
                f"(its choices: {', '.join(question.labels)})."
            )
        elapsed = block.replay.elapsed_ms
        if block.limit_ms is not None and elapsed >= block.limit_ms:
            raise BlockTimeUp("Time is up for this block: submit it.")
        if block.replay.state(position).submitted:
            raise UserError("This answer was checked already; it cannot change.")
        session_id = new_id()
        for kind, at, value in (
            (RESUME, None, None),
            (MOVE, position, None),
            (SELECT, position, wanted),
        ):
            event = Event(kind, at, value, elapsed, session_id, now)
            insert_event(session, block_id, event, None if at is None else question.id)
    return Answered(position, question.id, wanted)


def submit_block(database: ProfileDatabase, block_id: str) -> BlockScore:
    """Submit a block from outside a window (the CLI), at the time its log left."""
    now = utcnow()
    with database.write_session() as session:
        block = load_block(session, block_id)
        refuse_submitted(block)
        elapsed = block.replay.elapsed_ms
        timed_out = block.limit_ms is not None and elapsed >= block.limit_ms
        return write_submit(session, block, new_id(), elapsed, now, timed_out=timed_out)


def block_state(database: ProfileDatabase, block_id: str) -> BlockState:
    """A block's state as its log leaves it, without taking it (what a resume would show)."""
    with database.read_session() as session:
        block = load_block(session, block_id)
    done = block.replay
    reveal = block.mode == "tutor"
    remaining = None if block.limit_ms is None else max(0, block.limit_ms - done.elapsed_ms)
    return BlockState(
        block.id,
        block.mode,
        done.status,
        tuple(
            block.question(
                i, reveal=done.status == "submitted" or (reveal and done.state(i).submitted)
            )
            for i in range(done.size)
        ),
        done.states(),
        done.current,
        done.elapsed_ms,
        block.limit_ms,
        remaining,
        block.deleted_count,
    )


def current_score(database: ProfileDatabase, block_id: str) -> BlockScore:
    with database.read_session() as session:
        return score_from(session, load_block(session, block_id))
