"""Assessments benchmark: the figures issue 16 asks for, on a real profile file.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_assessments.py [--questions 20000] [--attempts 100000]

Builds a bank of 20,000 questions (5 subjects x 6 systems x 3 difficulties, tags) with
100,000 past attempts, then prints (median and p95 over repeats):
- block: building a 40-question block with subject, system and pool filters (create_block,
  its one write included), and the matching count the builder shows as the learner chooses;
- answer: recording an answer durably (one event, committed with synchronous=FULL);
- move: the write behind moving to the next question (its painting is the UI's figure);
- bank page: the bank browser's first page of 200 rows with its figures (the core read);
- analytics: by subject and system, weak areas, 12 weeks and the streak;
- submit: scoring a 40-question block (its attempts and the usage cache);
- MS2 import: a 20,000-question MS2 QBank file through `import questions`.
"""

from __future__ import annotations

import argparse
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

from app.core.assessments.analytics import analytics  # noqa: E402
from app.core.assessments.bank import bank_page  # noqa: E402
from app.core.assessments.blocks import create_block  # noqa: E402
from app.core.assessments.blueprints import Blueprint, count_matching  # noqa: E402
from app.core.assessments.question_filters import BankFilter  # noqa: E402
from app.core.assessments.taking import open_block  # noqa: E402
from app.core.assessments.usage import rebuild_usage  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.db.types import db_time, new_id  # noqa: E402

SUBJECTS = ("Anatomy", "Pathology", "Pharmacology", "Physiology", "Microbiology")
SYSTEMS = ("Cardiovascular", "Renal", "Respiratory", "Nervous", "Endocrine", "Gastrointestinal")
DIFFICULTIES = ("Easy", "Medium", "Hard")


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def show(name: str, times: list[float], budget: float) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    median = statistics.median(times)
    verdict = "ok" if p95 < budget else "OVER"
    print(
        f"{name:<44} median {median:7.2f} ms  p95 {p95:7.2f} ms  (budget {budget:g} ms) {verdict}"
    )


def stem(i: int, rng: random.Random) -> str:
    vocabulary = ("patient", "presents", "with", "pain", "fever", "after", "a", "long", "flight",
                  "renal", "cardiac", "murmur")  # fmt: skip
    words = " ".join(rng.choice(vocabulary) for _ in range(60))
    return f"A {20 + i % 60}-year-old {words}. Which is the most likely diagnosis?"


