"""One review step of a card's schedule, with FSRS (the `fsrs` package's step, written out
below, its arithmetic in `fsrs_formulas`) or SM-2. Pure: no database.

Replaying a card's log is folding `apply_review` over its reviews sorted by (time, id), so the
result must depend on nothing but its arguments: FSRS fuzz is drawn from a generator seeded with
the card id and the number of reviews before (never the global `random`), and every review names
the settings it was made with (`SchedulerSettings`, stored content-addressed).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from functools import cached_property, lru_cache
from typing import Any

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

from app.core.flashcards.fsrs_formulas import FsrsConstants, fuzzed_days
from app.core.flashcards.records import quick_init
from app.db.models.flashcards import STATE_LEARNING, STATE_NEW, STATE_RELEARNING, STATE_REVIEW

CONFIG_NAMESPACE = uuid.UUID("6d1f6a8e-3c52-4d7b-9b0e-2f4a9c1e7d35")

SM2_START_EASE = 2.5
SM2_MIN_EASE = 1.3
MATURE_DAYS = 21  # a review card with an interval this long or longer is "mature"


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


_RATINGS = {int(rating): rating for rating in Rating}


def as_rating(value: int) -> Rating:
    """`Rating(value)` (ValueError if it is none), looked up: an answer and every replay step
    make one."""
    return _RATINGS.get(value) or Rating(value)


# SM-2 grades answers 0-5; the four buttons map to these (below 3 is a failure).
SM2_QUALITY = {Rating.AGAIN: 1, Rating.HARD: 3, Rating.GOOD: 4, Rating.EASY: 5}


@quick_init
@dataclass(frozen=True)
class Schedule:
    """A card's schedule after some reviews (the cached columns of `cards`).

    `step` is the FSRS learning/relearning step, or for SM-2 the repetition number n (successful
    reviews in a row). `interval_days` is 0 while the card is due again the same day.
    """

    state: int = STATE_NEW
    step: int | None = None
    due: datetime | None = None
    stability: float | None = None
    difficulty: float | None = None
    ease: float | None = None
    interval_days: int = 0
    reps: int = 0
    lapses: int = 0
    last_review: datetime | None = None


NEW_CARD = Schedule()


# A settings row is content-addressed and carries this fixed creation time, so the same row made
# on two devices is identical.
CONFIG_CREATED_AT = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SchedulerSettings:
    """Everything a review's outcome depends on besides the card and the answer."""

    kind: str = "fsrs"  # fsrs | sm2
    desired_retention: float = 0.9
    learning_steps: tuple[int, ...] = (60, 600)  # seconds
    relearning_steps: tuple[int, ...] = (600,)
    maximum_interval: int = 36500  # days
    parameters: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)

    def as_json(self) -> dict[str, Any]:
        if self.kind == "sm2":
            return {"kind": "sm2", "maximum_interval": self.maximum_interval}
        return {
            "kind": "fsrs",
            "desired_retention": self.desired_retention,
            "learning_steps": list(self.learning_steps),
            "relearning_steps": list(self.relearning_steps),
            "maximum_interval": self.maximum_interval,
            "parameters": list(self.parameters),
        }

    @cached_property
    def config_id(self) -> str:
        """The content address of these settings: equal settings, equal id, on any device."""
        return _config_id(json.dumps(self.as_json(), sort_keys=True, separators=(",", ":")))

    @cached_property
    def fsrs_constants(self) -> FsrsConstants:
        """What FSRS computes from these settings alone, computed once (ValueError: parameters
        out of bounds)."""
        return FsrsConstants(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SchedulerSettings:
        if data.get("kind") == "sm2":
            return cls(kind="sm2", maximum_interval=int(data.get("maximum_interval", 36500)))
        return cls(
            kind="fsrs",
            desired_retention=float(data["desired_retention"]),
            learning_steps=tuple(int(s) for s in data["learning_steps"]),
            relearning_steps=tuple(int(s) for s in data["relearning_steps"]),
            maximum_interval=int(data["maximum_interval"]),
            parameters=tuple(float(p) for p in data["parameters"]),
        )


@lru_cache(maxsize=256)
def _config_id(canonical: str) -> str:
    return str(uuid.uuid5(CONFIG_NAMESPACE, canonical))


def apply_review(
    schedule: Schedule, rating: Rating, at: datetime, settings: SchedulerSettings, card_id: str
) -> Schedule:
    """The schedule after answering `rating` at `at` (aware) with these settings."""
    at = at.astimezone(UTC)
    if settings.kind == "sm2":
        return _sm2_review(schedule, rating, at, settings)
    return _fsrs_review(schedule, rating, at, settings, card_id)


def preview_intervals(
    schedule: Schedule, at: datetime, settings: SchedulerSettings, card_id: str
) -> dict[Rating, timedelta]:
    """How long until the card is due again after each answer (what the buttons show)."""
    result = {}
    for rating in Rating:
        after = apply_review(schedule, rating, at, settings, card_id)
        assert after.due is not None
        result[rating] = after.due - at.astimezone(UTC)
    return result


def format_interval(interval: timedelta) -> str:
    """A short label for an interval: 1m, 10m, 3h, 4d, 2.5mo, 1.2y."""
    seconds = max(interval.total_seconds(), 0)
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(1, round(minutes))}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


# --- FSRS ---------------------------------------------------------------------------------------
#
# The step of the `fsrs` package's `Scheduler.review_card` (fsrs 6.3), written out here without
# its Card objects, copies and keyword calls: sync replays every review of a profile through it.
# Every float is the same expression, evaluated in the same order, as the package's (constants of
# the settings computed once, in `fsrs_formulas.FsrsConstants`), so the results are equal bit for
# bit; the tests compare it with the package on thousands of random reviews.

