"""Reading plans: the list, one plan's settings, the choices for its scope, a what-if."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select

from app.core.planner.plans import PlanSettings, active_plan, load_settings
from app.core.planner.schedule import read_inputs
from app.core.planner.ways_out import WhatIf, what_if
from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class PlanSummary:
    id: str
    name: str
    exam_date: date
    start_date: date
    active: bool
    scope_count: int
    updated_at: datetime


@dataclass(frozen=True)
class ScopeChoices:
    """(target, title) pairs for each kind of scope item."""

    courses: tuple[tuple[str, str], ...]
    playlists: tuple[tuple[str, str], ...]
    folders: tuple[tuple[str, str], ...]
    subjects: tuple[tuple[str, str], ...]
    systems: tuple[tuple[str, str], ...]
    decks: tuple[tuple[str, str], ...]


def list_plans(database: ProfileDatabase) -> tuple[PlanSummary, ...]:
    from app.db.models.planner import PlanScope, StudyPlan

    with database.read_session() as session:
        active = active_plan(session)
        counts = dict(
            session.execute(
                select(PlanScope.plan_id, func.count())
                .where(PlanScope.deleted_at.is_(None))
                .group_by(PlanScope.plan_id)
            ).all()
        )
        rows = session.scalars(
            select(StudyPlan).where(StudyPlan.deleted_at.is_(None)).order_by(StudyPlan.exam_date)
        )
        return tuple(
            PlanSummary(
                row.id,
                row.name,
                date.fromisoformat(row.exam_date),
                date.fromisoformat(row.start_date),
                row.id == active,
                int(counts.get(row.id, 0)),
                row.updated_at,
            )
            for row in rows
        )


def plan_settings(database: ProfileDatabase, plan_id: str) -> PlanSettings:
    """A plan's settings; each scope item says whether what it covers is gone (`missing`)."""
    from app.core.flashcards.review_sql import driver_connection
    from app.core.flashcards.study_day import StudyDay
    from app.core.planner.scope import collect, measure_pace

    with database.read_session() as session:
        settings = load_settings(session, plan_id)
        now = datetime.now().astimezone()
        collected = collect(
            session,
            settings,
            before=StudyDay.of(now).start,
            pace=measure_pace(driver_connection(session)),
            progress={},
            new_card_cost={},
        )
        scope = tuple(replace(i, missing=i.id in collected.missing) for i in settings.scope)
        return replace(settings, scope=scope)


def active_plan_id(database: ProfileDatabase) -> str | None:
    with database.read_session() as session:
        return active_plan(session)


def plan_named(database: ProfileDatabase, name: str) -> str | None:
    """The live plan called `name` (or whose id it is)."""
    from app.db.models.planner import StudyPlan

    with database.read_session() as session:
        return session.scalar(
            select(StudyPlan.id).where(
                StudyPlan.deleted_at.is_(None), (StudyPlan.name == name) | (StudyPlan.id == name)
            )
        )


def scope_choices(database: ProfileDatabase) -> ScopeChoices:
    from app.db.models import Course, Deck, Playlist, Question, VideoFile

    with database.read_session() as session:
        courses = session.execute(
            select(Course.id, Course.topic)
            .where(Course.deleted_at.is_(None))
            .order_by(Course.topic)
        ).all()
        playlists = session.execute(
            select(Playlist.id, Playlist.name)
            .where(Playlist.deleted_at.is_(None))
            .order_by(Playlist.position)
        ).all()
        folders = session.scalars(select(VideoFile.folder).distinct().order_by(VideoFile.folder))
        subjects = session.scalars(
            select(Question.subject)
            .where(Question.deleted_at.is_(None), Question.subject.is_not(None))
            .distinct()
            .order_by(Question.subject)
        )
        systems = session.scalars(
            select(Question.system)
            .where(Question.deleted_at.is_(None), Question.system.is_not(None))
            .distinct()
            .order_by(Question.system)
        )
        decks = session.execute(
            select(Deck.id, Deck.name).where(Deck.deleted_at.is_(None)).order_by(Deck.name)
        ).all()
        return ScopeChoices(
            tuple((r[0], r[1]) for r in courses),
            tuple((r[0], r[1]) for r in playlists),
            tuple((f, f) for f in folders),
            tuple((s, s) for s in subjects if s),
            tuple((s, s) for s in systems if s),
            tuple((r[0], r[1]) for r in decks),
        )


def what_if_minutes(
    database: ProfileDatabase, plan_id: str | None, minutes: Sequence[int], *, now: datetime
) -> WhatIf:
    """The plan with other minutes per weekday: does it fit, and when would it finish."""
    with database.read_session() as session:
        return what_if(read_inputs(session, plan_id, now), minutes)
