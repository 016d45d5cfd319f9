"""Sync benchmarks: what capture costs the review path, and the folder target's speed.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_sync_capture.py [--cards 20000] [--days 120] [--answers 300]

Capture (target: under 0.2 ms per answer): the same generated profile twice, one set up to sync
(capture triggers installed) and one not; `ReviewLoop.answer` is timed on both, alternately,
until the commit starts (the commit's fsync is the same on both and would drown the figure),
and the cost of the trigger alone is timed on 10,000 review inserts in one transaction.

Folder target (issue: 10,000 operations pushed and pulled under 2 s; a sync with nothing new
under 50 ms): 10,000 cards added on one device, pushed, pulled by a second, then a no-op sync.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "flashcards"))

from flashcard_helpers import ZONE, generate_profile  # noqa: E402

from app.core.flashcards.cards import NewCard, add_cards  # noqa: E402
from app.core.flashcards.decks import ensure_deck  # noqa: E402
from app.core.flashcards.review import answer_card  # noqa: E402
from app.core.flashcards.review_loop import ReviewLoop  # noqa: E402
from app.core.flashcards.scheduling import Rating  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.sync import engine  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.3f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def capture(folder: Path, cards: int, days: int, answers: int) -> None:
    now = datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)
    plain_file = folder / "plain.sqlite3"
    database = ProfileDatabase.open(plain_file, folder / "b1", create=True)
    generated = generate_profile(database, cards=cards, days=days, new_per_day=20, now=now)
    database.close()
    synced_file = folder / "synced.sqlite3"
    shutil.copy(plain_file, synced_file)
    synced = ProfileDatabase.open(synced_file, folder / "b2")
    engine.setup_folder(synced, folder / "shared")
    engine.sync(synced)  # the baseline pushed: an outbox as after a sync
    plain = ProfileDatabase.open(plain_file, folder / "b1")
    print(f"profile: {len(generated.card_ids):,} cards, {generated.reviews:,} reviews")

    loops = {"plain": ReviewLoop(plain, None), "synced": ReviewLoop(synced, None)}
    shown = {name: loop.current(now) for name, loop in loops.items()}
    steps: dict[str, list[float]] = {name: [] for name in loops}
    started: list[float] = []
    real_commit = ReviewLoop._commit

    def timed_commit(loop: ReviewLoop) -> None:
        started.append(time.perf_counter())
        real_commit(loop)

    ReviewLoop._commit = timed_commit  # type: ignore[method-assign]
    moment = now
    for _ in range(answers):
        moment += timedelta(seconds=6)
        for name, loop in loops.items():
            card = shown[name].card
            if card is None:
                continue
            started.clear()
            start = time.perf_counter()
            _result, shown[name] = loop.answer(card.id, Rating.GOOD, 5000, moment)
            steps[name].append(started[0] - start)
            time.sleep(0.005)
    ReviewLoop._commit = real_commit  # type: ignore[method-assign]
    for loop in loops.values():
        loop.close()
    for name, values in steps.items():
        print(
            f"answer + next card, {name:6} ({len(values)})  median {ms(statistics.median(values))}"
            f"  p95 {ms(p95(values))}"
        )
    extra = statistics.median(steps["synced"]) - statistics.median(steps["plain"])
    print(f"capture cost per answer (difference of medians): {ms(extra)}  (target < 0.2 ms)")
    pending = engine.status(synced).pending_operations
    print(f"outbox after {answers} answers: {pending} rows")

    # The trigger alone: 10,000 review rows inserted in one transaction, with and without.
    per_row = {}
    for name, path in (("plain", plain_file), ("synced", synced_file)):
        conn = sqlite3.connect(path, isolation_level=None)
        card_id, deck_id = conn.execute("SELECT id, deck_id FROM cards LIMIT 1").fetchone()
        config = conn.execute("SELECT id FROM scheduler_configs LIMIT 1").fetchone()[0]
        rows = [
            (f"bench-{name}-{n}", "2026-03-10T10:30:00.000000Z", card_id, deck_id, 3,
             "2026-03-10T10:30:00.000000Z", 1000, "fsrs", config, 0)
            for n in range(10_000)
        ]  # fmt: skip
        conn.execute("BEGIN")
        start = time.perf_counter()
        conn.executemany(
            "INSERT INTO card_reviews (id, created_at, card_id, deck_id, rating, reviewed_at, "
            "duration_ms, scheduler, config_id, state_before) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        per_row[name] = (time.perf_counter() - start) / len(rows)
        conn.execute("ROLLBACK")
        conn.close()
    print(
        f"review insert alone: plain {ms(per_row['plain'])}, with capture {ms(per_row['synced'])}"
        f" -> trigger {ms(per_row['synced'] - per_row['plain'])} per review"
    )
    plain.close()
    synced.close()


def folder_target(folder: Path, count: int) -> None:
    a = ProfileDatabase.open(folder / "a.sqlite3", folder / "ba", create=True)
    b = ProfileDatabase.open(folder / "b.sqlite3", folder / "bb", create=True)
    shared = folder / "shared-folder"
    engine.setup_folder(a, shared)
    engine.setup_folder(b, shared)
    with a.write_session() as session:
        deck = ensure_deck(session, "Bench").id
        add_cards(session, deck, [NewCard(f"front {n}", f"back {n}") for n in range(count)])
    start = time.perf_counter()
    pushed = engine.sync(a)
    push_s = time.perf_counter() - start
    start = time.perf_counter()
    pulled = engine.sync(b)
    pull_s = time.perf_counter() - start
    print(
        f"folder: {pushed.pushed:,} operations pushed in {push_s:.2f} s, "
        f"{pulled.pulled:,} pulled and applied in {pull_s:.2f} s "
        f"(together {push_s + pull_s:.2f} s; target < 2 s)"
    )
    # 10,000 reviews (log rows; the receiver replays their cards' schedules).
    card_ids = [r[0] for r in sqlite3.connect(folder / "a.sqlite3").execute(
        "SELECT id FROM cards LIMIT 1000")]  # fmt: skip
    with a.write_session() as session:
        reviews = [
            (card_ids[n % len(card_ids)], base + timedelta(minutes=n))
            for n, base in enumerate([datetime(2026, 3, 1, tzinfo=ZONE)] * count)
        ]
        for card_id, moment in reviews:
            answer_card(session, card_id, Rating.GOOD, 3000, moment)
    start = time.perf_counter()
    pushed = engine.sync(a)
    push_s = time.perf_counter() - start
    start = time.perf_counter()
    pulled = engine.sync(b)
    pull_s = time.perf_counter() - start
    print(
        f"folder: {pushed.pushed:,} review operations pushed in {push_s:.2f} s, "
        f"{pulled.pulled:,} pulled, applied and replayed in {pull_s:.2f} s "
        f"(together {push_s + pull_s:.2f} s)"
    )
    times = []
    for _ in range(10):
        start = time.perf_counter()
        engine.sync(b)
        times.append(time.perf_counter() - start)
    print(f"no-op sync: median {ms(statistics.median(times))}  (target < 50 ms)")
    a.close()
    b.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        capture(Path(scratch), args.cards, args.days, args.answers)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        folder_target(Path(scratch), args.ops)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