_LEARNING, _REVIEW, _RELEARNING = (
    int(fsrs.State.Learning),
    int(fsrs.State.Review),
    int(fsrs.State.Relearning),
)


def _fsrs_review(
    schedule: Schedule, rating: Rating, at: datetime, settings: SchedulerSettings, card_id: str
) -> Schedule:
    f = settings.fsrs_constants
    r = int(rating)
    state = schedule.state
    # The card as the package would get it (see its Card): from SM-2, a review card.
    if state == STATE_NEW:
        state, step, stability, difficulty, last = _LEARNING, 0, None, None, None
    elif schedule.stability is None or schedule.difficulty is None:
        ease = schedule.ease or SM2_START_EASE
        state, step, last = _REVIEW, None, schedule.last_review
        stability = float(max(schedule.interval_days, 1))
        difficulty = min(10.0, max(1.0, 5.0 + (SM2_START_EASE - ease) * 4.0))
    else:
        if state not in (_LEARNING, _REVIEW, _RELEARNING):
            raise ValueError(f"{state} is not a valid State")
        step = None if state == _REVIEW else (schedule.step or 0)
        stability, difficulty, last = schedule.stability, schedule.difficulty, schedule.last_review
    days_since = (at - last).days if last else None
    interval: timedelta | None = None
    if state == _REVIEW:
        assert stability is not None and difficulty is not None
        if days_since is not None and days_since < 1:
            stability = f.short_term_stability(stability, r)
        else:
            stability = f.next_stability(difficulty, stability, last, at, r)
        difficulty = f.next_difficulty(difficulty, r)
        if r == 1 and f.relearning:
            state, step, interval = _RELEARNING, 0, f.relearning[0]
    else:
        # Learning or relearning: the same rules, each with its own steps.
        if stability is None or difficulty is None:  # a new card
            stability, difficulty = f.initial_stability[r], f.initial_difficulty[r]
        elif days_since is not None and days_since < 1:
            stability = f.short_term_stability(stability, r)
            difficulty = f.next_difficulty(difficulty, r)
        else:
            stability = f.next_stability(difficulty, stability, last, at, r)
            difficulty = f.next_difficulty(difficulty, r)
        steps, hard = (
            (f.learning, f.learning_hard)
            if state == _LEARNING
            else (
                f.relearning,
                f.relearning_hard,
            )
        )
        assert step is not None
        # More steps done than the settings have now (they changed): graduate.
        if not steps or (step >= len(steps) and r != 1):
            state, step = _REVIEW, None
        elif r == 1:
            step, interval = 0, steps[0]
        elif r == 2:
            interval = hard if step == 0 else steps[step]
        elif r == 3 and step + 1 < len(steps):
            step += 1
            interval = steps[step]
        else:  # Good on the last step, or Easy
            state, step = _REVIEW, None
    interval_days = 0
    if interval is None:  # a review card: whole days, fuzzed
        assert stability is not None
        days = f.next_interval(stability)
        if days >= 2.5:
            days = fuzzed_days(days, f.maximum, f"{card_id}:{schedule.reps}")
        interval_days = days
        due = at + timedelta(days=days)
    else:
        due = at + interval
    lapse = schedule.state == STATE_REVIEW and r == 1
    return Schedule(
        state,
        step,
        due,
        stability,
        difficulty,
        None,
        interval_days,
        schedule.reps + 1,
        schedule.lapses + (1 if lapse else 0),
        at,
    )


# --- SM-2 ---------------------------------------------------------------------------------------


def _sm2_review(
    schedule: Schedule, rating: Rating, at: datetime, settings: SchedulerSettings
) -> Schedule:
    """SM-2 as the older question bank had it.

    Ease starts at 2.5 and is updated on every review by the SM-2 formula, never below 1.3.
    A quality of 3 or more advances the repetition number n: intervals 1 day, 6 days, then
    round(interval x ease) with the ease from before this review. Below 3 resets n to 0 and the
    interval to 1 day.
    """
    quality = SM2_QUALITY[rating]
    ease = schedule.ease if schedule.ease is not None else SM2_START_EASE
    if schedule.ease is not None:
        repetitions = schedule.step or 0
    elif schedule.state == STATE_REVIEW:
        repetitions = 2  # reviewed with FSRS until now: carry its interval on
    else:
        repetitions = 0
    if quality >= 3:
        if repetitions == 0:
            interval = 1
        elif repetitions == 1:
            interval = 6
        else:
            interval = round(max(schedule.interval_days, 1) * ease)
        repetitions += 1
    else:
        repetitions = 0
        interval = 1
    interval = min(interval, settings.maximum_interval)
    grade = 5 - quality
    ease = max(SM2_MIN_EASE, ease + 0.1 - grade * (0.08 + grade * 0.02))
    lapse = quality < 3 and schedule.state in (STATE_REVIEW, STATE_RELEARNING)
    return Schedule(
        state=STATE_REVIEW,
        step=repetitions,
        due=at + timedelta(days=interval),
        stability=None,
        difficulty=None,
        ease=ease,
        interval_days=interval,
        reps=schedule.reps + 1,
        lapses=schedule.lapses + (1 if lapse else 0),
        last_review=at,
    )


def is_learning(state: int) -> bool:
    return state in (STATE_LEARNING, STATE_RELEARNING)
