"""What is left of each thing a plan covers, read from the content and the logs.

`collect` turns a plan's scope into the ordered `Work` the spread places: a course's lessons not
completed (at the lesson's stated duration, else the learner's measured pace), a playlist's or a
folder's videos with what is left unwatched (at the learner's usual speed), a subject's questions
(a number, or all still unused, at the learner's seconds per question), a deck's new cards. Work
finished before `before` (the start of today's study day) is finished; work done today still
shows in today's tasks, done. A course, deck or playlist deleted after the plan was made, or a
subject with no question left, is reported in `notes` and left out.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core.flashcards.review_sql import driver_connection
from app.core.planner import planner_sql as sql
from app.core.planner.plans import PlanInputError, PlanSettings, ScopeItem, ScopeSpec
from app.core.planner.spread import Work
from app.db.plain_sql import named_rows
from app.db.types import db_time, from_db_time

DEFAULT_LESSON_MINUTES = 20
DEFAULT_QUESTION_SECONDS = 90.0
DEFAULT_REVIEW_SECONDS = 10.0
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|m|min|mins|minute|minutes)\b")


def lesson_minutes(text: str | None) -> int | None:
    """Minutes in a stated duration ("15 minutes", "1 hour 30 min", "1.5 h"), else None."""
    if not text:
        return None
    total = 0.0
    for number, unit in _DURATION.findall(text.lower()):
        value = float(number.replace(",", "."))
        total += value * 60 if unit.startswith("h") else value
    return round(total) if total > 0 else None


@dataclass(frozen=True)
class Pace:
    lesson_minutes: int = DEFAULT_LESSON_MINUTES
    question_seconds: float = DEFAULT_QUESTION_SECONDS
    review_seconds: float = DEFAULT_REVIEW_SECONDS
    video_speed: float = 1.0


@dataclass(frozen=True)
class WorkInfo:
    """What a task of this work shows and opens."""

    title: str
    target: str
    subject: str | None = None
    system: str | None = None
    video_start: float = 0.0


@dataclass
class Collected:
    works: list[Work] = field(default_factory=list)
    info: dict[str, WorkInfo] = field(default_factory=dict)  # by work key
    notes: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # scope ids
    deck_ids: set[str] | None = None  # None: all decks (the plan names none)
    decks: dict[str, dict[str, Any]] = field(default_factory=dict)
    deck_scopes: dict[str, list[str]] = field(default_factory=dict)  # scope id -> deck subtree
    started: dict[str, int] = field(default_factory=dict)  # deck scope -> new cards since made


def measure_pace(conn: sqlite3.Connection) -> Pace:
    """The learner's own pace from the logs, each falling back to a default without data."""
    lessons = DEFAULT_LESSON_MINUTES
    opened: dict[str, datetime] = {}
    spans: list[float] = []
    for row in reversed(list(named_rows(conn.execute(sql.LESSON_PACE.sql)))):
        at = from_db_time(row["occurred_at"])
        if row["kind"] == "opened":
            opened.setdefault(row["lesson_id"], at)
        elif row["lesson_id"] in opened:
            minutes = (at - opened.pop(row["lesson_id"])).total_seconds() / 60
            if 2 <= minutes <= 180:
                spans.append(minutes)
    if len(spans) >= 3:
        spans.sort()
        lessons = max(1, round(spans[len(spans) // 2]))
    question = DEFAULT_QUESTION_SECONDS
    row = conn.execute(sql.QUESTION_PACE.sql).fetchone()
    if row and row[1] and row[1] >= 10 and row[0]:
        question = float(row[0]) / 1000
    review = DEFAULT_REVIEW_SECONDS
    row = conn.execute(sql.REVIEW_PACE.sql).fetchone()
    if row and row[1] and row[1] >= 20 and row[0]:
        review = float(row[0]) / 1000
    weighted = total = 0.0
    for speed, seconds in conn.execute(sql.WATCH_SPEED.sql):
        if seconds and seconds > 0 and speed and speed > 0:
            weighted += speed * seconds
            total += seconds
    speed = weighted / total if total > 60 else 1.0
    return Pace(lessons, question, review, max(0.25, min(speed, 4.0)))


def scope_title(session: Session, spec: ScopeSpec) -> str:
    """The name of what a scope item covers; PlanInputError when it does not exist."""
    conn = driver_connection(session)
    if spec.kind == "course":
        row = conn.execute(sql.COURSE_NAME.sql, (spec.target,)).fetchone()
    elif spec.kind == "playlist":
        row = conn.execute(sql.PLAYLIST_NAME.sql, (spec.target,)).fetchone()
    elif spec.kind == "deck":
        row = conn.execute(sql.DECK_NAME.sql, (spec.target,)).fetchone()
    elif spec.kind == "folder":
        row = (spec.target,)
    else:
        total = conn.execute(
            sql.QUESTIONS_IN_SCOPE.sql,
            {"before": db_time(datetime.now().astimezone()), **_subject(spec.target, spec.system)},
        ).fetchone()
        row = (" / ".join(p for p in (spec.target, spec.system) if p),) if total[0] else None
    if row is None:
        raise PlanInputError("scope", f"No {spec.kind} {spec.target!r} was found.")
    return str(row[0])


def _subject(subject: str, system: str | None) -> dict[str, str | None]:
    return {"subject": subject or None, "system": system or None}


def collect(
    session: Session,
    settings: PlanSettings,
    *,
    before: datetime,
    pace: Pace,
    progress: Mapping[str, int],
    new_card_cost: Mapping[str, tuple[float, ...]],
) -> Collected:
    """The work left of every scope item as it stood at `before`. `progress` adds work ticked
    by hand (by work key: lessons 1, videos seconds, questions and new cards a number);
    `new_card_cost[scope id]` is a deck's review response (see `Work.review_minutes`)."""
    conn = driver_connection(session)
    out = Collected()
    reading = _Reading(conn, db_time(before), settings, pace, progress, new_card_cost, out)
    for order, item in enumerate(settings.scope):
        handler = _HANDLERS[item.kind]
        try:
            handler(reading, item, order)
        except _Missing as gone:
            out.missing.add(item.id)
            out.notes.append(
                f"The {item.kind} {item.title or item.target!r} {gone}; the plan no longer "
                "covers it and was re-planned without it."
            )
    return out


class _Missing(Exception):
    pass


@dataclass(frozen=True)
class _Reading:
    """What every scope item's reading shares."""

    conn: sqlite3.Connection
    cutoff: str  # the start of today's study day, as stored
    settings: PlanSettings
    pace: Pace
    progress: Mapping[str, int]
    cost: Mapping[str, tuple[float, ...]]
    out: Collected


def _course(r: _Reading, item: ScopeItem, order: int) -> None:
    conn, cutoff, pace, progress, out = r.conn, r.cutoff, r.pace, r.progress, r.out
    if not conn.execute(sql.COURSE_NAME.sql, (item.target,)).fetchone():
        raise _Missing("was deleted")
    completed = {row[0]: row[1] for row in conn.execute(sql.LESSONS_COMPLETED.sql, (item.target,))}
    for row in named_rows(conn.execute(sql.COURSE_LESSONS.sql, (item.target,))):
        key = f"lesson:{row['id']}"
        at = completed.get(row["id"])
        if (at is not None and at < cutoff) or progress.get(key, 0) > 0:
            continue
        minutes = lesson_minutes(row["duration"]) or pace.lesson_minutes
        out.works.append(Work(key, "lesson", item.id, item.priority, order, minutes, 60.0))
        title = f"Lesson {row['module_position'] + 1}.{row['position'] + 1} {row['title']}"
        out.info[key] = WorkInfo(title, row["id"])


def _videos(r: _Reading, item: ScopeItem, order: int) -> None:
    conn, cutoff, pace, progress, out = r.conn, r.cutoff, r.pace, r.progress, r.out
    if item.kind == "playlist":
        if not conn.execute(sql.PLAYLIST_NAME.sql, (item.target,)).fetchone():
            raise _Missing("was deleted")
        rows = list(named_rows(conn.execute(sql.PLAYLIST_VIDEOS.sql, (item.target,))))
    else:
        folder = item.target.rstrip("/\\") or item.target
        rows = list(
            named_rows(
                conn.execute(sql.FOLDER_VIDEOS.sql, {"folder": folder, "below": folder + "/%"})
            )
        )
        if not rows:
            raise _Missing("holds no video on this computer")
    today = {r[0]: float(r[1] or 0) for r in conn.execute(sql.WATCHED_SINCE.sql, (cutoff,))}
    for row in rows:
        key = f"video:{row['id']}"
        if key in out.info:
            continue  # in two playlists of the plan: once
        duration = float(row["duration_s"] or 0)
        if row["completed_at"] is not None and row["completed_at"] < cutoff:
            continue
        watched = max(0.0, float(row["watched_s"] or 0) - today.get(row["id"], 0.0))
        watched += progress.get(key, 0)
        left = int(max(0.0, duration - watched))
        if left < 30:
            continue
        start = duration - left
        out.works.append(
            Work(key, "video", item.id, item.priority, order, left, 1.0 / pace.video_speed, start)
        )
        out.info[key] = WorkInfo(row["title"], row["id"], video_start=start)


def _questions(r: _Reading, item: ScopeItem, order: int) -> None:
    conn, cutoff, settings, pace = r.conn, r.cutoff, r.settings, r.pace
    progress, out = r.progress, r.out
    where = _subject(item.target, item.system)
    total, unused = conn.execute(sql.QUESTIONS_IN_SCOPE.sql, {"before": cutoff, **where}).fetchone()
    if not total:
        raise _Missing("has no questions left in the bank")
    key = f"questions:{item.id}"
    done = progress.get(key, 0)
    if item.count is None:
        left = int(unused or 0) - done
    else:
        since = db_time(settings.created_at)
        answered = conn.execute(
            sql.QUESTIONS_ANSWERED.sql, {"since": since, "before": cutoff, **where}
        ).fetchone()[0]
        left = min(item.count - int(answered or 0) - done, int(total))
    if left <= 0:
        return
    out.works.append(
        Work(key, "questions", item.id, item.priority, order, left, pace.question_seconds)
    )
    name = " / ".join(p for p in (item.target, item.system) if p)
    out.info[key] = WorkInfo(name, item.id, subject=where["subject"], system=where["system"])


def deck_tree(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in named_rows(conn.execute(sql.DECKS.sql))}


def subtree(decks: Mapping[str, Mapping[str, Any]], root: str) -> list[str]:
    children: dict[str, list[str]] = {}
    for deck_id, row in decks.items():
        if row["deleted_at"] is None and row["parent_id"]:
            children.setdefault(row["parent_id"], []).append(deck_id)
    found, stack = [], [root]
    while stack:
        deck_id = stack.pop()
        found.append(deck_id)
        stack.extend(children.get(deck_id, ()))
    return found


def _deck(r: _Reading, item: ScopeItem, order: int) -> None:
    conn, cutoff, settings, progress, out = r.conn, r.cutoff, r.settings, r.progress, r.out
    if not out.decks:
        out.decks = deck_tree(conn)
    row = out.decks.get(item.target)
    if row is None or row["deleted_at"] is not None:
        raise _Missing("was deleted")
    ids = subtree(out.decks, item.target)
    out.deck_scopes[item.id] = ids
    out.deck_ids = (out.deck_ids or set()) | set(ids)
    n = len(ids)
    new_now = conn.execute(sql.NEW_CARDS.expand(decks=n), ids).fetchone()[0]
    started_today = conn.execute(
        sql.NEW_CARDS_STARTED.expand(decks=n), [cutoff, "9999", *ids]
    ).fetchone()[0]
    key = f"new_cards:{item.id}"
    available = int(new_now) + int(started_today)  # as it stood this morning
    started = int(
        conn.execute(
            sql.NEW_CARDS_STARTED.expand(decks=n), [db_time(settings.created_at), cutoff, *ids]
        ).fetchone()[0]
        or 0
    )
    out.started[item.id] = started
    left = available if item.count is None else min(available, item.count - started)
    left -= progress.get(key, 0)
    if left <= 0:
        return
    response = r.cost.get(item.id, ())
    cap = int(row["new_per_day"] or 0)
    out.works.append(
        Work(key, "new_cards", item.id, item.priority, -1, left, 0.0, daily_cap=cap,
             review_minutes=response)
    )  # fmt: skip
    out.info[key] = WorkInfo(str(row["name"]), item.target)


_HANDLERS = {
    "course": _course,
    "playlist": _videos,
    "folder": _videos,
    "subject": _questions,
    "deck": _deck,
}


def live(items: Iterable[ScopeItem], missing: set[str]) -> list[ScopeItem]:
    return [item for item in items if item.id not in missing]
