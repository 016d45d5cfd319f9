"""The flashcard review workload, forecast day by day from the real FSRS state of the cards.

`fsrs-rs-python`'s simulator was the first choice, but its `simulate` starts every deck from
new cards (only `optimal_retention` accepts existing cards) and takes one set of parameters per
run; it cannot start from this collection's stabilities and due dates. So this is an equivalent
built on `fsrs` (the scheduler the reviews themselves use): an expected-value simulation.

Each card is a mass of 1 on the day it is first due. A review on day d moves that mass forward
along every outcome at once, weighted by its probability: recalled (Hard / Good / Easy, in the
proportions FSRS's own simulator assumes) with probability R, the card's retrievability when
reviewed, or forgotten (Again) with 1 - R, which adds the relearning steps' reviews that day
and continues from the post-lapse stability. The new stability, difficulty and next interval
are `fsrs.Scheduler`'s own formulas with the deck's parameters, desired retention and maximum
interval. Cards are grouped in cells of nearly equal stability (10 % apart), difficulty (a
point) and retrievability when first reviewed (2 points), so a whole collection costs a few
thousand transitions, not one per card per review.

A new card introduced on day d costs its learning steps that day and then follows the same
chain from its first-day stability: `new_card_reviews` is that response, which the scheduler
adds for every new card it places (the reviews the plan's own new cards cause).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import fsrs

# FSRS's simulator defaults: how recalled answers split between Hard, Good and Easy.
RECALL_SPLIT = ((fsrs.Rating.Hard, 0.224), (fsrs.Rating.Good, 0.632), (fsrs.Rating.Easy, 0.144))
# A new card's first answers: Again, then the learning steps (FSRS's simulator first_rating_prob).
FIRST_AGAIN = 0.24
_S_STEP = math.log(1.1)
_D_STEP = 1.0
_R_STEP = 0.02
MIN_MASS = 1e-3  # below this, a cell's mass is dropped (well under one review in the plan)


@dataclass(frozen=True)
class CardModel:
    """The scheduler settings a deck's cards are reviewed with."""

    parameters: tuple[float, ...]
    desired_retention: float = 0.9
    maximum_interval: int = 36500
    learning_steps: int = 2
    relearning_steps: int = 1


def stability_cell(stability: float) -> int:
    return round(math.log(max(stability, 0.01)) / _S_STEP)


def difficulty_cell(difficulty: float) -> int:
    return round(min(max(difficulty, 1.0), 10.0) / _D_STEP)


