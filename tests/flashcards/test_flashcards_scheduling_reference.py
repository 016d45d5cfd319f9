"""`apply_review` gives exactly what it gave through the `fsrs` package's `Scheduler.review_card`
(the reference below is that implementation, kept as it was): the same stability, difficulty,
due time and fuzz, bit for bit, on thousands of random reviews with random settings. Replay on
every device depends on it: a schedule computed by an older version must be computed again the
same."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs
import pytest
from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    FUZZ_RANGES,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

from app.core.flashcards.scheduling import (
    NEW_CARD,
    SM2_START_EASE,
    Rating,
    Schedule,
    SchedulerSettings,
    apply_review,
    preview_intervals,
)
from app.db.models.flashcards import (
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
)

# --- the reference: scheduling.py's FSRS step as it was, through fsrs.Scheduler -----------------


@lru_cache(maxsize=64)
def _reference_scheduler(settings: SchedulerSettings) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=settings.parameters,
        desired_retention=settings.desired_retention,
        learning_steps=[timedelta(seconds=s) for s in settings.learning_steps],
        relearning_steps=[timedelta(seconds=s) for s in settings.relearning_steps],
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=False,
    )


def _reference_card(schedule: Schedule, at: datetime) -> fsrs.Card:
    if schedule.state == STATE_NEW:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=at)
    if schedule.stability is None or schedule.difficulty is None:
        ease = schedule.ease or SM2_START_EASE
        return fsrs.Card(
            card_id=0,
            state=fsrs.State.Review,
            stability=float(max(schedule.interval_days, 1)),
            difficulty=min(10.0, max(1.0, 5.0 + (SM2_START_EASE - ease) * 4.0)),
            due=schedule.due or at,
            last_review=schedule.last_review,
        )
    state = fsrs.State(schedule.state)
    step = schedule.step if state != fsrs.State.Review else None
    if state != fsrs.State.Review and step is None:
        step = 0
    return fsrs.Card(
        card_id=0,
        state=state,
        step=step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=schedule.due or at,
        last_review=schedule.last_review,
    )


def _reference_fuzzed_days(days: int, maximum: int, seed: str) -> int:
    if days < 2.5:
        return days
    delta = 1.0
    for fuzz in FUZZ_RANGES:
        delta += fuzz["factor"] * max(min(float(days), fuzz["end"]) - fuzz["start"], 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum)
    low = min(low, high)
    draw = random.Random(seed).random()
    return min(math.floor(draw * (high - low + 1)) + low, maximum)


def reference_fsrs_review(
    schedule: Schedule, rating: Rating, at: datetime, settings: SchedulerSettings, card_id: str
) -> Schedule:
    at = at.astimezone(UTC)
    seed = f"{card_id}:{schedule.reps}"
    scheduler = _reference_scheduler(settings)
    card, _log = scheduler.review_card(_reference_card(schedule, at), fsrs.Rating(int(rating)), at)
    due = card.due
    interval_days = 0
    if card.state == fsrs.State.Review:
        interval_days = _reference_fuzzed_days((due - at).days, settings.maximum_interval, seed)
        due = at + timedelta(days=interval_days)
    lapse = schedule.state == STATE_REVIEW and rating == Rating.AGAIN
    return Schedule(
        state=int(card.state),
        step=card.step,
        due=due,
        stability=card.stability,
        difficulty=card.difficulty,
        ease=None,
        interval_days=interval_days,
        reps=schedule.reps + 1,
        lapses=schedule.lapses + (1 if lapse else 0),
        last_review=at,
    )


# --- random settings, schedules and reviews -----------------------------------------------------

T0 = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)


def random_settings(rng: random.Random) -> SchedulerSettings:
    if rng.random() < 0.3:
        return SchedulerSettings()
    parameters = tuple(
        DEFAULT_PARAMETERS[i]
        if rng.random() < 0.3
        else rng.uniform(LOWER_BOUNDS_PARAMETERS[i], UPPER_BOUNDS_PARAMETERS[i])
        for i in range(len(DEFAULT_PARAMETERS))
    )
    steps = (rng.choice([30, 60, 90, 300]), rng.choice([600, 900, 1800]), 3600, 86400)
    return SchedulerSettings(
        desired_retention=rng.choice([0.7, 0.8, 0.85, 0.9, 0.95, 0.97]),
        learning_steps=steps[: rng.choice([0, 1, 2, 2, 3, 4])],
        relearning_steps=steps[1 : 1 + rng.choice([0, 1, 1, 2])],
        maximum_interval=rng.choice([36500, 365, 30, 5]),
        parameters=parameters,
    )


def random_gap(rng: random.Random, schedule: Schedule, at: datetime) -> timedelta:
    """Mostly on time, sometimes early or late, sometimes the same minute."""
    roll = rng.random()
    if roll < 0.1:
        return timedelta(seconds=rng.randint(0, 120))
    if roll < 0.2:
        return timedelta(hours=rng.uniform(0, 30))
    due = schedule.due or at
    planned = max(due - at, timedelta(0))
    return planned * rng.uniform(0.5, 1.6) + timedelta(seconds=rng.randint(0, 3600))


def odd_start(rng: random.Random, at: datetime) -> Schedule:
    """Schedules the cache can hold besides a new card: from SM-2, a learning card without a
    step, a card with more steps than the settings have now, a future last review."""
    kind = rng.randrange(5)
    if kind == 0:
        return Schedule(
            state=STATE_REVIEW,
            step=rng.randint(0, 5),
            due=at + timedelta(days=rng.randint(-20, 20)),
            ease=rng.choice([None, 1.3, 2.5, 3.1]),
            interval_days=rng.randint(0, 400),
            reps=rng.randint(1, 9),
            last_review=rng.choice([None, at - timedelta(days=rng.randint(0, 300))]),
        )
    state = rng.choice([STATE_LEARNING, STATE_RELEARNING, STATE_REVIEW])
    return Schedule(
        state=state,
        step=rng.choice([None, 0, 1, 2, 5]),
        due=rng.choice([None, at - timedelta(hours=rng.randint(0, 2000))]),
        stability=rng.choice([0.001, 0.5, 3.0, 40.0, 900.0]),
        difficulty=rng.choice([1.0, 4.2, 9.9, 10.0]),
        interval_days=rng.randint(0, 50),
        reps=rng.randint(1, 20),
        lapses=rng.randint(0, 3),
        last_review=rng.choice(
            [None, at - timedelta(days=rng.randint(0, 400)), at + timedelta(hours=3)]
        ),
    )


@pytest.mark.parametrize("seed", range(8))
def test_fsrs_steps_equal_the_fsrs_package_bit_for_bit(seed: int):
    rng = random.Random(seed)
    steps = 0
    while steps < 500:
        settings = random_settings(rng)
        card_id = f"card-{seed}-{steps}"
        at = T0 + timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86399))
        schedule = NEW_CARD if rng.random() < 0.7 else odd_start(rng, at)
        for _ in range(rng.randint(1, 30)):
            if rng.random() < 0.05:
                settings = random_settings(rng)  # the deck's settings changed
            rating = Rating(rng.choices([1, 2, 3, 4], weights=[15, 10, 65, 10])[0])
            expected = reference_fsrs_review(schedule, rating, at, settings, card_id)
            got = apply_review(schedule, rating, at, settings, card_id)
            assert got == expected, (schedule, rating, at, settings)
            # The same types too (an int where the package had an int, a float where a float).
            assert [type(v) for v in vars(got).values()] == [
                type(v) for v in vars(expected).values()
            ]
            schedule = got
            at += random_gap(rng, schedule, at)
            steps += 1


def test_a_time_in_another_zone_is_the_same_moment():
    zone = datetime(2026, 5, 1, 12, tzinfo=UTC).astimezone().tzinfo
    at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    settings = SchedulerSettings()
    schedule = apply_review(NEW_CARD, Rating.EASY, at, settings, "c")
    later = (at + timedelta(days=9)).astimezone(zone)
    got = apply_review(schedule, Rating.GOOD, later, settings, "c")
    assert got == reference_fsrs_review(schedule, Rating.GOOD, later, settings, "c")
    assert got.last_review is not None and got.last_review.tzinfo is UTC


def test_previews_equal_the_reference():
    settings = SchedulerSettings()
    schedule = apply_review(NEW_CARD, Rating.GOOD, T0, settings, "c")
    schedule = replace(schedule, state=STATE_REVIEW, step=None, stability=20.0)
    at = T0 + timedelta(days=21)
    previews = preview_intervals(schedule, at, settings, "c")
    for rating in Rating:
        expected = reference_fsrs_review(schedule, rating, at, settings, "c")
        assert expected.due is not None
        assert previews[rating] == expected.due - at


def test_parameters_out_of_bounds_are_refused_as_before():
    bad = replace(SchedulerSettings(), parameters=(-1.0, *DEFAULT_PARAMETERS[1:]))
    with pytest.raises(ValueError):
        reference_fsrs_review(NEW_CARD, Rating.GOOD, T0, bad, "c")
    with pytest.raises(ValueError):
        apply_review(NEW_CARD, Rating.GOOD, T0, bad, "c")
