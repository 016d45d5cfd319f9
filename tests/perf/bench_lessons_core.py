"""Lessons benchmark: the library, a 500-lesson outline and a long lesson, on a big profile.

Run on its own (not part of the test suite):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_lessons_core.py

Builds a profile with 1,000 courses and 50,000 lessons (one course of 500 lessons, the rest
about 50 each), about a third of the lessons studied (opened, answered, scored, completed, and
TechTree status rows with duplicates), by bulk insert. Prints the median of 7 runs of: the
library query (all courses with progress), the 500-lesson outline, opening the long lesson
(parse + repair + safe markdown), and, when Qt is present, QTextDocument.setMarkdown plus
layout of that lesson. Targets: library < 200 ms, outline < 100 ms, long lesson < 100 ms.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.courses.lesson import open_lesson  # noqa: E402
from app.core.courses.library import library  # noqa: E402
from app.core.courses.markdown import readable_markdown  # noqa: E402
from app.core.courses.outline import outline  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.db.types import UTCDateTime, new_id  # noqa: E402

COURSES = 1_000
LESSONS = 50_000
BIG = 500
RUNS = 7
FIXTURE = ROOT.parent / "shared" / "fixtures" / "legacy" / "techtree_db.reconstructed-164e153.json"


def long_exposition() -> str:
    """About 60 KB of markdown: the real damaged lesson repeated, with code and tables."""
    if FIXTURE.is_file():
        data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        real = next(iter(data["lesson_content"].values()))["content"]["exposition_content"]
    else:
        real = "## HeadingText runs on.1.  **Item:** text.2.  **Item:** more.Where:*   a*   b"
    extra = (
        "\n\n```python\nfor i in range(10):\n    print(i)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    parts = []
    while sum(len(p) for p in parts) < 60_000:
        parts.append(real + extra)
    return "\n\n".join(parts)


def build(database: ProfileDatabase) -> tuple[str, str]:
    rng = random.Random(7)
    stamp = UTCDateTime().process_bind_param
    dialect = database.engine.dialect
    now = datetime(2026, 1, 1, tzinfo=UTC)
    created = stamp(now, dialect)
    courses, modules, lessons, contents, events = [], [], [], [], []
    per_course = [BIG] + [49 + (i < 549) for i in range(COURSES - 1)]
    body = json.dumps(
        {
            "exposition_content": "## A lesson\n\nShort text.",
            "knowledge_assessment": [
                {"question": "Q?", "options": ["a", "b"], "correct_answer": "a"}
            ],
        }
    )
    big_course = long_lesson = ""
    for c, count in enumerate(per_course):
        course_id = new_id()
        big_course = big_course or course_id
        courses.append(
            (course_id, f"Course {c:04}", "beginner", "[]", 0, 0, "", "{}", created, created)
        )
        per_module = 50 if count == BIG else 10
        for m in range((count + per_module - 1) // per_module):
            module_id = new_id()
            modules.append((module_id, course_id, m, m + 1, f"Module {m + 1}", created, created))
            for n in range(min(per_module, count - m * per_module)):
                lesson_id = new_id()
                lessons.append(
                    (
                        lesson_id,
                        module_id,
                        course_id,
                        n,
                        f"Lesson {m + 1}.{n + 1}",
                        created,
                        created,
                    )
                )
                text = body
                if not long_lesson and count == BIG:
                    long_lesson = lesson_id
                    text = json.dumps({"exposition_content": long_exposition()})
                contents.append((new_id(), lesson_id, text, created, created))
                if rng.random() < 0.33:
                    for kind in rng.sample(
                        ["opened", "answered", "scored", "completed", "status"], 3
                    ):
                        when = stamp(now + timedelta(minutes=rng.randint(0, 500_000)), dialect)
                        status = (
                            rng.choice(["in_progress", "completed"]) if kind == "status" else None
                        )
                        score = rng.uniform(0, 100) if kind in ("scored", "status") else None
                        events.append(
                            (new_id(), lesson_id, course_id, kind, status, score, when, "", created)
                        )
    assert len(courses) == COURSES and abs(len(lessons) - LESSONS) <= BIG
    with database.write_session() as session:
        conn = session.connection()
        for sql, rows in (
            (
                "INSERT INTO courses (id, topic, level, objectives, is_master, is_sample, source, "
                "extra, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                courses,
            ),
            (
                "INSERT INTO course_modules (id, course_id, position, week, title, created_at, "
                "updated_at) VALUES (?,?,?,?,?,?,?)",
                modules,
            ),
            (
                "INSERT INTO lessons (id, module_id, course_id, position, title, created_at, "
                "updated_at) VALUES (?,?,?,?,?,?,?)",
                lessons,
            ),
            (
                "INSERT INTO lesson_contents (id, lesson_id, body, created_at, updated_at) "
                "VALUES (?,?,?,?,?)",
                contents,
            ),
            (
                "INSERT INTO lesson_events (id, lesson_id, course_id, kind, status, score, "
                "occurred_at, source, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                events,
            ),
        ):
            conn.exec_driver_sql(sql, rows)
        conn.exec_driver_sql("ANALYZE")
    print(
        f"profile: {len(courses):,} courses, {len(modules):,} modules, {len(lessons):,} lessons, "
        f"{len(events):,} lesson events"
    )
    return big_course, long_lesson


def median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = ProfileDatabase.open(
            Path(folder) / "db.sqlite3", Path(folder) / "backups", create=True
        )
        try:
            started = time.perf_counter()
            big_course, long_lesson = build(database)
            print(f"built in {time.perf_counter() - started:.1f} s")

            def library_once() -> object:
                with database.read_session() as session:
                    rows = library(session)
                assert len(rows) == COURSES
                return rows

            def outline_once() -> object:
                with database.read_session() as session:
                    shown = outline(session, big_course)
                assert shown.lesson_count == BIG
                return shown

            def lesson_once() -> object:
                with database.read_session() as session:
                    return open_lesson(session, long_lesson)

            with database.read_session() as session:
                view = open_lesson(session, long_lesson)
            raw = view.body.exposition
            print(f"library, {COURSES:,} courses:      {median_ms(library_once):7.1f} ms  (< 200)")
            print(f"outline, {BIG} lessons:          {median_ms(outline_once):7.1f} ms  (< 100)")
            print(
                f"long lesson ({len(raw) // 1000} KB) open:     "
                f"{median_ms(lesson_once):7.1f} ms  (< 100)"
            )
            print(
                f"  of which readable_markdown:   "
                f"{median_ms(lambda: readable_markdown(raw, view.title)):7.1f} ms"
            )
            qt_layout(view.markdown)
        finally:
            database.close()


def qt_layout(markdown: str) -> None:
    try:
        from PySide6.QtGui import QGuiApplication, QTextDocument
    except ImportError:
        print("  (PySide6 not available: Qt rendering not measured)")
        return
    app = QGuiApplication.instance() or QGuiApplication([])

    def render() -> object:
        document = QTextDocument()
        document.setMarkdown(
            markdown,
            QTextDocument.MarkdownFeature.MarkdownDialectGitHub
            | QTextDocument.MarkdownFeature.MarkdownNoHTML,
        )
        document.setTextWidth(800)
        return document.size()

    print(f"  Qt setMarkdown + layout:      {median_ms(render):7.1f} ms")
    del app


if __name__ == "__main__":
    main()
