"""Taking a block: every selection, strike, flag, highlight and move written as it happens.

`open_block` starts or resumes a block and returns a `TakingSession`; each of its methods is
one durable write (one event, committed with an fsync) and returns the new state. Time is the
block's active time measured with a monotonic clock (`time.monotonic`: a changed system clock
does not move it, and on Linux neither does a sleep), added to the elapsed time the log had when
the block was opened; a suspended block's clock stops, and after a crash the block resumes with
the time its last event left.

Opening a block that another window has open takes it over: the other window's next write is
refused (`BlockTakenElsewhere`) and nothing it wrote is lost. A timed block refuses answers
after its deadline (`BlockTimeUp`); submit it then.

A block answered, submitted or read without a window (the command line): `block_commands`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.assessments.blocks import BlockQuestion, LoadedBlock, load_block
from app.core.assessments.replay import (
    CHECK,
    FLAG,
    HIGHLIGHT,
    MOVE,
    OPENINGS,
    RESUME,
    SELECT,
    START,
    STRIKE,
    SUBMIT,
    SUSPEND,
    UNFLAG,
    UNHIGHLIGHT,
    UNSTRIKE,
    Event,
    QuestionState,
    span_value,
)
from app.core.assessments.scoring import BlockScore, write_submit
from app.core.assessments.tables import EVENTS
from app.core.changes import Change
from app.db.types import new_id, utcnow
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

WARNING_MS = 120_000  # the two-minute warning of a timed block
MAX_HIGHLIGHT_OFFSET = 10_000_000


class BlockTakenElsewhere(UserError):
    """Another window (or a command) opened this block after this one did."""


class BlockTimeUp(UserError):
    """A timed block's time ran out: only submitting (or suspending) is left."""


class BlockSubmitted(UserError):
    """The block was submitted (here or elsewhere): it can only be reviewed."""


@dataclass(frozen=True)
class BlockState:
    block_id: str
    mode: str
    status: str
    questions: tuple[BlockQuestion, ...]  # tutor: answer filled once that question is checked
    states: tuple[QuestionState, ...]
    current: int
    elapsed_ms: int
    limit_ms: int | None
    remaining_ms: int | None
    deleted_count: int

    @property
    def answered(self) -> int:
        return sum(1 for s in self.states if s.selected is not None)

    @property
    def flagged(self) -> int:
        return sum(1 for s in self.states if s.flagged)


@dataclass(frozen=True)
class EventWritten:
    state: QuestionState  # the state of the question the event was about (or the current one)
    position: int
    elapsed_ms: int
    remaining_ms: int | None
    changes: Change = Change.NONE


@dataclass(frozen=True)
class AnswerChecked:
    correct: bool
    chosen: str | None
    answer: str | None
    question: BlockQuestion  # with its explanation and rationales
    state: QuestionState
    changes: Change = Change.NONE


def _control(session: Session, block_id: str) -> tuple[str, str] | None:
    """The kind and window of the block's last start, resume or submit."""
    row = session.execute(
        select(EVENTS.c.kind, EVENTS.c.session_id)
        .where(EVENTS.c.block_id == block_id, EVENTS.c.kind.in_((START, RESUME, SUBMIT)))
        .order_by(EVENTS.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row.kind), str(row.session_id))


def insert_event(session: Session, block_id: str, event: Event, question_id: str | None) -> None:
    """Append one event to the block's log, in the caller's transaction."""
    session.execute(
        EVENTS.insert().values(
            id=new_id(), block_id=block_id, session_id=event.session_id, kind=event.kind,
            position=event.position, question_id=question_id, value=event.value,
            elapsed_ms=event.elapsed_ms, occurred_at=event.occurred_at,
            created_at=event.occurred_at,
        )
    )  # fmt: skip


def refuse_submitted(block: LoadedBlock) -> None:
    """BlockSubmitted for a block whose log ends in its submit."""
    if block.replay.status == "submitted":
        raise BlockSubmitted("This block was submitted; open its review to see the answers.")


