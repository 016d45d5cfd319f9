"""A day's tasks: what each is, where it opens, and whether it is done (from the logs).

A task is done when the activity happened: the lesson completed, the video's part watched, the
questions answered (distinct questions of its subject, today), the reviews all done, the new
cards started; or when the learner ticked it by hand (`planner_ticks`, the latest tick or untick
of a task wins). Only today's tasks can be done: later days are still to come.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.core.flashcards.review_sql import driver_connection
from app.core.planner import planner_sql as sql
from app.core.planner.spread import Placed, Spread, Work
from app.db.types import db_time

if TYPE_CHECKING:
    from app.core.planner.schedule import Inputs


@dataclass(frozen=True)
class TaskDestination:
    kind: str  # lesson | video | deck | questions
    id: str | None
    position_s: float | None = None
    subject: str | None = None
    system: str | None = None
    count: int | None = None
    pool: str = "unused"


@dataclass(frozen=True)
class PlanTask:
    key: str
    kind: str  # lesson | video | questions | reviews | new_cards
    target: str
    title: str
    minutes: int
    done: bool
    ticked: bool
    amount: int
    destination: TaskDestination


@dataclass(frozen=True)
class PlanDay:
    date: date
    capacity_minutes: int
    planned_minutes: int
    done_minutes: int
    overflow_minutes: int
    day_off: bool
    final_period: bool
    tasks: tuple[PlanTask, ...]


@dataclass(frozen=True)
class PastDay:
    date: date
    capacity_minutes: int
    day_off: bool
    done_minutes: int  # studied that day, from the logs (whatever the plan said)


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def task_for(inputs: Inputs, work: Work, part: Placed, day: date) -> PlanTask:
    info = inputs.collected.info[work.key]
    if work.kind == "lesson":
        title = info.title if part.units == work.units and part.offset == 0 else (
            f"{info.title} (minutes {part.offset + 1}-{part.offset + part.units})"
        )  # fmt: skip
        return PlanTask(work.key if part.offset == 0 and part.units == work.units
                        else f"{work.key}:{part.offset}", "lesson", info.target, title,
                        part.minutes, False, False, 1,
                        TaskDestination("lesson", info.target))  # fmt: skip
    if work.kind == "video":
        start = work.start + part.offset
        end = start + part.units
        return PlanTask(
            f"{work.key}:{int(start)}", "video", info.target,
            f"{info.title} {_clock(start)}-{_clock(end)}", part.minutes, False, False,
            part.units, TaskDestination("video", info.target, position_s=start),
        )  # fmt: skip
    if work.kind == "questions":
        return PlanTask(
            f"{work.key}:{day.isoformat()}", "questions", work.scope,
            f"{part.units} questions: {info.title}", part.minutes, False, False, part.units,
            TaskDestination("questions", None, subject=info.subject, system=info.system,
                            count=part.units),
        )  # fmt: skip
    return PlanTask(
        f"{work.key}:{day.isoformat()}", "new_cards", info.target,
        f"{part.units} new cards: {info.title}", part.minutes, False, False, part.units,
        TaskDestination("deck", info.target),
    )  # fmt: skip


def review_task(day: date, minutes: int, amount: int) -> PlanTask:
    return PlanTask(
        f"reviews:{day.isoformat()}", "reviews", "", f"~{amount} reviews", minutes, False,
        False, amount, TaskDestination("deck", None),
    )  # fmt: skip


def build_tasks(
    session: Session, inputs: Inputs, result: Spread, now: datetime
) -> tuple[PlanDay, ...]:
    days = []
    per_review = inputs.workload.review_seconds / 60
    finished_today = finished_since(session, inputs)
    for index, spread_day in enumerate(result.days):
        day = inputs.first + timedelta(days=index)
        tasks: list[PlanTask] = []
        if spread_day.review_minutes:
            amount = round(spread_day.review_minutes / per_review) if per_review else 0
            if index == 0 and day == inputs.today:
                amount = inputs.reviews_today
            tasks.append(review_task(day, spread_day.review_minutes, amount))
        for part in spread_day.placed:
            work = inputs.collected.works[part.work]
            if day != inputs.today and work.key in finished_today:
                continue  # done today beyond today's plan
            tasks.append(task_for(inputs, work, part, day))
        if day == inputs.today:
            tasks = mark_done(session, inputs, tasks, now)
        planned = sum(t.minutes for t in tasks)
        days.append(
            PlanDay(
                day,
                spread_day.capacity,
                planned,
                sum(t.minutes for t in tasks if t.done),
                spread_day.overflow,
                day in inputs.settings.days_off or spread_day.capacity == 0,
                spread_day.final,
                tuple(tasks),
            )
        )
    return tuple(days)


def unplaced_tasks(session: Session, inputs: Inputs, result: Spread) -> tuple[PlanTask, ...]:
    """What does not fit before the exam; a lesson or video finished since this morning (the
    plan is computed as of then) is done, not left over."""
    left = []
    exam = inputs.settings.exam_date
    finished_today = finished_since(session, inputs)
    for index, units in enumerate(result.left):
        if units <= 0:
            continue
        work = inputs.collected.works[index]
        if work.key in finished_today:
            continue
        part = Placed(index, units, work.minutes(units), work.units - units)
        left.append(task_for(inputs, work, part, exam))
    return tuple(left)


def finished_since(session: Session, inputs: Inputs) -> set[str]:
    """Work keys of lessons and videos finished since this morning."""
    conn = driver_connection(session)
    since = db_time(inputs.study_day.start)
    keys = {w.key for w in inputs.collected.works if w.kind in ("lesson", "video")}
    if not keys:
        return set()
    done = set()
    lesson_ids = [k.split(":", 1)[1] for k in keys if k.startswith("lesson:")]
    for chunk in _chunks(lesson_ids):
        query = sql.LESSONS_DONE_SINCE.expand(lessons=len(chunk))
        for (lesson_id,) in conn.execute(query, [*chunk, since]):
            done.add(f"lesson:{lesson_id}")
    video_ids = [k.split(":", 1)[1] for k in keys if k.startswith("video:")]
    for chunk in _chunks(video_ids):
        query = sql.VIDEOS_DONE_SINCE.expand(videos=len(chunk))
        for (video_id,) in conn.execute(query, [*chunk, since]):
            done.add(f"video:{video_id}")
    return done


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def fold_ticks(
    conn: sqlite3.Connection, plan_id: str, today: date
) -> tuple[dict[str, bool], dict[str, int]]:
    """(task key -> ticked, for today's tasks; work key -> units done by hand before today)."""
    latest: dict[str, tuple[str, int, bool]] = {}
    for key, day, units, undo, _at, _id in conn.execute(sql.TICKS.sql, (plan_id,)):
        latest[key] = (day, int(units or 0), bool(undo))
    ticked: dict[str, bool] = {}
    progress: dict[str, int] = {}
    for key, (day, units, undo) in latest.items():
        if undo:
            continue
        if day == today.isoformat():
            ticked[key] = True
            continue
        if day > today.isoformat():
            continue  # ticked on a later day by a clock that has since gone back: kept
        work_key = work_key_of(key)
        progress[work_key] = progress.get(work_key, 0) + (1 if key.startswith("lesson:") else units)
    return ticked, progress


def work_key_of(task_key: str) -> str:
    kind, _, rest = task_key.partition(":")
    if kind in ("lesson", "video"):
        return f"{kind}:{rest.split(':', 1)[0]}"
    if kind in ("questions", "new_cards"):
        return f"{kind}:{rest.rsplit(':', 1)[0]}"
    return task_key


def mark_done(
    session: Session, inputs: Inputs, tasks: list[PlanTask], now: datetime
) -> list[PlanTask]:
    from dataclasses import replace

    conn = driver_connection(session)
    since = db_time(inputs.study_day.start)
    marked = []
    for task in tasks:
        ticked = inputs.ticked.get(task.key, False)
        done = ticked or _done_in_logs(conn, inputs, task, since)
        marked.append(replace(task, done=done, ticked=ticked))
    return marked


def _done_in_logs(conn: sqlite3.Connection, inputs: Inputs, task: PlanTask, since: str) -> bool:
    if task.kind == "lesson":
        return bool(conn.execute(sql.LESSON_DONE.sql, (task.target,)).fetchone())
    if task.kind == "video":
        return _video_part_watched(conn, task)
    if task.kind == "questions":
        where = {"subject": task.destination.subject, "system": task.destination.system}
        answered = conn.execute(
            sql.QUESTIONS_ANSWERED.sql, {"since": since, "before": "9999", **where}
        ).fetchone()[0]
        return int(answered or 0) >= task.amount
    if task.kind == "new_cards":
        ids = inputs.collected.deck_scopes.get(task.key.split(":")[1], [task.target])
        started = conn.execute(
            sql.NEW_CARDS_STARTED.expand(decks=len(ids)), [since, "9999", *ids]
        ).fetchone()[0]
        return int(started or 0) >= task.amount
    if task.kind == "reviews":
        deck_ids = inputs.collected.deck_ids
        evening = db_time(inputs.study_day.end)
        for deck_id, count in conn.execute(sql.DUE_BEFORE.sql, (evening,)):
            if count and (deck_ids is None or deck_id in deck_ids):
                return False
        return True
    return False


def _video_part_watched(conn: sqlite3.Connection, task: PlanTask) -> bool:
    row = conn.execute(sql.VIDEO_COMPLETED.sql, (task.target,)).fetchone()
    if row and row[0]:
        return True
    start = task.destination.position_s or 0.0
    end = start + task.amount
    covered = 0.0
    intervals = sorted(conn.execute(sql.VIDEO_INTERVALS.sql, (task.target,)))
    reach = start
    for low, high in intervals:
        low, high = max(low, reach), min(high, end)
        if high > low:
            covered += high - low
            reach = high
    return covered >= 0.9 * (end - start)
