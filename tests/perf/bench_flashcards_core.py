"""Flashcard core benchmarks on a 100,000-card profile with a year of review history.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_flashcards_core.py [--cards 100000] [--days 365] [--dir D]

Targets (issue): first card under 150 ms, answer + next card under 5 ms p95 (and under 1 ms
median), deck counts under 50 ms. First card and the answers are measured as the Review view's
write thread runs them, through a `ReviewLoop`: `answer` records the answer, chooses the next
card and commits (synchronous=FULL: an fsync) before it returns. "answer + next" is the time
until the next card is chosen (the commit's start, timed from inside), "answer + next + commit"
the whole call, which is what the Review view now waits for. For comparison, the stateless
`answer_card` + `next_card` in one write session, and a "floor": a one-row write session on the
same disk.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "flashcards"))

from flashcard_helpers import ZONE, generate_profile  # noqa: E402

from app.core.flashcards.browser import (  # noqa: E402
    CardFilter,
    CardSort,
    SortKey,
    browse_cards,
    search_card_ids,
)
from app.core.flashcards.optimise import optimise_parameters  # noqa: E402
from app.core.flashcards.queue import deck_list, queue_counts  # noqa: E402
from app.core.flashcards.review import answer_card, next_card  # noqa: E402
from app.core.flashcards.review_loop import ReviewLoop  # noqa: E402
from app.core.flashcards.scheduling import DEFAULT_PARAMETERS, Rating  # noqa: E402
from app.core.flashcards.stats import deck_statistics  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.db.models import ProfileSetting  # noqa: E402

THINK = 0.02  # seconds between answers (a learner takes several)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def timed(work: Callable[[], object], runs: int = 10) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--new-per-day", type=int, default=60)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument(
        "--dir", help="where to make the profile (e.g. /dev/shm to leave the disk's fsync out)"
    )
    args = parser.parse_args()
    now = datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        folder = Path(scratch)
        database = ProfileDatabase.open(folder / "p.sqlite3", folder / "b", create=True)
        start = time.perf_counter()
        generated = generate_profile(
            database, cards=args.cards, days=args.days, new_per_day=args.new_per_day, now=now
        )
        print(
            f"profile: {len(generated.card_ids):,} cards, {len(generated.decks)} decks, "
            f"{generated.reviews:,} reviews over {args.days} days "
            f"(generated in {time.perf_counter() - start:.1f} s, "
            f"{(folder / 'p.sqlite3').stat().st_size / 2**20:.0f} MB)"
        )
        database.close()

        # Cold: a freshly opened profile, as after launch; the Review view makes its loop.
        database = ProfileDatabase.open(folder / "p.sqlite3", folder / "b")
        start = time.perf_counter()
        review = ReviewLoop(database, None)
        first = review.current(now)
        print(f"first card (cold, all decks)      {ms(time.perf_counter() - start)}")
        print(f"  counts {first.counts}")

        # The loop as the Review view's write thread runs it. A learner takes seconds per
        # card; THINK stands in for that. When the commit starts is taken from inside.
        commit_started: list[float] = []
        real_commit = ReviewLoop._commit

        def timed_commit(loop: ReviewLoop) -> None:
            commit_started.append(time.perf_counter())
            real_commit(loop)

        ReviewLoop._commit = timed_commit  # type: ignore[method-assign]
        steps = []
        durable = []
        moment = now
        shown = first
        for _ in range(args.answers):
            if shown.card is None:
                break
            moment += timedelta(seconds=6)
            time.sleep(THINK)
            commit_started.clear()
            start = time.perf_counter()
            _result, shown = review.answer(shown.card.id, Rating.GOOD, 5000, moment)
            durable.append(time.perf_counter() - start)
            steps.append(commit_started[0] - start)
        ReviewLoop._commit = real_commit  # type: ignore[method-assign]
        review.close()
        print(
            f"answer + next card ({len(steps)})       median {ms(statistics.median(steps))}"
            f"  p95 {ms(p95(steps))}   (until the next card is chosen; its commit follows)"
        )
        print(
            f"answer + next + commit ({len(durable)})  median {ms(statistics.median(durable))}"
            f"  p95 {ms(p95(durable))}   (the whole call, fsync included: what the view waits)"
        )
        together = []
        work = []
        for _ in range(args.answers):
            if shown.card is None:
                break
            moment += timedelta(seconds=6)
            start = time.perf_counter()
            with database.write_session() as session:
                answer_card(session, shown.card.id, Rating.GOOD, 5000, moment)
                shown = next_card(session, None, moment)
                work.append(time.perf_counter() - start)
            together.append(time.perf_counter() - start)
        print(
            f"answer_card + next_card ({len(together)}, one session) median "
            f"{ms(statistics.median(together))}  p95 {ms(p95(together))}   (before the commit: "
            f"median {ms(statistics.median(work))}, p95 {ms(p95(work))})"
        )

        def one_row_commit() -> None:
            with database.write_session() as session:
                session.merge(ProfileSetting(key="bench", value={"at": time.time()}))

        floor = timed(one_row_commit, 50)
        print(
            f"floor: a one-row write session       median {ms(statistics.median(floor))}"
            f"  p95 {ms(p95(floor))}   (connection, BEGIN IMMEDIATE, fsync'd commit)"
        )

        deck = generated.decks[0]
        for label, work in (
            ("deck list with counts", lambda: deck_list(session, moment)),
            ("queue counts, all decks", lambda: queue_counts(session, None, moment)),
            ("queue counts, one deck", lambda: queue_counts(session, deck.id, moment)),
            ("next card, one deck", lambda: next_card(session, deck.id, moment)),
            (
                "browser first page (created)",
                lambda: browse_cards(session, CardFilter(), CardSort(), moment),
            ),
            (
                "browser first page (due, desc)",
                lambda: browse_cards(session, CardFilter(), CardSort(SortKey.DUE, True), moment),
            ),
            (
                "browser first page (front)",
                lambda: browse_cards(session, CardFilter(), CardSort(SortKey.FRONT), moment),
            ),
            (
                "browser page at row 90,000",
                lambda: browse_cards(session, CardFilter(), CardSort(), moment, 90_000),
            ),
            (
                "browser text search 'topic 42'",
                lambda: browse_cards(session, CardFilter(text="topic 42"), CardSort(), moment),
            ),
            (
                "browser all ids (100k, created)",
                lambda: search_card_ids(session, CardFilter(), CardSort(), moment),
            ),
            (
                "statistics, profile, 365 days",
                lambda: deck_statistics(session, None, moment, 365),
            ),
            (
                "statistics, one deck, 30 days",
                lambda: deck_statistics(session, deck.id, moment, 30),
            ),
        ):
            with database.read_session() as session:
                times = timed(work)
            print(f"{label:<34} median {ms(statistics.median(times))}  p95 {ms(p95(times))}")

        # Fitting FSRS to a deck's reviews (Deck Options > Optimise), once: it is a rare action.
        top = next(d for d in generated.decks if d.parent_id is None)
        with database.read_session() as session:
            start = time.perf_counter()
            fitted = optimise_parameters(session, top.id, moment, tuple(DEFAULT_PARAMETERS))
            took = time.perf_counter() - start
        print(
            f"optimise FSRS, one top deck        {ms(took)}   ({fitted.reviews:,} reviews of "
            f"{fitted.cards:,} cards; log loss {fitted.log_loss_before:.3f} -> "
            f"{fitted.log_loss_after:.3f})"
        )
        database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
