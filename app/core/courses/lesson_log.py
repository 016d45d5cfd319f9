"""The lesson log: what a learner did in a lesson, appended, and the status and score derived.

Every action appends one `LessonEvent`; nothing is ever updated, so two devices' logs merge by
union (SYNC.md). Kinds:

- `opened`: the lesson was shown (makes it in progress);
- `answered`: one knowledge check answered (`detail`: check, option, correct);
- `scored`: the knowledge checks were completed (`score` 0-100, `detail`: the answers);
- `completed`: the learner marked the lesson complete;
- `status`: a status carried over from older data (TechTree `user_progress`), with its score.

Derivation (`derive_state`, and the same rule in SQL in `courses_sql`, for the library's
counts): a lesson is *completed* if it has a `completed` event or its newest `status` event says
completed; else *in progress* if it has any `opened`/`answered`/`scored` event or its newest
`status` event says in progress; else *not started*. Its score is the newest of its `scored`
events and its newest `status` event (when that carries a score). "Newest" orders by
`occurred_at`, then by id, so duplicates from older data resolve the same way on every device.

The record functions write inside the caller's transaction and return what changed; they raise
LookupError for a lesson that does not exist (or was deleted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.core.changes import Change

if TYPE_CHECKING:  # the ORM and the models load in the functions: Today imports LessonStatus
    # before its first paint, which needs neither
    from sqlalchemy.orm import Session

    from app.core.courses.content import Check
    from app.db.models import Lesson

LESSON_PROGRESS = Change.LESSON_PROGRESS  # what every write here changes
SOURCE = "studydesk"


class LessonStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


ACTIVITY_KINDS = ("opened", "answered", "scored")


@dataclass(frozen=True)
class EventFacts:
    """The parts of a log row the derivation reads."""

    kind: str
    occurred_at: datetime
    id: str
    status: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class LessonState:
    status: LessonStatus
    score: float | None  # 0-100, or None when never scored
    last_activity: datetime | None  # the newest event of any kind


NOT_STARTED = LessonState(LessonStatus.NOT_STARTED, None, None)


def derive_state(events: Iterable[EventFacts]) -> LessonState:
    """The status and score of one lesson from its log (see the module docstring)."""
    ordered = sorted(events, key=lambda e: (e.occurred_at, e.id))
    if not ordered:
        return NOT_STARTED
    statuses = [e for e in ordered if e.kind == "status"]
    carried = statuses[-1] if statuses else None
    kinds = {e.kind for e in ordered}
    if "completed" in kinds or (carried is not None and carried.status == "completed"):
        status = LessonStatus.COMPLETED
    elif kinds.intersection(ACTIVITY_KINDS) or (
        carried is not None and carried.status == "in_progress"
    ):
        status = LessonStatus.IN_PROGRESS
    else:
        status = LessonStatus.NOT_STARTED
    scores = [e for e in ordered if e.kind == "scored" and e.score is not None]
    if carried is not None and carried.score is not None:
        scores.append(carried)
    newest = max(scores, key=lambda e: (e.occurred_at, e.id)) if scores else None
    return LessonState(status, newest.score if newest else None, ordered[-1].occurred_at)


def states_for_course(session: Session, course_id: str) -> dict[str, LessonState]:
    """Each lesson's state (lessons without events are absent: they are not started)."""
    return _states(session, course_id=course_id)


def state_of(session: Session, lesson_id: str) -> LessonState:
    return _states(session, lesson_id=lesson_id).get(lesson_id, NOT_STARTED)


def _states(session: Session, **where: str) -> dict[str, LessonState]:
    """The state of each lesson whose events have these column values."""
    from app.db.models import LessonEvent

    rows = session.execute(
        select(
            LessonEvent.lesson_id,
            LessonEvent.kind,
            LessonEvent.occurred_at,
            LessonEvent.id,
            LessonEvent.status,
            LessonEvent.score,
        ).filter_by(**where)
    )
    grouped: dict[str, list[EventFacts]] = {}
    for lesson_id, kind, at, event_id, status, score in rows:
        grouped.setdefault(lesson_id, []).append(EventFacts(kind, at, event_id, status, score))
    return {lesson_id: derive_state(events) for lesson_id, events in grouped.items()}


