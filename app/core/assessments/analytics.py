"""Analytics of the learner's answers: by subject and by system, weak areas with their
uncertainty, the trend by week, time per question, and the study streak.

Offline there is no cohort: every figure compares the learner with their own history. A weak
area is one of the lowest by the upper end of its 95 % Wilson interval, among areas with
enough attempts (`min_attempts`), so 1 wrong answer of 2 is never called a weakness and a
range is always shown with the percentage.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from app.core.assessments import assessments_sql as sql
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.db.types import db_time, from_db_time

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

Z_95 = 1.959963984540054
WEEKS = 12
WEAK_AREAS = 5
STREAK_DAYS = 400
NO_COHORT = (
    "Offline there is no cohort to compare with: these figures compare you with your own "
    "history, never with other learners."
)
UNCATEGORISED = "Uncategorised"


def wilson_interval(correct: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0..1); (0, 1) with no attempts."""
    if total <= 0:
        return 0.0, 1.0
    p = correct / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class AreaFigures:
    name: str
    attempts: int
    correct: int
    percent: float  # 0..100
    low: float  # the 95 % Wilson interval, 0..100
    high: float
    mean_time_ms: int


@dataclass(frozen=True)
class WeakArea:
    kind: str  # subject | system
    figures: AreaFigures


@dataclass(frozen=True)
class WeekPoint:
    week_start: date  # the Monday of the study week
    attempts: int
    correct: int
    percent: float | None
    mean_time_ms: int | None


@dataclass(frozen=True)
class Streak:
    current_days: int  # consecutive study days up to today (or yesterday, if not yet today)
    longest_days: int  # within the last 400 days
    studied_today: bool
    days: tuple[date, ...]  # study days of the last 60


@dataclass(frozen=True)
class Analytics:
    total: AreaFigures
    by_subject: tuple[AreaFigures, ...]  # most attempts first
    by_system: tuple[AreaFigures, ...]
    weak_areas: tuple[WeakArea, ...]
    too_few: tuple[str, ...]  # areas with answers but fewer than min_attempts
    weeks: tuple[WeekPoint, ...]  # oldest first, the last 12 weeks
    streak: Streak
    min_attempts: int
    subject: str | None  # the drill-down's subject (None: everything)
    cohort_note: str = NO_COHORT


@dataclass
class _Sum:
    attempts: int = 0
    correct: int = 0
    time_ms: int = 0
    timed: int = 0

    def add(self, attempts: int, correct: int, time_ms: int, timed: int) -> None:
        self.attempts += attempts
        self.correct += correct
        self.time_ms += time_ms
        self.timed += timed

    def figures(self, name: str) -> AreaFigures:
        low, high = wilson_interval(self.correct, self.attempts)
        return AreaFigures(
            name,
            self.attempts,
            self.correct,
            100.0 * self.correct / self.attempts if self.attempts else 0.0,
            100.0 * low,
            100.0 * high,
            self.time_ms // self.timed if self.timed else 0,
        )


def _areas(sums: dict[str, _Sum]) -> tuple[AreaFigures, ...]:
    figures = [s.figures(name) for name, s in sums.items()]
    return tuple(sorted(figures, key=lambda f: (-f.attempts, f.name)))


def study_days(database: ProfileDatabase, now: datetime, days: int = STREAK_DAYS) -> set[date]:
    """The study days of the last `days` with any card answer, lesson event, video watched or
    question event or answer: one index seek per study day and log."""
    today = StudyDay.of(now)
    since = today.plus(-days)
    found: set[date] = set()
    with database.read_session() as session:
        for declared in sql.FIRST_AFTER.values():
            at = db_time(since.start)
            while (first := sql.first_after(session, declared, at)) is not None:
                day = StudyDay.of(from_db_time(first).astimezone(today.zone))
                found.add(day.day)
                at = db_time(day.end)
        params = {"shift": f"{day_shift_seconds(now):+d} seconds", "since": db_time(since.start)}
        found |= {
            date.fromisoformat(r["day"])
            for r in sql.rows(session, sql.LESSON_DAYS, params)
            if r["day"]
        }
    return {d for d in found if d <= today.day}


