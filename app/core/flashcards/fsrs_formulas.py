"""FSRS's arithmetic for one settings row, as the `fsrs` package (6.3) computes it: the
constants of the settings computed once (`FsrsConstants`), the next stability, difficulty and
interval, the Hard interval of a first (re)learning step, and the fuzz of a review interval
(`fuzzed_days`). Pure: no database, no global state.

Every float is the same expression, evaluated in the same order, as the package's, so the results
are equal bit for bit; `scheduling._fsrs_review` (the step: which state, which step, when due)
calls these, and the tests compare the step with the package on thousands of random reviews.
Fuzz is drawn from a generator seeded by its caller (never the global `random`), so replaying a
card's log gives the same schedule on every device.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import fsrs
from fsrs.scheduler import FUZZ_RANGES

if TYPE_CHECKING:
    from app.core.flashcards.scheduling import SchedulerSettings

_STABILITY_MIN = 0.001
_FUZZ = tuple((f["start"], f["end"], f["factor"]) for f in FUZZ_RANGES)
_E = math.e


class FsrsConstants:
    """One settings' FSRS constants (what `fsrs.Scheduler` recomputes on every review)."""

    __slots__ = (
        "decay",
        "delta",
        "factor",
        "forget_short",
        "initial_difficulty",
        "initial_stability",
        "interval_factor",
        "keep",
        "learning",
        "learning_hard",
        "maximum",
        "p",
        "recall",
        "relearning",
        "relearning_hard",
        "reversion",
        "short_term",
    )

    def __init__(self, settings: SchedulerSettings) -> None:
        # Refuses parameters out of bounds (ValueError), as it always did.
        scheduler = fsrs.Scheduler(
            parameters=settings.parameters,
            desired_retention=settings.desired_retention,
            learning_steps=[timedelta(seconds=s) for s in settings.learning_steps],
            relearning_steps=[timedelta(seconds=s) for s in settings.relearning_steps],
            maximum_interval=settings.maximum_interval,
            enable_fuzzing=False,
        )
        p = self.p = scheduler.parameters
        self.decay = -p[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.interval_factor = (scheduler.desired_retention ** (1 / self.decay)) - 1
        self.maximum = scheduler.maximum_interval
        self.learning = scheduler.learning_steps
        self.learning_hard = _hard_first_step(self.learning)
        self.relearning = scheduler.relearning_steps
        self.relearning_hard = _hard_first_step(self.relearning)
        # By rating (index 1-4; 0 unused): the first stability and difficulty, the short-term
        # stability factor, the difficulty's move.
        ratings = (1, 2, 3, 4)
        self.initial_stability = (0.0, *(max(p[r - 1], _STABILITY_MIN) for r in ratings))
        self.initial_difficulty = (
            0.0,
            *(min(max(p[4] - (_E ** (p[5] * (r - 1))) + 1, 1.0), 10.0) for r in ratings),
        )
        self.short_term = (0.0, *(_E ** (p[17] * (r - 3 + p[18])) for r in ratings))
        self.delta = (0.0, *(-(p[6] * (r - 3)) for r in ratings))
        easy_difficulty: float = p[4] - (_E ** (p[5] * (4 - 1))) + 1  # unclamped
        self.reversion = p[7] * easy_difficulty
        self.keep = 1 - p[7]
        self.recall = _E ** (p[8])
        self.forget_short = _E ** (p[17] * p[18])

    def short_term_stability(self, stability: float, rating: int) -> float:
        increase: float = self.short_term[rating] * (stability ** -self.p[19])
        if rating != 1:
            increase = max(increase, 1.0)
        return max(stability * increase, _STABILITY_MIN)

    def next_difficulty(self, difficulty: float, rating: int) -> float:
        damped = difficulty + (10.0 - difficulty) * self.delta[rating] / 9.0
        return min(max(self.reversion + self.keep * damped, 1.0), 10.0)

    def next_stability(
        self,
        difficulty: float,
        stability: float,
        last_review: datetime | None,
        at: datetime,
        rating: int,
    ) -> float:
        p = self.p
        if last_review is None:
            retrievability: float = 0
        else:
            elapsed = max(0, (at - last_review).days)
            retrievability = (1 + self.factor * elapsed / stability) ** self.decay
        found: float
        if rating == 1:
            long_term: float = (
                p[11]
                * (difficulty ** -p[12])
                * (((stability + 1) ** (p[13])) - 1)
                * (_E ** ((1 - retrievability) * p[14]))
            )
            found = min(long_term, stability / self.forget_short)
        else:
            hard_penalty = p[15] if rating == 2 else 1
            easy_bonus = p[16] if rating == 4 else 1
            found = stability * (
                1
                + self.recall
                * (11 - difficulty)
                * (stability ** -p[9])
                * ((_E ** ((1 - retrievability) * p[10])) - 1)
                * hard_penalty
                * easy_bonus
            )
        return max(found, _STABILITY_MIN)

    def next_interval(self, stability: float) -> int:
        days: int = round((stability / self.factor) * self.interval_factor)
        return min(max(days, 1), self.maximum)


def _hard_first_step(steps: tuple[timedelta, ...]) -> timedelta | None:
    """Hard on the first (re)learning step: 1.5 x a single step, else between the first two."""
    if len(steps) == 1:
        return steps[0] * 1.5
    if len(steps) >= 2:
        return (steps[0] + steps[1]) / 2.0
    return None


def fuzzed_days(days: int, maximum: int, seed: str) -> int:
    """The `fsrs` package's fuzz ranges, drawn from a generator seeded by `seed`."""
    if days < 2.5:
        return days
    delta = 1.0
    for start, end, factor in _FUZZ:
        delta += factor * max(min(float(days), end) - start, 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum)
    low = min(low, high)
    return min(math.floor(_draw(seed) * (high - low + 1)) + low, maximum)


@lru_cache(maxsize=16)
def _draw(seed: str) -> float:
    """The first draw of a generator seeded with `seed` (remembered a little: the previews of
    the answer buttons and the answer itself draw with the same seed)."""
    return random.Random(seed).random()
