"""The review forecast against a simulation with `fsrs` itself: the same cards answered card by
card with `fsrs.Scheduler` (Again with probability 1 - R, else Hard / Good / Easy), many times."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs

from app.core.flashcards.scheduling import SchedulerSettings
from app.core.planner.forecast import (
    RECALL_SPLIT,
    CardModel,
    existing_reviews,
    new_card_reviews,
    recall_curve,
    tally_cards,
)

T0 = datetime(2027, 1, 4, 4, 0, tzinfo=UTC)
DAYS = 60
PARAMETERS = tuple(SchedulerSettings().parameters)


def _cards(count: int, seed: int) -> list[tuple[float, float, float]]:
    """(stability, difficulty, days since the last review now), due within the horizon or not."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        stability = 2.718 ** rng.uniform(0.5, 5.0)
        interval = max(1, round(stability))
        made.append((stability, rng.uniform(2, 9), rng.uniform(0, interval * 1.2)))
    return made


def _simulate(cards: list[tuple[float, float, float]], runs: int) -> list[float]:
    scheduler = fsrs.Scheduler(parameters=PARAMETERS, enable_fuzzing=False)
    rng = random.Random(7)
    per_day = [0.0] * DAYS
    end = T0 + timedelta(days=DAYS)
    for _ in range(runs):
        for stability, difficulty, since in cards:
            last = T0 - timedelta(days=since)
            interval = scheduler._next_interval(stability=stability)
            card = fsrs.Card(state=fsrs.State.Review, stability=stability, difficulty=difficulty,
                             last_review=last, due=last + timedelta(days=interval))  # fmt: skip
            while True:
                at = max(card.due, T0)
                if at >= end:
                    break
                recall = scheduler.get_card_retrievability(card, at)
                if rng.random() >= recall:
                    rating = fsrs.Rating.Again
                else:
                    pick, total = rng.random(), 0.0
                    rating = fsrs.Rating.Good
                    for option, share in RECALL_SPLIT:
                        total += share
                        if pick < total:
                            rating = option
                            break
                if card.state == fsrs.State.Relearning:
                    rating = fsrs.Rating.Good  # the relearning step, answered
                card, _log = scheduler.review_card(card, rating, at)
                per_day[(at - T0).days] += 1
    return [n / runs for n in per_day]


def test_existing_cards_forecast_matches_a_simulation_with_fsrs() -> None:
    cards = _cards(300, seed=3)
    model = CardModel(PARAMETERS)
    tally: dict[tuple[int, int, int, int], float] = {}
    rows = []
    for stability, difficulty, since in cards:
        interval = fsrs.Scheduler(parameters=PARAMETERS)._next_interval(stability=stability)
        day = max(0, int(interval - since))  # overdue cards: today
        rows.append((day, stability, difficulty, since + day))
    tally_cards(tally, recall_curve(model), rows)
    forecast = existing_reviews(model, tally, DAYS)
    simulated = _simulate(cards, runs=12)
    assert abs(sum(forecast) - sum(simulated)) <= 0.08 * sum(simulated)
    for week in range(0, 56, 7):
        expected, got = sum(simulated[week : week + 7]), sum(forecast[week : week + 7])
        assert abs(got - expected) <= 0.2 * expected + 10, (week, got, expected)


def test_a_new_card_costs_its_learning_steps_then_a_few_reviews() -> None:
    response = new_card_reviews(CardModel(PARAMETERS), DAYS)
    assert 3 <= response[0] <= 5  # first answer and two learning steps, an Again restarting
    later = sum(response[1:])
    assert 3 <= later <= 10  # FSRS with the defaults: a handful of reviews in two months
    assert all(value >= 0 for value in response)