def build_bank(database: ProfileDatabase, questions: int, attempts: int) -> list[str]:
    rng = random.Random(1)
    now = datetime.now(UTC)
    stamp = db_time(now)
    ids = [new_id() for _ in range(questions)]
    rows = []
    for i, qid in enumerate(ids):
        choices = [{"label": label, "text": f"Choice {label} {i}"} for label in "ABCDE"]
        explanation = {"summary": f"Explanation {i}", "rationales": [{"choice": "A", "text": "no"}]}
        rows.append((
            qid, f"q_{i:08x}", stem(i, rng), json.dumps(choices), "ABCDE"[i % 5],
            json.dumps(explanation), SUBJECTS[i % 5], SYSTEMS[(i // 5) % 6], DIFFICULTIES[i % 3],
            None, 0, "ms2", json.dumps({"keywords": ["k"]}), stamp, stamp,
        ))  # fmt: skip
    tag_ids = [new_id() for _ in range(20)]
    with database.write_session() as session:
        raw = session.connection().connection.driver_connection
        assert raw is not None
        raw.executemany(
            "INSERT INTO questions (id, legacy_id, stem, choices, answer, explanation, subject, "
            "system, difficulty, status, is_sample, source, extra, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        raw.executemany(
            "INSERT INTO tags (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(t, f"tag{n}", stamp, stamp) for n, t in enumerate(tag_ids)],
        )
        raw.executemany(
            "INSERT INTO question_tags (question_id, tag_id, updated_at) VALUES (?, ?, ?)",
            [(qid, tag_ids[i % 20], stamp) for i, qid in enumerate(ids)],
        )
        start = now - timedelta(days=120)
        attempt_rows = []
        for n in range(attempts):
            at = db_time(start + timedelta(seconds=n * 100))
            qid = ids[rng.randrange(questions)]
            result = rng.choices(("correct", "incorrect", "omitted"), (65, 30, 5))[0]
            attempt_rows.append((new_id(), qid, None, "A", result, rng.random() < 0.1,
                                 rng.randrange(20_000, 150_000), at, "block", at))  # fmt: skip
        raw.executemany(
            "INSERT INTO question_attempts (id, question_id, block_id, chosen, result, flagged, "
            "time_ms, answered_at, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attempt_rows,
        )
        rebuild_usage(session)
    with database.write_session() as session:
        session.connection().exec_driver_sql("ANALYZE")
    return ids


def ms2_file(path: Path, count: int) -> None:
    rng = random.Random(2)
    docs = [
        {
            "id": f"q_{i:08x}",
            "stem": stem(i, rng),
            "choices": [{"label": label, "text": f"Choice {label} {i}"} for label in "ABCDE"],
            "answer": "ABCDE"[i % 5],
            "explanation": {
                "summary": f"Because {i}",
                "rationales": [{"choice": "A", "text": "no"}],
            },
            "metadata": {
                "subject": SUBJECTS[i % 5],
                "system": SYSTEMS[i % 6],
                "difficulty": DIFFICULTIES[i % 3],
                "status": "Unused",
                "keywords": ["k"],
            },
            "tags": [f"tag{i % 20}"],
        }
        for i in range(count)
    ]
    path.write_text(json.dumps(docs), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = ProfileDatabase.open(
            folder / "p" / "studydesk.sqlite3", folder / "b", create=True
        )
        started = time.perf_counter()
        build_bank(database, args.questions, args.attempts)
        print(
            f"bank: {args.questions:,} questions, {args.attempts:,} attempts "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        blueprint = Blueprint(
            BankFilter(subjects=("Pathology", "Physiology"), systems=("Renal", "Cardiovascular",
                       "Respiratory"), pool="incorrect"),
            count=40, mode="timed", shuffle_choices=True,
        )  # fmt: skip
        print(f"  matching the block's filters: {count_matching(database, blueprint).matching}")
        show(
            "block: build 40 questions with filters",
            timed(lambda: create_block(database, blueprint), args.repeat),
            50,
        )
        show(
            "block: the builder's matching count",
            timed(lambda: count_matching(database, blueprint), args.repeat),
            50,
        )
        unfiltered = Blueprint(count=40, mode="tutor")
        show(
            "block: build 40 from the whole bank",
            timed(lambda: create_block(database, unfiltered), args.repeat),
            50,
        )

        made = create_block(database, blueprint, seed=1)
        taking = open_block(database, made.block_id)
        labels = taking.question(0).labels
        position = iter(range(10_000))

        def answer() -> None:
            p = next(position) % 40
            taking.select(p, labels[p % len(labels)])

        show("answer: recorded durably (fsync)", timed(answer, 200), 5)
        moves = iter(range(10_000))
        show("move: the write behind Next", timed(lambda: taking.move(next(moves) % 40), 200), 16)
        show(
            "bank: first page (200 rows, figures)",
            timed(lambda: bank_page(database), args.repeat),
            100,
        )
        show(
            "bank: first page, filtered and sorted",
            timed(lambda: bank_page(database, BankFilter(subjects=("Anatomy",), pool="flagged"),
                                    sort="times_seen", descending=True), args.repeat),
            100,
        )  # fmt: skip
        now = datetime.now().astimezone()
        show(
            "analytics: subject, system, weeks, streak",
            timed(lambda: analytics(database, now=now), args.repeat),
            150,
        )
        show(
            "analytics: one subject's drill-down",
            timed(lambda: analytics(database, now=now, subject="Pathology"), args.repeat),
            150,
        )

        def submit() -> None:
            block = create_block(database, unfiltered)
            session = open_block(database, block.block_id)
            session.submit()

        show("submit: score a 40-question block", timed(submit, 10), 200)
        database.close()

        from app.core.profiles import create_profile
        from app.importers.legacy_actions import import_legacy_files
        from app.paths import data_locations

        locations = data_locations(str(folder / "data"))
        profile = create_profile(locations, "Bench")
        path = folder / "ms2.json"
        ms2_file(path, args.questions)
        started = time.perf_counter()
        report = import_legacy_files(
            locations, [path], default_profile=profile, questions_only=True
        ).report
        elapsed = time.perf_counter() - started
        added = sum(p.counts.get("questions", 0) for p in report.profiles)
        name = f"MS2 import: {args.questions:,} questions"
        verdict = "ok" if elapsed < 5 else "OVER"
        print(f"{name:<44} {elapsed:7.2f} s  (budget 5 s) {verdict}; {added:,} added")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