class TakingSession:
    """One window's hold on a block. Not thread-safe: call it from one thread at a time (the
    task runner's write thread)."""

    def __init__(
        self,
        database: ProfileDatabase,
        block: LoadedBlock,
        session_id: str,
        monotonic: Callable[[], float],
        wall: Callable[[], datetime],
    ) -> None:
        self._database = database
        self._block = block
        self.session_id = session_id
        self._monotonic = monotonic
        self._wall = wall
        self._base_ms = block.replay.elapsed_ms
        self._t0 = monotonic()
        self._closed: str | None = None

    # --- reading ---------------------------------------------------------------------------

    @property
    def block_id(self) -> str:
        return self._block.id

    @property
    def mode(self) -> str:
        return self._block.mode

    @property
    def limit_ms(self) -> int | None:
        return self._block.limit_ms

    def elapsed_ms(self) -> int:
        """The block's active time now (a suspended session's stays where it stopped)."""
        if self._closed is not None:
            return self._block.replay.elapsed_ms
        running = max(0.0, self._monotonic() - self._t0)
        return self._base_ms + int(running * 1000)

    def remaining_ms(self) -> int | None:
        if self._block.limit_ms is None:
            return None
        return max(0, self._block.limit_ms - self.elapsed_ms())

    def expired(self) -> bool:
        remaining = self.remaining_ms()
        return remaining is not None and remaining <= 0

    def warning(self) -> bool:
        """A timed block with two minutes or less left."""
        remaining = self.remaining_ms()
        return remaining is not None and remaining <= WARNING_MS

    def question(self, position: int) -> BlockQuestion:
        self._position(position)
        revealed = self._block.mode == "tutor" and self._block.replay.state(position).submitted
        return self._block.question(position, reveal=revealed)

    def state(self) -> BlockState:
        done = self._block.replay
        return BlockState(
            self._block.id,
            self._block.mode,
            done.status,
            tuple(self.question(i) for i in range(done.size)),
            done.states(),
            done.current,
            self.elapsed_ms(),
            self._block.limit_ms,
            self.remaining_ms(),
            self._block.deleted_count,
        )

    # --- writing ---------------------------------------------------------------------------

    def _position(self, position: int) -> BlockQuestion:
        if not 0 <= position < len(self._block.questions):
            raise UserError(f"The block has no question {position + 1}.")
        return self._block.questions[position]

    def _live(self, position: int) -> BlockQuestion:
        question = self._position(position)
        if question.deleted:
            raise UserError("This question was deleted after the block was made; it is not scored.")
        return question

    def _refuse_if_lost(self, session: Session, taken: str, resume: str = "") -> None:
        """Refuse a write once the block was submitted, or opened in another window, since this
        session opened it; every later write is refused with the same words (`taken`)."""
        control = _control(session, self._block.id)
        if control is not None and control[0] == SUBMIT:
            self._closed = "This block was submitted in another window."
            raise BlockSubmitted(self._closed + " Open its review to see the answers.")
        if control is not None and control[1] != self.session_id:
            self._closed = taken
            raise BlockTakenElsewhere(taken + resume)

    def _write(
        self,
        kind: str,
        position: int | None,
        value: str | None = None,
        *,
        at_deadline: bool = False,
    ) -> tuple[Event, datetime]:
        if self._closed is not None:
            raise UserError(self._closed)
        elapsed = self.elapsed_ms()
        limit = self._block.limit_ms
        if limit is not None and elapsed >= limit:
            if not at_deadline:
                raise BlockTimeUp("Time is up for this block: it is being submitted.")
            elapsed = limit
        now = self._wall()
        question_id = None if position is None else self._block.question_ids[position]
        event = Event(kind, position, value, elapsed, self.session_id, now)
        with self._database.write_session() as session:
            self._refuse_if_lost(
                session,
                "This block was opened in another window, which has it now; nothing answered "
                "here is lost. Resume it here to go on in this window.",
            )
            insert_event(session, self._block.id, event, question_id)
        self._block.replay.apply(event)
        return event, now

    def _written(self, position: int, changes: Change = Change.NONE) -> EventWritten:
        return EventWritten(
            self._block.replay.state(position),
            position,
            self._block.replay.elapsed_ms,
            self.remaining_ms(),
            changes,
        )

    def select(self, position: int, label: str | None) -> EventWritten:
        """Choose a choice by the question's own label (None clears the choice)."""
        question = self._live(position)
        if label is not None and label not in question.labels:
            raise UserError(f"Question {position + 1} has no choice {label}.")
        if self._block.replay.state(position).submitted:
            raise UserError("This answer was checked already; it cannot change.")
        self._write(SELECT, position, label)
        return self._written(position)

    def strike(self, position: int, label: str, struck: bool = True) -> EventWritten:
        question = self._live(position)
        if label not in question.labels:
            raise UserError(f"Question {position + 1} has no choice {label}.")
        self._write(STRIKE if struck else UNSTRIKE, position, label)
        return self._written(position)

    def flag(self, position: int, flagged: bool) -> EventWritten:
        self._position(position)
        self._write(FLAG if flagged else UNFLAG, position)
        return self._written(position)

    def highlight(self, position: int, start: int, end: int, on: bool = True) -> EventWritten:
        """Highlight (or clear) characters start..end of the stem as shown."""
        self._live(position)
        if not 0 <= start < end <= MAX_HIGHLIGHT_OFFSET:
            raise UserError("Select some text of the question to highlight it.")
        self._write(HIGHLIGHT if on else UNHIGHLIGHT, position, span_value(start, end))
        return self._written(position)

    def move(self, position: int) -> EventWritten:
        self._position(position)
        self._write(MOVE, position)
        return self._written(position)

    def submit_answer(self, position: int) -> AnswerChecked:
        """Tutor mode: lock the chosen answer and reveal the explanation."""
        if self._block.mode != "tutor":
            raise UserError("Answers are checked at the end of a timed block.")
        self._live(position)
        state = self._block.replay.state(position)
        if state.selected is None:
            raise UserError("Choose an answer first.")
        if not state.submitted:
            self._write(CHECK, position, state.selected)
        revealed = self._block.question(position, reveal=True)
        after = self._block.replay.state(position)
        return AnswerChecked(
            after.selected == revealed.answer, after.selected, revealed.answer, revealed, after
        )

    def suspend(self) -> EventWritten:
        """Stop the clock and leave the block to resume later."""
        position = self._block.replay.current
        self._write(SUSPEND, None, at_deadline=True)
        self._closed = "This block is suspended; resume it to go on."
        return self._written(position, Change.BLOCKS)

    def submit(self, *, timed_out: bool = False) -> BlockScore:
        """End the block: write its attempts and return the score (changes BLOCKS, ATTEMPTS)."""
        if self._closed is not None:
            raise UserError(self._closed)
        elapsed = self.elapsed_ms()
        if self._block.limit_ms is not None:
            timed_out = timed_out or elapsed >= self._block.limit_ms
            elapsed = min(elapsed, self._block.limit_ms)
        now = self._wall()
        with self._database.write_session() as session:
            self._refuse_if_lost(
                session,
                "This block was opened in another window, which has it now.",
                " Resume it here to submit it here.",
            )
            score = write_submit(session, self._block, self.session_id, elapsed, now,
                                 timed_out=timed_out)  # fmt: skip
        self._closed = "This block was submitted; open its review to see the answers."
        return score


