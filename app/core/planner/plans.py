"""A plan's settings as the planner reads them, the checks every setting passes, and the days.

Every check raises `PlanInputError` naming the field and saying what to change, before anything
is written, so a refused plan loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.planner.spread import DaySlot
from app.errors import UserError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCOPE_KINDS = ("course", "playlist", "folder", "subject", "deck")
MAX_MINUTES = 16 * 60  # a day of study is at most 16 hours
MAX_DAYS = 3 * 366  # a plan reaches at most about three years ahead


class PlanInputError(UserError):
    """A plan setting that cannot be used; `field` names it ("exam_date", "minutes", ...)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class NoPlan(UserError):
    """There is no (active) plan, or the plan named was deleted."""


@dataclass(frozen=True)
class ScopeSpec:
    """One thing to cover (see `PlanScope`)."""

    kind: str
    target: str
    system: str | None = None
    count: int | None = None
    priority: int = 1


@dataclass(frozen=True)
class ScopeItem:
    id: str
    kind: str
    target: str
    system: str | None
    count: int | None
    priority: int
    title: str
    position: str
    missing: bool = False  # its course, playlist, deck or subject is gone


@dataclass(frozen=True)
class PlanSettings:
    id: str
    name: str
    exam_date: date
    start_date: date
    minutes: tuple[int, ...]  # Monday first
    days_off: frozenset[date]
    final_days: int
    day_minutes: Mapping[date, int]
    time_zone: str
    active: bool
    created_at: datetime
    updated_at: datetime
    scope: tuple[ScopeItem, ...] = field(default=())

    def capacity(self, day: date) -> int:
        if day in self.day_minutes:
            return self.day_minutes[day]
        if day in self.days_off:
            return 0
        return self.minutes[day.weekday()]

    @property
    def final_start(self) -> date:
        return self.exam_date - timedelta(days=self.final_days)

    def slots(self, first: date, until: date) -> list[DaySlot]:
        """One slot per day from `first` up to the day before `until`."""
        final_start = self.final_start
        return [
            DaySlot(self.capacity(day), day >= final_start)
            for day in (first + timedelta(days=n) for n in range(max(0, (until - first).days)))
        ]


def check_minutes(minutes: Sequence[int]) -> tuple[int, ...]:
    values = tuple(int(m) for m in minutes)
    if len(values) != 7:
        raise PlanInputError("minutes", f"Give minutes for all 7 weekdays, not {len(values)}.")
    for day, value in zip(WEEKDAYS, values, strict=True):
        if value < 0 or value > MAX_MINUTES:
            raise PlanInputError(
                "minutes", f"Minutes on {day} must be between 0 and {MAX_MINUTES}, not {value}."
            )
    if not any(values):
        raise PlanInputError(
            "minutes", "Every weekday has 0 minutes: give at least one day some minutes of study."
        )
    return values


def parse_weekdays(text: str) -> tuple[bool, ...]:
    """ "mon,wed,fri" -> which weekdays are study days (Monday first)."""
    names = [part.strip().lower()[:3] for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown:
        raise PlanInputError(
            "weekdays",
            f"Unknown weekday {unknown[0]!r}: use mon, tue, wed, thu, fri, sat, sun.",
        )
    if not names:
        raise PlanInputError("weekdays", "No study days: name at least one weekday.")
    return tuple(day in names for day in WEEKDAYS)


def check_dates(exam_date: date, start_date: date, today: date, final_days: int) -> None:
    if exam_date <= today:
        when = "today" if exam_date == today else "in the past"
        raise PlanInputError(
            "exam_date",
            f"The exam date {exam_date.isoformat()} is {when}: choose a day after "
            f"{today.isoformat()}.",
        )
    if (exam_date - today).days > MAX_DAYS:
        raise PlanInputError("exam_date", "The exam date is more than three years away.")
    if start_date >= exam_date:
        raise PlanInputError(
            "start_date",
            f"The plan starts on {start_date.isoformat()}, not before the exam "
            f"({exam_date.isoformat()}): start it earlier.",
        )
    if final_days < 0 or final_days >= (exam_date - max(start_date, today)).days:
        raise PlanInputError(
            "final_days",
            f"A final period of {final_days} days leaves no day for new material before the "
            f"exam on {exam_date.isoformat()}.",
        )


def check_study_days(settings: PlanSettings, today: date) -> None:
    """At least one day with minutes between today (or the start) and the exam."""
    first = max(settings.start_date, today)
    if not any(slot.capacity > 0 for slot in settings.slots(first, settings.exam_date)):
        raise PlanInputError(
            "days_off",
            "No study days are left before the exam: every day is a day off or has 0 minutes.",
        )


def check_scope(spec: ScopeSpec) -> None:
    if spec.kind not in SCOPE_KINDS:
        raise PlanInputError("scope", f"Unknown kind {spec.kind!r}: use {', '.join(SCOPE_KINDS)}.")
    if spec.count is not None and spec.count <= 0:
        raise PlanInputError("scope", f"The number for {spec.target!r} must be above 0.")
    if spec.priority < 1:
        raise PlanInputError("scope", "Priorities start at 1 (the first).")
    if not spec.target.strip() and not (spec.kind == "subject" and spec.system):
        raise PlanInputError("scope", f"A {spec.kind} to cover needs a name.")


def load_settings(session: Session, plan_id: str) -> PlanSettings:
    from app.db.models.planner import PlanScope, StudyPlan

    plan = session.get(StudyPlan, plan_id)
    if plan is None or plan.deleted_at is not None:
        raise NoPlan("That plan no longer exists; it may have been deleted.")
    active = active_plan(session)
    scope = tuple(
        ScopeItem(
            row.id,
            row.kind,
            row.target,
            row.system,
            row.count,
            row.priority,
            row.title,
            row.position,
        )
        for row in session.scalars(
            select(PlanScope)
            .where(PlanScope.plan_id == plan_id, PlanScope.deleted_at.is_(None))
            .order_by(PlanScope.priority, PlanScope.position, PlanScope.id)
        )
    )
    return PlanSettings(
        id=plan.id,
        name=plan.name,
        exam_date=date.fromisoformat(plan.exam_date),
        start_date=date.fromisoformat(plan.start_date),
        minutes=tuple(int(m) for m in plan.minutes),
        days_off=frozenset(date.fromisoformat(d) for d in plan.days_off or ()),
        final_days=int(plan.final_days),
        day_minutes={date.fromisoformat(d): int(m) for d, m in (plan.day_minutes or {}).items()},
        time_zone=plan.time_zone,
        active=active == plan.id,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        scope=scope,
    )


def active_plan(session: Session) -> str | None:
    """The live plan activated last (None: no plan was ever activated, or all were deleted)."""
    from app.db.models.planner import StudyPlan

    return session.scalar(
        select(StudyPlan.id)
        .where(StudyPlan.deleted_at.is_(None), StudyPlan.activated_at.is_not(None))
        .order_by(StudyPlan.activated_at.desc(), StudyPlan.id.desc())
        .limit(1)
    )


def zone_name(now: datetime) -> str:
    zone = now.tzinfo
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    return now.strftime("%z") or "UTC"