def _streak(database: ProfileDatabase, now: datetime) -> Streak:
    today = StudyDay.of(now).day
    day_set = study_days(database, now)
    days = sorted(day_set)
    studied_today = today in day_set
    cursor = today if studied_today else today - timedelta(days=1)
    current = 0
    while cursor in day_set:
        current += 1
        cursor -= timedelta(days=1)
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    recent = tuple(d for d in days if d > today - timedelta(days=60))
    return Streak(current, longest, studied_today, recent)


def analytics(
    database: ProfileDatabase,
    *,
    now: datetime,
    min_attempts: int = 10,
    subject: str | None = None,
) -> Analytics:
    """The learner's analytics; `now` is aware, in the learner's zone. With `subject`, the
    drill-down: its systems, its weeks."""
    if now.tzinfo is None:
        raise ValueError("pass an aware time in the learner's zone")
    by_subject: dict[str, _Sum] = defaultdict(_Sum)
    by_system: dict[str, _Sum] = defaultdict(_Sum)
    total = _Sum()
    today = StudyDay.of(now)
    this_monday = today.day - timedelta(days=today.day.weekday())
    first_monday = this_monday - timedelta(weeks=WEEKS - 1)
    since = StudyDay.for_date(first_monday, today.zone)
    shift = f"{day_shift_seconds(now):+d} seconds"
    mondays = [first_monday + timedelta(weeks=i) for i in range(WEEKS)]
    weeks: dict[date, _Sum] = {monday: _Sum() for monday in mondays}
    with database.read_session() as session:
        for area in sql.rows(session, sql.AREAS, {"subject": subject}):
            n, correct, time_ms = (
                int(area["attempts"]), int(area["correct"] or 0), int(area["time_ms"] or 0)
            )  # fmt: skip
            by_subject[area["subject"] or UNCATEGORISED].add(n, correct, time_ms, n)
            by_system[area["system"] or UNCATEGORISED].add(n, correct, time_ms, n)
            total.add(n, correct, time_ms, n)
        if subject is None:
            for monday in mondays:
                start = StudyDay.for_date(monday, today.zone).start
                end = StudyDay.for_date(monday + timedelta(weeks=1), today.zone).start
                span = next(sql.rows(session, sql.SPAN, (db_time(start), db_time(end))))
                n = int(span["attempts"])
                weeks[monday].add(n, int(span["correct"] or 0), int(span["time_ms"] or 0), n)
        else:
            params = {"shift": shift, "since": db_time(since.start), "subject": subject}
            for r in sql.rows(session, sql.SUBJECT_DAYS, params):
                if not r["day"]:
                    continue
                day = date.fromisoformat(r["day"])
                monday = day - timedelta(days=day.weekday())
                if monday in weeks:
                    n = int(r["attempts"])
                    weeks[monday].add(n, int(r["correct"] or 0), int(r["time_ms"] or 0), n)
    points = tuple(
        WeekPoint(
            monday,
            s.attempts,
            s.correct,
            100.0 * s.correct / s.attempts if s.attempts else None,
            s.time_ms // s.attempts if s.attempts else None,
        )
        for monday, s in sorted(weeks.items())
    )
    subjects = _areas(by_subject)
    systems = _areas(by_system)
    candidates = [WeakArea("subject", f) for f in subjects if subject is None] + [
        WeakArea("system", f) for f in systems
    ]
    enough = [w for w in candidates if w.figures.attempts >= min_attempts]
    weak = tuple(
        sorted(enough, key=lambda w: (w.figures.high, w.figures.percent, w.figures.name))[
            :WEAK_AREAS
        ]
    )
    too_few = tuple(
        sorted({w.figures.name for w in candidates if w.figures.attempts < min_attempts})
    )
    return Analytics(
        total.figures(subject or "All"),
        subjects,
        systems,
        weak,
        too_few,
        points,
        _streak(database, now),
        min_attempts,
        subject,
    )
