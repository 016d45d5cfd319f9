"""One replay step (`replay.step` -> `scheduling.apply_review`): microseconds per review.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_replay.py [--cards 5000] [--reviews 40] [--runs 5]

Sync's first pull of a long-used profile replays every card's log (a million reviews take
`reviews x us per step`). The logs here are made by answering each card when it is due (now and
then early, late or Again), as a learner does, so most steps are review-state steps with fuzz,
the rest learning and relearning steps. Prints the best and median of `--runs` replays of every
log (`replay.replay`, the function sync calls per card) and of the bare `apply_review` steps,
and, in turn with them, of the same steps through the `fsrs` package's `Scheduler.review_card`
as `apply_review` made them until it wrote the step out (the reference its tests compare with).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "flashcards"))

from test_flashcards_scheduling_reference import reference_fsrs_review  # noqa: E402

from app.core.flashcards.replay import LoggedReview, replay  # noqa: E402
from app.core.flashcards.scheduling import (  # noqa: E402
    NEW_CARD,
    Rating,
    Schedule,
    SchedulerSettings,
    apply_review,
)

START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


def make_logs(
    cards: int, reviews: int, settings: SchedulerSettings, seed: int = 7
) -> dict[str, list[LoggedReview]]:
    rng = random.Random(seed)
    logs: dict[str, list[LoggedReview]] = {}
    config_id = settings.config_id
    for n in range(cards):
        card_id = f"0190{n:04x}-0000-7000-8000-{n:012x}"
        schedule, at, log = NEW_CARD, START + timedelta(minutes=n), []
        for r in range(reviews):
            rating = Rating(rng.choices([1, 2, 3, 4], weights=[10, 10, 70, 10])[0])
            log.append(LoggedReview(f"{card_id}-{r}", card_id, int(rating), at, config_id))
            schedule = apply_review(schedule, rating, at, settings, card_id)
            assert schedule.due is not None
            late = timedelta(hours=rng.choice([0, 0, 0, 2, 20, 60]))
            at = max(schedule.due + late, at + timedelta(seconds=30))
        logs[card_id] = log
    return logs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    settings = SchedulerSettings()
    logs = make_logs(args.cards, args.reviews, settings)
    by_id = {settings.config_id: settings}
    total = args.cards * args.reviews

    def replay_all() -> None:
        for card_id, log in logs.items():
            replay(card_id, log, by_id)

    def steps_only(apply: Callable[..., Schedule] = apply_review) -> None:
        for card_id, log in logs.items():
            schedule = NEW_CARD
            for review in log:
                schedule = apply(
                    schedule, Rating(review.rating), review.reviewed_at, settings, card_id
                )

    print(f"{args.cards:,} cards x {args.reviews} reviews = {total:,} steps, {args.runs} runs")
    works: dict[str, Callable[[], None]] = {
        "replay (sync's per card)": replay_all,
        "apply_review": steps_only,
        "through fsrs.Scheduler": lambda: steps_only(reference_fsrs_review),
    }
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(args.runs):
        for name, work in works.items():
            start = time.perf_counter()
            work()
            times[name].append((time.perf_counter() - start) / total * 1e6)
    for name, found in times.items():
        print(
            f"  {name:26} best {min(found):5.2f} us/step  median {statistics.median(found):5.2f}"
            f" us/step  (1,000,000 reviews: {min(found):.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