@dataclass(frozen=True)
class Recorded:
    """The result of a write to the log: the lesson's state after it, and what changed."""

    lesson_id: str
    state: LessonState
    changes: Change


@dataclass(frozen=True)
class CheckResult:
    """Feedback for one answered knowledge check."""

    check_index: int
    chosen: int
    correct_index: int | None  # None when the lesson's data names no correct option
    correct: bool | None
    explanation: str
    changes: Change = LESSON_PROGRESS


@dataclass(frozen=True)
class ChecksScored:
    results: tuple[CheckResult, ...]
    correct: int
    total: int
    score: float  # 0-100
    recorded: Recorded
    changes: Change = LESSON_PROGRESS


def _live_lesson(session: Session, lesson_id: str) -> Lesson:
    from app.db.models import Lesson

    lesson = session.get(Lesson, lesson_id)
    if lesson is None or lesson.deleted_at is not None:
        raise LookupError(f"no lesson {lesson_id!r}")
    return lesson


def _append(
    session: Session,
    lesson: Lesson,
    kind: str,
    now: datetime | None,
    *,
    score: float | None = None,
    detail: dict[str, Any] | None = None,
) -> Recorded:
    from app.db.models import LessonEvent

    session.add(
        LessonEvent(
            lesson_id=lesson.id,
            course_id=lesson.course_id,
            kind=kind,
            score=score,
            occurred_at=now or datetime.now(UTC),
            source=SOURCE,
            detail=detail,
        )
    )
    session.flush()
    return Recorded(lesson.id, state_of(session, lesson.id), LESSON_PROGRESS)


def record_opened(session: Session, lesson_id: str, now: datetime | None = None) -> Recorded:
    """The lesson was shown: it is in progress from now on (unless already completed)."""
    return _append(session, _live_lesson(session, lesson_id), "opened", now)


def mark_complete(session: Session, lesson_id: str, now: datetime | None = None) -> Recorded:
    """The learner marked the lesson complete. There is no un-complete: the log only grows."""
    return _append(session, _live_lesson(session, lesson_id), "completed", now)


def record_check_answer(
    session: Session, lesson_id: str, check_index: int, chosen: int, now: datetime | None = None
) -> CheckResult:
    """One knowledge check answered: logged, and judged against the lesson's own data.

    Raises IndexError for a check or option the lesson does not have.
    """
    from app.core.courses.content import lesson_checks

    lesson = _live_lesson(session, lesson_id)
    result = _judge(lesson_checks(session, lesson_id), check_index, chosen)
    detail = {"check": check_index, "option": chosen, "correct": result.correct}
    _append(session, lesson, "answered", now, detail=detail)
    return result


def record_checks_completed(
    session: Session, lesson_id: str, answers: Sequence[int], now: datetime | None = None
) -> ChecksScored:
    """All knowledge checks answered (`answers[i]` is the option chosen for check i).

    The score is the percentage of checks answered correctly, computed here from the lesson's
    data (a check without a known correct option counts as correct). Raises ValueError when the
    number of answers differs from the number of checks, IndexError for an unknown option.
    """
    from app.core.courses.content import lesson_checks

    lesson = _live_lesson(session, lesson_id)
    checks = lesson_checks(session, lesson_id)
    if len(answers) != len(checks) or not checks:
        raise ValueError(f"{len(answers)} answers for {len(checks)} knowledge checks")
    results = tuple(_judge(checks, i, chosen) for i, chosen in enumerate(answers))
    correct = sum(1 for r in results if r.correct is not False)
    score = round(100.0 * correct / len(results), 1)
    detail = {"answers": list(answers), "correct": correct, "total": len(results)}
    recorded = _append(session, lesson, "scored", now, score=score, detail=detail)
    return ChecksScored(results, correct, len(results), score, recorded)


def _judge(checks: Sequence[Check], index: int, chosen: int) -> CheckResult:
    if not 0 <= index < len(checks):
        raise IndexError(f"the lesson has no knowledge check {index}")
    check = checks[index]
    if not 0 <= chosen < len(check.options):
        raise IndexError(f"knowledge check {index} has no option {chosen}")
    correct = None if check.correct_index is None else chosen == check.correct_index
    return CheckResult(index, chosen, check.correct_index, correct, check.explanation)