@dataclass
class _Chain:
    """The outcomes of reviewing a card of one cell on time (memoised per model)."""

    model: CardModel
    scheduler: fsrs.Scheduler = field(init=False)
    _cells: dict[tuple[int, int], tuple[float, tuple[tuple[int, int, int, float], ...]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.scheduler = fsrs.Scheduler(
            parameters=self.model.parameters,
            desired_retention=self.model.desired_retention,
            maximum_interval=self.model.maximum_interval,
            enable_fuzzing=False,
        )

    def interval(self, stability: float) -> int:
        return int(self.scheduler._next_interval(stability=stability))

    def retrievability(self, stability: float, elapsed: float) -> float:
        s = self.scheduler
        return float((1 + s._FACTOR * max(elapsed, 0.0) / max(stability, 0.01)) ** s._DECAY)

    def outcomes(
        self, stability: float, difficulty: float, recall: float
    ) -> tuple[float, tuple[tuple[int, int, int, float], ...]]:
        """(reviews that day, ((days until next, s cell, d cell, probability), ...))."""
        s = self.scheduler
        steps = self.model.relearning_steps
        result: list[tuple[int, int, int, float]] = []
        for rating, share in RECALL_SPLIT:
            new_s = s._next_stability(
                difficulty=difficulty, stability=stability, retrievability=recall, rating=rating
            )
            new_d = s._next_difficulty(difficulty=difficulty, rating=rating)
            result.append(
                (
                    self.interval(new_s),
                    stability_cell(new_s),
                    difficulty_cell(new_d),
                    recall * share,
                )
            )
        lapsed = s._next_stability(
            difficulty=difficulty,
            stability=stability,
            retrievability=recall,
            rating=fsrs.Rating.Again,
        )
        for _ in range(steps):
            lapsed = s._short_term_stability(stability=lapsed, rating=fsrs.Rating.Good)
        lapsed_d = s._next_difficulty(difficulty=difficulty, rating=fsrs.Rating.Again)
        forgot = 1.0 - recall
        result.append(
            (self.interval(lapsed), stability_cell(lapsed), difficulty_cell(lapsed_d), forgot)
        )
        return 1.0 + forgot * steps, tuple(result)

    def on_time(
        self, cell: tuple[int, int]
    ) -> tuple[float, tuple[tuple[int, int, int, float], ...]]:
        found = self._cells.get(cell)
        if found is None:
            stability = math.exp(cell[0] * _S_STEP)
            difficulty = min(max(cell[1] * _D_STEP, 1.0), 10.0)
            recall = self.retrievability(stability, self.interval(stability))
            found = self._cells[cell] = self.outcomes(stability, difficulty, recall)
        return found

    def first_cell(self) -> tuple[int, int]:
        """The cell of a new card after its learning steps (answered Good)."""
        s = self.scheduler
        stability = s._initial_stability(rating=fsrs.Rating.Good)
        for _ in range(self.model.learning_steps):
            stability = s._short_term_stability(stability=stability, rating=fsrs.Rating.Good)
        difficulty = s._initial_difficulty(rating=fsrs.Rating.Good, clamp=True)
        return stability_cell(stability), difficulty_cell(difficulty)


@lru_cache(maxsize=32)
def _chain(model: CardModel) -> _Chain:
    return _Chain(model)


def _run(
    chain: _Chain, due: list[dict[tuple[int, int], float]], reviews: list[float]
) -> list[float]:
    horizon = len(reviews)
    for day in range(horizon):
        cells = due[day]
        if not cells:
            continue
        total = 0.0
        for cell, mass in cells.items():
            if mass < MIN_MASS:
                continue
            per_card, outcomes = chain.on_time(cell)
            total += mass * per_card
            for offset, s_cell, d_cell, probability in outcomes:
                target = day + offset
                if target < horizon:
                    bucket = due[target]
                    key = (s_cell, d_cell)
                    bucket[key] = bucket.get(key, 0.0) + mass * probability
        reviews[day] += total
        due[day] = {}
    return reviews


# Upper bounds of the stability cells: a card's cell is found by bisection (no logarithm per card).
S_BOUNDS = tuple(math.exp((cell + 0.5) * _S_STEP) for cell in range(-50, 120))
S_FIRST_CELL = -50


def recall_curve(model: CardModel) -> tuple[float, float]:
    """(factor, decay) of the model's forgetting curve: R = (1 + factor * t / S) ** decay."""
    scheduler = _chain(model).scheduler
    return float(scheduler._FACTOR), float(scheduler._DECAY)


def tally_cards(
    tally: dict[tuple[int, int, int, int], float],
    curve: tuple[float, float],
    cards: Iterable[tuple[int, float, float, float]],
) -> None:
    """Count studied cards, each (first due day, stability, difficulty, days since its last
    review on that day), in `tally` by (day, stability cell, difficulty, its retrievability then
    in steps of 2 %); pass the tally to `existing_reviews`."""
    factor, decay = curve
    bounds, get = S_BOUNDS, tally.get
    for day, stability, difficulty, elapsed in cards:
        stability = stability if stability > 0.01 else 0.01
        recall = (1 + factor * (elapsed if elapsed > 0 else 0.0) / stability) ** decay
        key = (
            day if day > 0 else 0,
            bisect_left(bounds, stability),
            round(difficulty),
            round(recall * 50),
        )
        tally[key] = get(key, 0.0) + 1.0


def existing_reviews(
    model: CardModel, tally: dict[tuple[int, int, int, int], float], horizon: int
) -> list[float]:
    """Expected reviews per day (index 0 = today) of the cards already studied in `tally`."""
    chain = _chain(model)
    reviews = [0.0] * horizon
    due: list[dict[tuple[int, int], float]] = [{} for _ in range(horizon)]
    memo: dict[tuple[int, int, int], tuple[float, tuple[tuple[int, int, int, float], ...]]] = {}
    for (day, s_index, d_cell, r_cell), mass in tally.items():
        if day >= horizon:
            continue
        found = memo.get((s_index, d_cell, r_cell))
        if found is None:
            stability = math.exp((s_index + S_FIRST_CELL) * _S_STEP)
            difficulty = min(max(d_cell * _D_STEP, 1.0), 10.0)
            found = memo[(s_index, d_cell, r_cell)] = chain.outcomes(
                stability, difficulty, r_cell * _R_STEP
            )
        per_card, outcomes = found
        reviews[day] += mass * per_card
        for offset, next_s, next_d, probability in outcomes:
            target = day + offset
            if target < horizon:
                bucket = due[target]
                bucket[(next_s, next_d)] = bucket.get((next_s, next_d), 0.0) + mass * probability
    return _run(chain, due, reviews)


def learning_reviews(model: CardModel, count: float) -> float:
    """Reviews `count` cards in (re)learning take today to graduate."""
    return count * (1.0 + FIRST_AGAIN) * max(model.learning_steps, 1)


@lru_cache(maxsize=64)
def new_card_reviews(model: CardModel, horizon: int) -> tuple[float, ...]:
    """Expected reviews caused by one new card introduced on day 0, day by day (day 0: its
    first answer and learning steps, an Again restarting them)."""
    chain = _chain(model)
    reviews = [0.0] * horizon
    if horizon == 0:
        return ()
    reviews[0] = (1.0 + FIRST_AGAIN) * (1 + model.learning_steps)
    due: list[dict[tuple[int, int], float]] = [{} for _ in range(horizon)]
    cell = chain.first_cell()
    first = chain.interval(math.exp(cell[0] * _S_STEP))
    if first < horizon:
        due[first][cell] = 1.0
    return tuple(_run(chain, due, reviews))


def combined(per_model: Sequence[Sequence[float]], horizon: int) -> list[float]:
    total = [0.0] * horizon
    for series in per_model:
        for day, value in enumerate(series[:horizon]):
            total[day] += value
    return total
