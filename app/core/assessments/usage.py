"""Scored answers (`question_attempts`) and the per-question cache derived from them.

Attempts are written once (an id derived from block and question: two windows or two devices
scoring one block make the same rows, and `INSERT OR IGNORE` keeps the first). `question_usage`
is rebuilt for the questions touched, in the same transaction; `rebuild_usage` remakes all of it
(after a sync merge brings attempts in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.assessments.tables import ATTEMPTS, USAGE
from app.db.models.assessments import attempt_id_for


@dataclass(frozen=True)
class NewAttempt:
    question_id: str
    chosen: str | None
    result: str  # correct | incorrect | omitted
    flagged: bool
    time_ms: int
    answered_at: datetime
    block_id: str | None = None
    source: str = "block"
    attempt_id: str | None = None  # None: derived from block and question


def write_attempts(session: Session, attempts: Sequence[NewAttempt]) -> int:
    """Insert the attempts not written before; refresh the usage of their questions."""
    if not attempts:
        return 0
    rows = [
        {
            "id": a.attempt_id or attempt_id_for(a.block_id or "", a.question_id),
            "question_id": a.question_id,
            "block_id": a.block_id,
            "chosen": a.chosen,
            "result": a.result,
            "flagged": a.flagged,
            "time_ms": max(0, int(a.time_ms)),
            "answered_at": a.answered_at,
            "source": a.source,
            "created_at": a.answered_at,
        }
        for a in attempts
    ]
    done = session.execute(ATTEMPTS.insert().prefix_with("OR IGNORE"), rows)
    refresh_usage(session, {a.question_id for a in attempts})
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


_REFRESH = """
INSERT INTO question_usage (question_id, subject, system, seen, correct, time_ms, last_result,
  last_flagged, last_at)
SELECT a.question_id, q.subject, q.system, count(*), sum(a.result = 'correct'), sum(a.time_ms),
  (SELECT l.result FROM question_attempts l WHERE l.question_id = a.question_id
   ORDER BY l.answered_at DESC, l.id DESC LIMIT 1),
  coalesce((SELECT l.flagged FROM question_attempts l WHERE l.question_id = a.question_id
   ORDER BY l.answered_at DESC, l.id DESC LIMIT 1), 0),
  max(a.answered_at)
FROM question_attempts a JOIN questions q ON q.id = a.question_id {where} GROUP BY a.question_id
"""


def refresh_usage(session: Session, question_ids: Iterable[str]) -> None:
    ids = sorted(set(question_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(USAGE.delete().where(USAGE.c.question_id.in_(chunk)))
        marks = ", ".join(f":q{i}" for i in range(len(chunk)))
        session.execute(
            text(_REFRESH.format(where=f"WHERE a.question_id IN ({marks})")),
            {f"q{i}": q for i, q in enumerate(chunk)},
        )


def rebuild_usage(session: Session) -> int:
    """Remake the whole cache from the attempts; returns the number of questions in it."""
    session.execute(USAGE.delete())
    session.execute(text(_REFRESH.format(where="")))
    return int(session.execute(select(func.count()).select_from(USAGE)).scalar_one())


def own_mean_time_ms(session: Session, *, except_block: str | None = None) -> int | None:
    """The learner's mean time per question (apart from one block's answers), from the cache."""
    seen, time_ms = session.execute(select(func.sum(USAGE.c.seen), func.sum(USAGE.c.time_ms))).one()
    seen, time_ms = int(seen or 0), int(time_ms or 0)
    if except_block is not None:
        own_seen, own_time = session.execute(
            select(func.count(), func.sum(ATTEMPTS.c.time_ms)).where(
                ATTEMPTS.c.block_id == except_block
            )
        ).one()
        seen, time_ms = seen - int(own_seen or 0), time_ms - int(own_time or 0)
    return time_ms // seen if seen > 0 else None