def _opening_value(block: LoadedBlock, now: datetime) -> str | None:
    if block.limit_ms is None:
        return None
    remaining = max(0, block.limit_ms - block.replay.elapsed_ms)
    deadline = now + timedelta(milliseconds=remaining)
    return f'{{"remaining_ms": {remaining}, "deadline_at": "{deadline.isoformat()}"}}'


def open_block(
    database: ProfileDatabase,
    block_id: str,
    *,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] = utcnow,
) -> TakingSession:
    """Start or resume a block (taking it over from any other window) and hold it.

    Writes a start (or resume) event carrying the time left and, for information, the wall-clock
    deadline at this moment. UserError for a deleted or submitted block, or one whose questions
    were all deleted."""
    session_id = new_id()
    with database.write_session() as session:
        block = load_block(session, block_id)
        refuse_submitted(block)
        if block.questions and all(q.deleted for q in block.questions):
            raise UserError("Every question of this block was deleted; there is nothing to take.")
        now = wall()
        kind = START if block.replay.events == 0 else RESUME
        event = Event(
            kind, None, _opening_value(block, now), block.replay.elapsed_ms, session_id, now
        )
        insert_event(session, block_id, event, None)
    block.replay.apply(event)
    return TakingSession(database, block, session_id, monotonic, wall)


__all__ = [
    "OPENINGS",
    "SUSPEND",
    "AnswerChecked",
    "BlockState",
    "BlockSubmitted",
    "BlockTakenElsewhere",
    "BlockTimeUp",
    "EventWritten",
    "TakingSession",
    "insert_event",
    "open_block",
    "refuse_submitted",
]
