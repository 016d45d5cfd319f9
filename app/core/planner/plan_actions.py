"""Writing plans: create, change, activate, delete; scope items; manual ticks; ways out.

Each action owns its transaction, checks every setting before writing anything (a refused
setting raises `PlanInputError` naming the field and loses nothing), stamps `updated_at`, and
returns `Change.PLANS`. A delete sets `deleted_at` (restorable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.core.changes import Change
from app.core.flashcards.study_day import StudyDay
from app.core.planner.plans import (
    NoPlan,
    PlanInputError,
    ScopeSpec,
    check_dates,
    check_minutes,
    check_scope,
    check_study_days,
    load_settings,
    zone_name,
)
from app.core.videos.ordering import key_between
from app.db.database import ProfileDatabase
from app.errors import UserError

_UNSET: object = object()


class AlreadyDone(UserError):
    """A manual tick for a task the logs (or an earlier tick) already mark done."""


@dataclass(frozen=True)
class PlanSaved:
    plan_id: str
    changes: Change = Change.PLANS


@dataclass(frozen=True)
class ScopeSaved:
    scope_id: str
    changes: Change = Change.PLANS


@dataclass(frozen=True)
class Ticked:
    task_key: str
    changes: Change = Change.PLANS


def create_plan(
    database: ProfileDatabase,
    *,
    name: str,
    exam_date: date,
    minutes: Sequence[int],
    now: datetime,
    start_date: date | None = None,
    days_off: Sequence[date] = (),
    final_days: int = 0,
    scope: Sequence[ScopeSpec] = (),
    activate: bool = True,
) -> PlanSaved:
    """A new plan (active unless `activate=False`). Raises PlanInputError for a bad setting."""
    from app.db.models.planner import StudyPlan

    today = StudyDay.of(now).day
    name = name.strip()
    if not name:
        raise PlanInputError("name", "A plan needs a name.")
    values = check_minutes(minutes)
    start = start_date or today
    off = frozenset(days_off)
    check_dates(exam_date, start, today, final_days)
    for spec in scope:
        check_scope(spec)
    with database.write_session() as session:
        taken = session.scalar(
            select(StudyPlan.id).where(StudyPlan.name == name, StudyPlan.deleted_at.is_(None))
        )
        if taken is not None:
            raise PlanInputError("name", f"A plan called {name!r} exists: choose another name.")
        plan = StudyPlan(
            name=name,
            exam_date=exam_date.isoformat(),
            start_date=start.isoformat(),
            minutes=list(values),
            days_off=sorted(d.isoformat() for d in off),
            day_minutes={},
            final_days=final_days,
            time_zone=zone_name(now),
            activated_at=now if activate else None,
        )
        session.add(plan)
        session.flush()
        position: str | None = None
        for spec in scope:
            position = key_between(position, None)
            session.add(_scope_row(session, plan.id, spec, position))
        session.flush()
        check_study_days(load_settings(session, plan.id), today)
        return PlanSaved(plan.id)


def _scope_row(session: object, plan_id: str, spec: ScopeSpec, position: str) -> object:
    from app.core.planner.scope import scope_title
    from app.db.models.planner import PlanScope

    return PlanScope(
        plan_id=plan_id,
        kind=spec.kind,
        target=spec.target,
        system=spec.system,
        count=spec.count,
        priority=spec.priority,
        position=position,
        title=scope_title(session, spec),  # type: ignore[arg-type]
    )


def update_plan(
    database: ProfileDatabase,
    plan_id: str,
    *,
    now: datetime,
    name: str | None = None,
    exam_date: date | None = None,
    start_date: date | None = None,
    minutes: Sequence[int] | None = None,
    days_off: Sequence[date] | None = None,
    final_days: int | None = None,
    day_minutes: Mapping[date, int] | None = None,
) -> PlanSaved:
    """Change only the settings given; the whole plan is checked again before writing."""
    from app.db.models.planner import StudyPlan

    today = StudyDay.of(now).day
    with database.write_session() as session:
        plan = session.get(StudyPlan, plan_id)
        if plan is None or plan.deleted_at is not None:
            raise NoPlan("That plan no longer exists; it may have been deleted.")
        if name is not None:
            if not name.strip():
                raise PlanInputError("name", "A plan needs a name.")
            plan.name = name.strip()
        if minutes is not None:
            plan.minutes = list(check_minutes(minutes))
        if days_off is not None:
            plan.days_off = sorted({d.isoformat() for d in days_off})
        if day_minutes is not None:
            for day, value in day_minutes.items():
                if value < 0 or value > 16 * 60:
                    raise PlanInputError(
                        "day_minutes", f"Minutes on {day.isoformat()} must be 0 to 960."
                    )
            plan.day_minutes = {d.isoformat(): int(m) for d, m in sorted(day_minutes.items())}
        exam = exam_date or date.fromisoformat(plan.exam_date)
        start = start_date or date.fromisoformat(plan.start_date)
        final = plan.final_days if final_days is None else final_days
        if exam_date is not None or start_date is not None or final_days is not None:
            check_dates(exam, start, today, final)
        plan.exam_date, plan.start_date, plan.final_days = (
            exam.isoformat(),
            start.isoformat(),
            final,
        )
        plan.updated_at = now
        session.flush()
        check_study_days(load_settings(session, plan_id), today)
        return PlanSaved(plan_id)


def add_scope(database: ProfileDatabase, plan_id: str, spec: ScopeSpec) -> ScopeSaved:
    from app.db.models.planner import PlanScope, StudyPlan

    check_scope(spec)
    with database.write_session() as session:
        plan = session.get(StudyPlan, plan_id)
        if plan is None or plan.deleted_at is not None:
            raise NoPlan("That plan no longer exists; it may have been deleted.")
        last = session.scalar(
            select(PlanScope.position)
            .where(PlanScope.plan_id == plan_id)
            .order_by(PlanScope.position.desc())
            .limit(1)
        )
        row = _scope_row(session, plan_id, spec, key_between(last, None))
        session.add(row)
        session.flush()
        return ScopeSaved(row.id)  # type: ignore[attr-defined]


def update_scope(
    database: ProfileDatabase,
    scope_id: str,
    *,
    priority: int | None = None,
    count: object = _UNSET,
) -> ScopeSaved:
    from app.db.models.planner import PlanScope

    with database.write_session() as session:
        row = session.get(PlanScope, scope_id)
        if row is None or row.deleted_at is not None:
            raise NoPlan("That part of the plan no longer exists.")
        if priority is not None:
            if priority < 1:
                raise PlanInputError("scope", "Priorities start at 1 (the first).")
            row.priority = priority
        if count is not _UNSET:
            if count is not None and (not isinstance(count, int) or count <= 0):
                raise PlanInputError("scope", "The number must be above 0.")
            row.count = count if isinstance(count, int) else None
        return ScopeSaved(scope_id)


def remove_scope(database: ProfileDatabase, scope_id: str, *, now: datetime) -> Change:
    return _set_deleted("scope", database, scope_id, now)


def restore_scope(database: ProfileDatabase, scope_id: str) -> Change:
    return _set_deleted("scope", database, scope_id, None)


def delete_plan(database: ProfileDatabase, plan_id: str, *, now: datetime) -> Change:
    return _set_deleted("plan", database, plan_id, now)


def restore_plan(database: ProfileDatabase, plan_id: str) -> Change:
    return _set_deleted("plan", database, plan_id, None)


def _set_deleted(kind: str, database: ProfileDatabase, row_id: str, at: datetime | None) -> Change:
    from app.db.models.planner import PlanScope, StudyPlan

    with database.write_session() as session:
        row = session.get(StudyPlan if kind == "plan" else PlanScope, row_id)
        if not isinstance(row, (StudyPlan, PlanScope)):
            raise NoPlan(f"That {kind} no longer exists.")
        row.deleted_at = at
        return Change.PLANS


def activate_plan(database: ProfileDatabase, plan_id: str, *, now: datetime) -> Change:
    from app.db.models.planner import StudyPlan

    with database.write_session() as session:
        plan = session.get(StudyPlan, plan_id)
        if plan is None or plan.deleted_at is not None:
            raise NoPlan("That plan no longer exists; it may have been deleted.")
        plan.activated_at = now
        return Change.PLANS


def tick_task(database: ProfileDatabase, plan_id: str, task_key: str, *, now: datetime) -> Ticked:
    """Mark a task of today's plan done by hand (work done outside the app). A task the logs
    or an earlier tick already mark done raises AlreadyDone: nothing is ticked twice."""
    return _tick(database, plan_id, task_key, now, undo=False)


def untick_task(database: ProfileDatabase, plan_id: str, task_key: str, *, now: datetime) -> Ticked:
    return _tick(database, plan_id, task_key, now, undo=True)


def _tick(
    database: ProfileDatabase, plan_id: str, task_key: str, now: datetime, *, undo: bool
) -> Ticked:
    from app.core.planner.today import today_tasks_in
    from app.db.models.planner import PlanTick

    with database.write_session() as session:
        plan = today_tasks_in(session, plan_id, now)
        task = next((t for t in plan.tasks if t.key == task_key), None)
        if task is None:
            raise UserError("That task is not in today's plan (it may have been re-planned).")
        if not undo and task.done:
            how = "ticked already" if task.ticked else "done already: the app saw it"
            raise AlreadyDone(f"{task.title} is {how}.")
        if undo and not task.ticked:
            raise UserError(f"{task.title} was not ticked by hand.")
        session.add(
            PlanTick(
                plan_id=plan_id,
                task_key=task_key,
                day=plan.date.isoformat(),
                units=task.amount,
                undo=undo,
                ticked_at=now,
            )
        )
    from app.core.planner.today import forget_cached

    forget_cached()
    return Ticked(task_key)


def apply_way_out(
    database: ProfileDatabase, plan_id: str, way: object, *, now: datetime
) -> PlanSaved:
    """Make the change a `WayOut` (from `PlanSchedule.ways_out`) proposes."""
    from app.db.models.planner import PlanScope

    change = dict(getattr(way, "change", ()))
    if "minutes" in change:
        return update_plan(
            database, plan_id, now=now, minutes=[int(m) for m in change["minutes"].split(",")]
        )
    if "exam_date" in change:
        return update_plan(
            database, plan_id, now=now, exam_date=date.fromisoformat(change["exam_date"])
        )
    with database.write_session() as session:
        for key, value in change.items():
            if key == "drop":
                for scope_id in value.split(","):
                    row = session.get(PlanScope, scope_id)
                    if row is not None and row.plan_id == plan_id:
                        row.deleted_at = now
            elif key.startswith("count:"):
                row = session.get(PlanScope, key.split(":", 1)[1])
                if row is not None and row.plan_id == plan_id:
                    row.count = max(1, int(value))
            else:
                raise UserError(f"Unknown change {key!r}.")
    return PlanSaved(plan_id)
