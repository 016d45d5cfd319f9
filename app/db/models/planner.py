"""Planner: study plans to an exam date, what each covers, and the learner's manual ticks.

A plan is its settings (fields, last writer wins each) and its scope items (fields); the
schedule itself is never stored: it is computed from the settings and from what the existing
logs say was done (lesson events, watched intervals, question attempts, card reviews). The only
log of the planner's own is `planner_ticks`: work the learner did outside the app, ticked by hand
(an untick is a row too), so ticks from two devices merge by union.

Dates (exam, start, days off) are calendar dates stored as ISO text (`2027-05-01`): an exam is on
a day, not at an instant, whatever the zone of the device that reads the plan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow


class StudyPlan(SyncedRow, Base):
    """One plan. The active plan is the live one with the newest `activated_at` (a field, so
    two devices activating different plans agree after a merge)."""

    __tablename__ = "planner_plans"

    name: Mapped[str] = mapped_column(String(200))
    exam_date: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[str] = mapped_column(String(10))
    # Minutes of study per weekday, Monday first (7 numbers).
    minutes: Mapped[list[int]] = mapped_column(JSON)
    days_off: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates
    # Minutes for single dates, instead of their weekday's ("more minutes on some days").
    day_minutes: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    final_days: Mapped[int] = mapped_column(Integer, default=0)  # reviews and blocks only
    time_zone: Mapped[str] = mapped_column(String(64), default="")  # where it was made
    activated_at: Mapped[datetime | None] = mapped_column(default=None)


class PlanScope(SyncedRow, Base):
    """One thing a plan covers: a course, a playlist, a video folder, a question subject (and
    system), or a deck's new cards; with its priority (1 first) and its place among equals."""

    __tablename__ = "planner_scope"
    __table_args__ = (Index(None, "plan_id"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("planner_plans.id"))
    kind: Mapped[str] = mapped_column(String(10))  # course | playlist | folder | subject | deck
    target: Mapped[str] = mapped_column(String(500))  # an id, a folder path or a subject name
    system: Mapped[str | None] = mapped_column(String(100), default=None)
    count: Mapped[int | None] = mapped_column(Integer, default=None)  # questions / new cards
    priority: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[str] = mapped_column(String(80))  # a fractional index within the plan
    title: Mapped[str] = mapped_column(String(300), default="")  # the name when added


class PlanTick(LogRow, Base):
    """A task ticked (or unticked) by hand: work done outside the app. Append-only."""

    __tablename__ = "planner_ticks"
    __table_args__ = (Index(None, "plan_id", "ticked_at"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("planner_plans.id"))
    task_key: Mapped[str] = mapped_column(String(200))
    day: Mapped[str] = mapped_column(String(10))  # the study day it was ticked on
    units: Mapped[int] = mapped_column(Integer, default=0)  # questions, cards, video seconds
    undo: Mapped[bool] = mapped_column(Boolean, default=False)
    ticked_at: Mapped[datetime]
