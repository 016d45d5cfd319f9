"""Search everything on a big profile: `python tests/perf/bench_search.py [SCALE]`.

Builds a profile with 50,000 notes (about 30 MB of text), 100,000 cards, 20,000 questions and
50,000 lesson texts times SCALE (1.0 by default), written with the search triggers on (the
index kept row by row, as the app keeps it), then times: a two-word search returning its first
50 results with snippets (p95, target < 15 ms), a one-letter prefix as typed (p95, < 30 ms),
a part of a word through the trigram index, and prints the index's size.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.core.search import search_all
from app.db.database import ProfileDatabase

AT = "2024-01-01 00:00:00.000000"
MEDICAL = (  # noqa: SIM905 (a paragraph of words reads better)
    "heart valve mitral aortic stenosis murmur systole diastole kidney nephron glomerulus "
    "filtration liver hepatocyte bile insulin glucose pancreas lung alveolus surfactant "
    "neuron synapse dopamine serotonin receptor antibody antigen infection fever sepsis "
    "fracture femur tibia ligament cartilage anemia platelet coagulation thrombosis embolism "
    "hypertension hypotension tachycardia bradycardia arrhythmia fibrillation ischemia"
).split()
SYLLABLES = "ba ca de fi go hu ka le mi no pa qu ra se ti vo xa ze bro cla dri fle gra".split()  # noqa: SIM905


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Words as real text has them: a large vocabulary whose frequencies follow Zipf's law
    (the n-th commonest word about 1/n as frequent), the medical words among the common ones.
    Returns the words and their cumulative weights."""
    words = list(MEDICAL)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    rng.shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(1, size + 1):
        total += 1 / rank
        cumulative.append(total)
    return words, cumulative


VOCABULARY, CUMULATIVE = vocabulary(random.Random(11))


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=words))


def build(db_file: Path, scale: float) -> float:
    database = ProfileDatabase.open(db_file, db_file.parent / "b", create=True)
    database.close()
    rng = random.Random(7)
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO notes (id, kind, title, body, bookmarked, is_sample, source, pinned, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, '', 0, ?, ?)",
        (
            (f"n{i}", "article" if i % 10 == 0 else "note", text(rng, 4), text(rng, 85), AT, AT)
            for i in range(int(50_000 * scale))
        ),
    )
    conn.execute(
        "INSERT INTO decks (id, name, description, scheduler, desired_retention, learning_steps, "
        "relearning_steps, new_per_day, reviews_per_day, maximum_interval, is_sample, "
        "created_at, updated_at) VALUES ('d', 'Deck', '', 'fsrs', 0.9, '[]', '[]', 20, 200, "
        "36500, 0, ?, ?)",
        (AT, AT),
    )
    conn.executemany(
        "INSERT INTO cards (id, deck_id, front, back, flag, suspended, is_sample, source, state, "
        "interval_days, reps, lapses, created_at, updated_at) "
        "VALUES (?, 'd', ?, ?, 0, 0, 0, '', 0, 0, 0, 0, ?, ?)",
        ((f"c{i}", text(rng, 6), text(rng, 12), AT, AT) for i in range(int(100_000 * scale))),
    )
    conn.executemany(
        "INSERT INTO questions (id, stem, choices, answer, explanation, is_sample, source, "
        "extra, created_at, updated_at) VALUES (?, ?, ?, 'A', ?, 0, '', '{}', ?, ?)",
        (
            (f"q{i}", text(rng, 40), f'[{{"label": "A", "text": "{text(rng, 3)}"}}]',
             f'{{"summary": "{text(rng, 60)}"}}', AT, AT)
            for i in range(int(20_000 * scale))
        ),
    )  # fmt: skip
    conn.execute(
        "INSERT INTO courses (id, topic, level, objectives, is_master, is_sample, source, extra, "
        "created_at, updated_at) VALUES ('k', 'Medicine', '', '[]', 0, 0, '', '{}', ?, ?)",
        (AT, AT),
    )
    conn.execute(
        "INSERT INTO course_modules (id, course_id, position, title, created_at, updated_at) "
        "VALUES ('m', 'k', 0, 'All', ?, ?)",
        (AT, AT),
    )
    lessons = int(50_000 * scale)
    conn.executemany(
        "INSERT INTO lessons (id, module_id, course_id, position, title, created_at, updated_at) "
        "VALUES (?, 'm', 'k', ?, ?, ?, ?)",
        ((f"l{i}", i, text(rng, 4), AT, AT) for i in range(lessons)),
    )
    conn.executemany(
        "INSERT INTO lesson_contents (id, lesson_id, body, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (f"lc{i}", f"l{i}", f'{{"exposition_content": "{text(rng, 60)}"}}', AT, AT)
            for i in range(lessons)
        ),
    )
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(database: ProfileDatabase, queries: list[str]) -> tuple[float, float, int]:
    samples, results = [], 0
    for query in queries:
        started = time.perf_counter()
        results += len(search_all(database, query))
        samples.append(time.perf_counter() - started)
    return p95(samples), statistics.median(samples) * 1000, results // len(queries)


def main(scale: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_file = Path(folder) / "p" / "studydesk.sqlite3"
        db_file.parent.mkdir()
        took = build(db_file, scale)
        conn = sqlite3.connect(db_file)
        docs = conn.execute("SELECT count(*), sum(length(title) + length(body)) FROM search_docs")
        count, chars = docs.fetchone()
        try:
            sizes = dict(
                conn.execute(
                    "SELECT CASE WHEN name LIKE 'search_trigram%' THEN 'trigram' WHEN name LIKE "
                    "'search_text%' THEN 'words' ELSE 'docs' END, sum(pgsize) FROM dbstat "
                    "WHERE name LIKE 'search%' GROUP BY 1"
                ).fetchall()
            )
        except sqlite3.Error:
            sizes = {}
        bodies = [
            b for (b,) in conn.execute("SELECT body FROM search_docs ORDER BY random() LIMIT 80")
        ]
        conn.close()
        print(f"scale {scale}: {count:,} documents, {chars / 1e6:.1f} M characters")
        print(f"built with triggers on (rows + index): {took:.1f} s")
        for name, size in sizes.items():
            print(f"  {name}: {size / 1e6:.1f} MB")
        print(f"profile file: {db_file.stat().st_size / 1e6:.1f} MB")
        database = ProfileDatabase.open(db_file, db_file.parent / "b")
        try:
            rng = random.Random(3)
            search_all(database, "warm up")
            # Two words a learner would look for, taken from one document (so something is
            # found): neither among the commonest (which real text has as "the", "and").
            rare = set(VOCABULARY[20:])
            two = []
            for body in bodies:
                words = [w for w in body.split() if w in rare]
                if len(words) >= 2:
                    two.append(" ".join(rng.sample(words, 2)))
            one = [rng.choice("abcdefghiklmnprst") for _ in range(60)]
            part = [rng.choice(MEDICAL)[1:5] for _ in range(20)]  # not a word start
            for label, queries, target in (
                ("two-word search, first 50 with snippets", two, "15"),
                ("one-letter prefix", one, "30"),
                ("part of a word (trigram fallback)", part, "-"),
            ):
                high, median, results = timed(database, queries)
                print(f"{label}: p95 {high:.1f} ms, median {median:.1f} ms "
                      f"(target {target} ms), {results} results")  # fmt: skip
        finally:
            database.close()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
