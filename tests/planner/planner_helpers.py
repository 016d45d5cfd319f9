"""Content for the planner tests and benchmark, written straight into a profile (bulk SQL)."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.core.flashcards.review_sql import driver_connection
from app.db.database import ProfileDatabase
from app.db.types import db_time, new_id

STAMP = db_time(datetime(2026, 1, 1, tzinfo=UTC))


@dataclass
class Made:
    courses: list[str] = field(default_factory=list)
    lessons: list[list[str]] = field(default_factory=list)  # per course, in order
    playlists: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


def _insert(conn: sqlite3.Connection, table: str, rows: Sequence[dict[str, object]]) -> None:
    if not rows:
        return
    names = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [tuple(r[n] for n in names) for r in rows],
    )


def _base() -> dict[str, object]:
    return {"id": new_id(), "created_at": STAMP, "updated_at": STAMP}


def add_course(
    database: ProfileDatabase, topic: str, lessons: int, *, minutes: int | None = 15,
    per_module: int = 10,
) -> tuple[str, list[str]]:  # fmt: skip
    with database.write_session() as session:
        conn = driver_connection(session)
        course = {**_base(), "topic": topic, "level": "", "objectives": "[]", "is_master": 0,
                  "is_sample": 0, "source": "test", "extra": "{}"}  # fmt: skip
        _insert(conn, "courses", [course])
        ids: list[str] = []
        modules, rows = [], []
        for m in range((lessons + per_module - 1) // per_module):
            module = {**_base(), "course_id": course["id"], "position": m, "title": f"M{m + 1}"}
            modules.append(module)
            for n in range(min(per_module, lessons - m * per_module)):
                row = {**_base(), "module_id": module["id"], "course_id": course["id"],
                       "position": n, "title": f"{topic} {m + 1}.{n + 1}",
                       "duration": f"{minutes} minutes" if minutes else None}  # fmt: skip
                rows.append(row)
                ids.append(str(row["id"]))
        _insert(conn, "course_modules", modules)
        _insert(conn, "lessons", rows)
        return str(course["id"]), ids


def add_playlist(
    database: ProfileDatabase, name: str, durations: Sequence[float], folder: str | None = None
) -> tuple[str, list[str]]:
    with database.write_session() as session:
        conn = driver_connection(session)
        playlist = {**_base(), "name": name, "description": "", "position": "m", "is_sample": 0}
        _insert(conn, "playlists", [playlist])
        videos, items, files = [], [], []
        for n, duration in enumerate(durations):
            video = {**_base(), "fingerprint": new_id(), "title": f"{name} {n + 1}",
                     "file_name": f"v{n}.mp4", "duration_s": duration, "size_bytes": 1,
                     "has_video": 1, "is_sample": 0, "last_position_s": 0.0,
                     "furthest_position_s": 0.0, "watched_s": 0.0}  # fmt: skip
            videos.append(video)
            items.append({"playlist_id": playlist["id"], "video_id": video["id"],
                          "position": f"a{n:05d}", "updated_at": STAMP})  # fmt: skip
            if folder:
                files.append({"video_id": video["id"], "path": f"{folder}/v{n:05d}.mp4",
                              "folder": folder, "size_bytes": 1, "mtime_ns": 1,
                              "seen_at": STAMP})  # fmt: skip
        _insert(conn, "videos", videos)
        _insert(conn, "playlist_items", items)
        _insert(conn, "video_files", files)
        return str(playlist["id"]), [str(v["id"]) for v in videos]


def add_questions(
    database: ProfileDatabase, subject: str, count: int, system: str | None = None
) -> list[str]:
    with database.write_session() as session:
        conn = driver_connection(session)
        rows = [{**_base(), "stem": f"Q{n}", "choices": "[]", "answer": "A", "explanation": "{}",
                 "subject": subject, "system": system, "is_sample": 0, "source": "test",
                 "extra": "{}"} for n in range(count)]  # fmt: skip
        _insert(conn, "questions", rows)
        return [str(r["id"]) for r in rows]


def answer_questions(
    database: ProfileDatabase, question_ids: Sequence[str], at: datetime, seconds: float = 60
) -> None:
    with database.write_session() as session:
        conn = driver_connection(session)
        rows = [{"id": new_id(), "created_at": db_time(at), "question_id": q, "result": "correct",
                 "flagged": 0, "time_ms": int(seconds * 1000), "answered_at": db_time(at),
                 "source": "block"} for q in question_ids]  # fmt: skip
        _insert(conn, "question_attempts", rows)


def add_deck(
    database: ProfileDatabase, name: str, *, new: int = 0, studied: int = 0,
    now: datetime | None = None, new_per_day: int = 20, seed: int = 1,
) -> str:  # fmt: skip
    """A deck with `new` new cards and `studied` cards in review with varied FSRS states."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    with database.write_session() as session:
        conn = driver_connection(session)
        deck = {**_base(), "name": name, "description": "", "scheduler": "fsrs",
                "desired_retention": 0.9, "learning_steps": "[60, 600]",
                "relearning_steps": "[600]", "new_per_day": new_per_day,
                "reviews_per_day": 9999, "maximum_interval": 36500, "is_sample": 0}  # fmt: skip
        _insert(conn, "decks", [deck])
        cards = []
        for n in range(new + studied):
            card = {**_base(), "deck_id": deck["id"], "front": f"f{n}", "back": "b", "flag": 0,
                    "suspended": 0, "is_sample": 0, "source": "test", "state": 0,
                    "interval_days": 0, "reps": 0, "lapses": 0, "due": None,
                    "stability": None, "difficulty": None, "last_review": None}  # fmt: skip
            if n >= new:
                stability = 2.718 ** rng.uniform(3, 7)  # 20 days to 3 years
                interval = max(1, round(stability))
                last = now - timedelta(days=rng.uniform(0, interval))
                card.update(state=2, interval_days=interval, reps=3, stability=stability,
                            difficulty=rng.uniform(3, 8), last_review=db_time(last),
                            due=db_time(last + timedelta(days=interval)))  # fmt: skip
            cards.append(card)
        _insert(conn, "cards", cards)
        return str(deck["id"])


def complete_lesson(
    database: ProfileDatabase, lesson_id: str, course_id: str, at: datetime
) -> None:
    with database.write_session() as session:
        conn = driver_connection(session)
        _insert(conn, "lesson_events", [{"id": new_id(), "created_at": db_time(at),
                "lesson_id": lesson_id, "course_id": course_id, "kind": "completed",
                "status": None, "score": None, "occurred_at": db_time(at), "source": "test",
                "detail": None}])  # fmt: skip


def as_json(value: object) -> str:
    return json.dumps(value)
