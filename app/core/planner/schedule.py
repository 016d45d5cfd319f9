"""The whole plan, day by day, computed from the settings and the logs (never stored).

`plan_schedule` re-spreads the work left over the days left every time it is read: today's tasks
come from the work left at the start of today's study day (4 am), so they stay put while the
learner does them; the days after assume today's tasks get done, and drop work already done
today beyond them. Missed and partial days therefore roll forward on their own: what was not
done is still left the next morning. Finished work (in the logs, or ticked) stays finished.
Read it off the GUI thread: about 300 ms for 180 days over 1,000 lessons, 500 videos, 20,000
questions and 100,000 cards (`tests/perf/bench_planner.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.core.planner import planner_sql as sql
from app.core.planner.plans import NoPlan, PlanSettings, active_plan, load_settings, zone_name
from app.core.planner.scope import Collected, Pace, collect, deck_tree, measure_pace
from app.core.planner.spread import Spread, Work, spread
from app.core.planner.tasks import (
    PastDay,
    PlanDay,
    PlanTask,
    TaskDestination,
    build_tasks,
    fold_ticks,
    unplaced_tasks,
)
from app.core.planner.workload import (
    Workload,
    forecast_workload,
    new_card_minutes,
    today_counts,
)
from app.db.database import ProfileDatabase
from app.db.types import db_time, from_db_time

EXTRA_DAYS = 60  # how far past the exam a what-if or a moved exam is looked for

__all__ = ["PastDay", "PlanDay", "PlanTask", "TaskDestination", "plan_schedule"]


@dataclass(frozen=True)
class BurnPoint:
    date: date
    remaining_minutes: int  # new material left at the start of the day (planned from today)
    ideal_minutes: int  # a straight line to 0 at the start of the final period


@dataclass(frozen=True)
class WayOut:
    kind: str  # more_minutes | fewer_new_cards | drop_lowest_priority | move_exam
    description: str
    fits_after: bool
    overflow_after: int
    finish_after: date | None
    change: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PlanSchedule:
    plan_id: str
    name: str
    exam_date: date
    today: date
    fits: bool
    overflow_minutes: int
    finish_date: date | None
    days: tuple[PlanDay, ...]
    history: tuple[PastDay, ...]
    unplaced: tuple[PlanTask, ...]
    burn_down: tuple[BurnPoint, ...]
    notes: tuple[str, ...]
    ways_out: tuple[WayOut, ...] = ()


@dataclass
class Inputs:
    """Everything the spread needs, read once; the ways out and what-ifs re-spread these."""

    settings: PlanSettings
    today: date
    first: date  # the first planned day: today, or the plan's start if later
    study_day: StudyDay
    pace: Pace
    collected: Collected
    workload: Workload
    reviews_today: int  # real count of today's reviews (due now + done today)
    ticked: dict[str, bool]  # task key -> ticked by hand (latest tick wins)
    notes: list[str]

    def reviews(self, count: int) -> list[float]:
        """Review minutes of `count` days from the first planned day. Past the exam (a moved
        exam, a what-if) the forecast's last two weeks' mean stands for each further day."""
        offset = (self.first - self.today).days
        minutes = self.workload.minutes(offset, count)
        if offset == 0 and minutes:
            minutes[0] = self.reviews_today * self.workload.review_seconds / 60
        return minutes

    def run(self, settings: PlanSettings | None = None, works: list[Work] | None = None,
            extra_days: int = 0) -> Spread:  # fmt: skip
        chosen = settings or self.settings
        until = chosen.exam_date + timedelta(days=extra_days)
        slots = chosen.slots(self.first, until)
        if extra_days:
            slots = [*slots[: len(slots) - extra_days], *(
                replace(s, final=False) for s in slots[len(slots) - extra_days:]
            )]  # fmt: skip
        return spread(slots, self.reviews(len(slots)), self.collected.works if works is None
                      else works)  # fmt: skip


def plan_schedule(
    database: ProfileDatabase, plan_id: str | None = None, *, now: datetime, ways_out: bool = True
) -> PlanSchedule:
    """The plan (None: the active one) as of `now` (aware, the learner's zone). Raises NoPlan."""
    with database.read_session() as session:
        return schedule_in(session, plan_id, now, with_ways_out=ways_out)


def read_inputs(session: Session, plan_id: str | None, now: datetime) -> Inputs:
    chosen = plan_id or active_plan(session)
    if chosen is None:
        raise NoPlan("There is no active plan: create one with an exam date first.")
    settings = load_settings(session, chosen)
    study_day = StudyDay.of(now)
    today = study_day.day
    conn = driver_connection(session)
    notes: list[str] = []
    if settings.time_zone and settings.time_zone != zone_name(now):
        notes.append(
            f"This plan was made in the time zone {settings.time_zone}; its days are counted "
            f"here in {zone_name(now)} (the exam stays on {settings.exam_date.isoformat()})."
        )
    latest = conn.execute(sql.LATEST_ACTIVITY.sql).fetchone()[0]
    stamps = [settings.updated_at, *([from_db_time(latest)] if latest else [])]
    if max(stamps) > now + timedelta(minutes=10):
        notes.append(
            f"The clock reads {now:%Y-%m-%d %H:%M}, before work recorded at "
            f"{max(stamps).astimezone(now.tzinfo):%Y-%m-%d %H:%M}: check the computer's date. "
            "The plan is shown for the clock's day; nothing was changed."
        )
    pace = measure_pace(conn)
    ticked, progress = fold_ticks(conn, settings.id, today)
    first = max(today, settings.start_date)
    horizon = max(1, (settings.exam_date - today).days + EXTRA_DAYS)
    decks = deck_tree(conn)
    cost = {
        item.id: new_card_minutes(decks[item.target], horizon, pace.review_seconds)
        for item in settings.scope
        if item.kind == "deck" and item.target in decks
    }
    collected = collect(
        session,
        settings,
        before=study_day.start,
        pace=pace,
        progress=progress,
        new_card_cost=cost,
    )
    collected.decks = decks
    notes.extend(collected.notes)

    workload = forecast_workload(
        conn,
        decks,
        collected.deck_ids,
        morning=study_day.start,
        horizon=max(1, (settings.exam_date - today).days),
        review_seconds=pace.review_seconds,
    )
    due, done, _started = today_counts(
        conn, collected.deck_ids, morning=study_day.start, evening=study_day.end
    )
    return Inputs(
        settings, today, first, study_day, pace, collected, workload, due + done, ticked, notes
    )


def schedule_in(
    session: Session, plan_id: str | None, now: datetime, *, with_ways_out: bool = True
) -> PlanSchedule:
    inputs = read_inputs(session, plan_id, now)
    settings, today = inputs.settings, inputs.today
    if today >= settings.exam_date:
        return PlanSchedule(
            settings.id, settings.name, settings.exam_date, today, True, 0, None, (), (), (), (),
            (*inputs.notes, f"The exam date {settings.exam_date.isoformat()} has passed."),
        )  # fmt: skip
    result = inputs.run()
    days = build_tasks(session, inputs, result, now)
    finish = result.finish_day()
    finish_date = inputs.first + timedelta(days=finish) if finish is not None else None
    ways: tuple[WayOut, ...] = ()
    if with_ways_out and not result.fits:
        from app.core.planner.ways_out import find_ways_out

        ways = find_ways_out(inputs, result)
    return PlanSchedule(
        plan_id=settings.id,
        name=settings.name,
        exam_date=settings.exam_date,
        today=today,
        fits=result.fits,
        overflow_minutes=result.overflow_minutes,
        finish_date=finish_date,
        days=days,
        history=_history(session, inputs, now),
        unplaced=unplaced_tasks(session, inputs, result),
        burn_down=_burn_down(inputs, result),
        notes=tuple(inputs.notes),
        ways_out=ways,
    )


def _history(session: Session, inputs: Inputs, now: datetime) -> tuple[PastDay, ...]:
    """Start date .. yesterday (at most the last 366 days): capacity, and the minutes the logs
    say were studied (reviews and answers at their measured time, watching at its wall time,
    lessons at the learner's pace)."""
    settings, today = inputs.settings, inputs.today
    first = max(settings.start_date, today - timedelta(days=366))
    if first >= today:
        return ()
    done: dict[str, float] = {}
    conn = driver_connection(session)
    params = {
        "shift": f"{day_shift_seconds(now):+d} seconds",
        "since": db_time(StudyDay.for_date(first, inputs.study_day.zone).start),
    }
    for statement in (sql.DONE_REVIEWS, sql.DONE_QUESTIONS, sql.DONE_WATCHING):
        for day, minutes in conn.execute(statement.sql, params):
            done[day] = done.get(day, 0.0) + float(minutes or 0)
    for day, lessons in conn.execute(sql.DONE_LESSONS.sql, params):
        done[day] = done.get(day, 0.0) + lessons * inputs.pace.lesson_minutes
    return tuple(
        PastDay(
            day,
            settings.capacity(day),
            day in settings.days_off,
            round(done.get(day.isoformat(), 0.0)),
        )
        for day in (first + timedelta(days=n) for n in range((today - first).days))
    )


def _burn_down(inputs: Inputs, result: Spread) -> tuple[BurnPoint, ...]:
    settings = inputs.settings
    remaining = sum(w.minutes(w.units) for w in inputs.collected.works)
    final_start = settings.final_start
    span = max(1, (final_start - inputs.first).days)
    points = []
    for index, day in enumerate(result.days):
        when = inputs.first + timedelta(days=index)
        ideal = max(0, round(remaining * (1 - index / span)))
        points.append(BurnPoint(when, remaining, ideal))
        remaining -= sum(p.minutes for p in day.placed)
    points.append(BurnPoint(settings.exam_date, remaining, 0))
    return tuple(points)
