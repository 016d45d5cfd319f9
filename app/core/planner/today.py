"""Today's tasks of the active plan, fast enough for the Today view (< 20 ms once computed).

Today's tasks come from the work left at the start of the study day, so they are the same all
day: the spread is computed once per study day (and again when the plan, its scope or the
content it covers changes) and kept in memory; each read then only asks the logs what is done.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import StudyDay
from app.core.planner import planner_sql as sql
from app.core.planner.plans import active_plan
from app.core.planner.schedule import Inputs, read_inputs
from app.core.planner.tasks import PlanTask, fold_ticks, mark_done, review_task, task_for
from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class TodayPlan:
    plan_id: str
    name: str
    date: date
    days_to_exam: int
    fits: bool
    overflow_minutes: int
    tasks: tuple[PlanTask, ...]
    planned_minutes: int
    done_minutes: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Cached:
    stamp: tuple[object, ...]
    inputs: Inputs
    tasks: tuple[PlanTask, ...]
    fits: bool
    overflow: int


_cache: dict[tuple[int, str], _Cached] = {}
_lock = threading.Lock()


def forget_cached() -> None:
    """Drop every cached day (a write of the planner's own calls it)."""
    with _lock:
        _cache.clear()


def today_tasks(database: ProfileDatabase, *, now: datetime) -> TodayPlan | None:
    """Today's tasks of the active plan (None: there is none), each marked done from the logs."""
    with database.read_session() as session:
        plan_id = active_plan(session)
        if plan_id is None:
            return None
        return today_tasks_in(session, plan_id, now, cache_key=id(database))


def _stamp(session: Session, plan_id: str, day: date) -> tuple[object, ...]:
    """What today's spread depends on besides the logs of today: a change to any of these
    (the plan, its scope, the courses, lessons, decks, playlists or questions) re-spreads."""
    from app.db.models import Course, Deck, Lesson, Playlist, PlaylistItem, Question
    from app.db.models.planner import PlanScope, StudyPlan

    parts: list[object] = [day]
    for model in (StudyPlan, PlanScope, Course, Lesson, Deck, Playlist, Question):
        parts.append(session.scalar(select(func.max(model.updated_at))))
    parts.append(session.scalar(select(func.max(PlaylistItem.updated_at))))
    parts.append(session.scalar(select(func.count()).select_from(PlanScope)))
    conn = driver_connection(session)
    parts.append(conn.execute(sql.LATEST_TICK.sql).fetchone()[0])
    parts.append(plan_id)
    return tuple(parts)


def today_tasks_in(
    session: Session, plan_id: str, now: datetime, *, cache_key: int = 0
) -> TodayPlan:
    today = StudyDay.of(now).day
    stamp = _stamp(session, plan_id, today)
    with _lock:
        cached = _cache.get((cache_key, plan_id)) if cache_key else None
    if cached is None or cached.stamp != stamp:
        cached = _compute(session, plan_id, now, stamp)
        if cache_key:
            with _lock:
                _cache[(cache_key, plan_id)] = cached
    inputs = cached.inputs
    ticked, _progress = fold_ticks(driver_connection(session), plan_id, today)
    inputs = replace(inputs, ticked=ticked)
    tasks = tuple(mark_done(session, inputs, list(cached.tasks), now))
    settings = inputs.settings
    return TodayPlan(
        plan_id=plan_id,
        name=settings.name,
        date=today,
        days_to_exam=(settings.exam_date - today).days,
        fits=cached.fits,
        overflow_minutes=cached.overflow,
        tasks=tasks,
        planned_minutes=sum(t.minutes for t in tasks),
        done_minutes=sum(t.minutes for t in tasks if t.done),
        notes=tuple(inputs.notes),
    )


def _compute(session: Session, plan_id: str, now: datetime, stamp: tuple[object, ...]) -> _Cached:
    inputs = read_inputs(session, plan_id, now)
    if inputs.today >= inputs.settings.exam_date or inputs.first != inputs.today:
        note = (
            f"The exam date {inputs.settings.exam_date.isoformat()} has passed."
            if inputs.today >= inputs.settings.exam_date
            else f"The plan starts on {inputs.first.isoformat()}."
        )
        inputs.notes.append(note)
        return _Cached(stamp, inputs, (), True, 0)
    result = inputs.run()
    day = result.days[0]
    tasks: list[PlanTask] = []
    if day.review_minutes:
        tasks.append(review_task(inputs.today, day.review_minutes, inputs.reviews_today))
    for part in day.placed:
        tasks.append(task_for(inputs, inputs.collected.works[part.work], part, inputs.today))
    return _Cached(stamp, inputs, tuple(tasks), result.fits, result.overflow_minutes)


__all__ = ["TodayPlan", "active_plan", "forget_cached", "today_tasks", "today_tasks_in"]
