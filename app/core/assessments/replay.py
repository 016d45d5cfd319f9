"""A block's state replayed from its event log: answers, strikes, flags, highlights, where the
learner is, the time spent on each question and on the block, and its status.

The one place events are interpreted: opening a block replays them all, and a taking session
applies each new event through the same `Replay.apply` after it is written.

Time: each event carries the block's active elapsed time (`elapsed_ms`), measured with a
monotonic clock from the last start or resume. The time between two events belongs to the
question shown between them. A start or resume carries the elapsed time of the event before it,
so a suspended block's clock stops, and a crash counts as a suspend at the last event written.
Time a log shows as passing before an opening (two devices' logs merged) goes to the question
shown then, so the questions' times always add up to the block's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

START, RESUME, SUSPEND, SUBMIT = "start", "resume", "suspend", "submit"
MOVE, SELECT, STRIKE, UNSTRIKE = "move", "select", "strike", "unstrike"
FLAG, UNFLAG, HIGHLIGHT, UNHIGHLIGHT, CHECK = "flag", "unflag", "highlight", "unhighlight", "check"
OPENINGS = (START, RESUME)
KINDS = (
    START, RESUME, SUSPEND, SUBMIT, MOVE, SELECT, STRIKE, UNSTRIKE, FLAG, UNFLAG, HIGHLIGHT,
    UNHIGHLIGHT, CHECK,
)  # fmt: skip
STATUSES = ("new", "in_progress", "suspended", "submitted")


@dataclass(frozen=True)
class Event:
    kind: str
    position: int | None = None
    value: str | None = None
    elapsed_ms: int = 0
    session_id: str = ""
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class QuestionState:
    selected: str | None = None
    struck: frozenset[str] = frozenset()
    flagged: bool = False
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) offsets in the stem, sorted
    submitted: bool = False  # tutor: the answer was checked (locked, explanation shown)
    time_ms: int = 0
    visited: bool = False


@dataclass
class _Mutable:
    selected: str | None = None
    struck: set[str] = field(default_factory=set)
    flagged: bool = False
    highlights: set[tuple[int, int]] = field(default_factory=set)
    submitted: bool = False
    time_ms: int = 0
    visited: bool = False

    def frozen(self) -> QuestionState:
        return QuestionState(
            self.selected,
            frozenset(self.struck),
            self.flagged,
            tuple(sorted(self.highlights)),
            self.submitted,
            self.time_ms,
            self.visited,
        )


def span_value(start: int, end: int) -> str:
    return json.dumps([start, end])


def parse_span(value: str | None) -> tuple[int, int] | None:
    try:
        raw: Any = json.loads(value or "")
        start, end = int(raw[0]), int(raw[1])
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return (start, end) if 0 <= start < end else None


class Replay:
    """The state of a block of `size` questions after the events applied so far."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._questions = [_Mutable() for _ in range(size)]
        self.current = 0
        self.elapsed_ms = 0
        self.status = "new"
        self.session_id: str | None = None  # the window that opened it last
        self.last_event_at: datetime | None = None
        self.submitted_at: datetime | None = None
        self.timed_out = False
        self.events = 0
        if size:
            self._questions[0].visited = True

    def state(self, position: int) -> QuestionState:
        return self._questions[position].frozen()

    def states(self) -> tuple[QuestionState, ...]:
        return tuple(q.frozen() for q in self._questions)

    def _in_range(self, position: int | None) -> _Mutable | None:
        if position is None or not 0 <= position < self.size:
            return None
        return self._questions[position]

    def apply(self, event: Event) -> None:
        """Apply one event (events of unknown kinds or out of range are ignored: a log written
        by a newer version still replays)."""
        self.events += 1
        self.last_event_at = event.occurred_at or self.last_event_at
        if self.status == "submitted":
            return
        if self.size:
            spent = max(0, event.elapsed_ms - self.elapsed_ms)
            self._questions[self.current].time_ms += spent
        self.elapsed_ms = max(self.elapsed_ms, event.elapsed_ms)
        kind = event.kind
        if kind in OPENINGS:
            self.session_id = event.session_id
            self.status = "in_progress"
            return
        if kind == SUSPEND:
            self.status = "suspended"
            return
        if kind == SUBMIT:
            self.status = "submitted"
            self.submitted_at = event.occurred_at
            self.timed_out = event.value == "timeout"
            return
        self.status = "in_progress"
        question = self._in_range(event.position)
        if question is None:
            return
        if kind == MOVE:
            self.current = event.position or 0
            question.visited = True
        elif kind == SELECT and not question.submitted:
            question.selected = event.value or None
        elif kind == CHECK and not question.submitted:
            question.selected = event.value or question.selected
            question.submitted = True
        elif kind in (STRIKE, UNSTRIKE) and event.value:
            if kind == STRIKE:
                question.struck.add(event.value)
            else:
                question.struck.discard(event.value)
        elif kind in (FLAG, UNFLAG):
            question.flagged = kind == FLAG
        elif kind in (HIGHLIGHT, UNHIGHLIGHT):
            span = parse_span(event.value)
            if span is not None:
                if kind == HIGHLIGHT:
                    question.highlights.add(span)
                else:
                    question.highlights.discard(span)


def replay(size: int, events: list[Event]) -> Replay:
    done = Replay(size)
    for event in events:
        done.apply(event)
    return done
