"""One review step: SM-2 exactly as the older question bank had it, FSRS through `fsrs`, and the
determinism replay depends on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.flashcards.scheduling import (
    NEW_CARD,
    Rating,
    Schedule,
    SchedulerSettings,
    apply_review,
    format_interval,
    preview_intervals,
)
from app.db.models.flashcards import STATE_LEARNING, STATE_RELEARNING, STATE_REVIEW

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
SM2 = SchedulerSettings(kind="sm2")
FSRS = SchedulerSettings()


def sm2_run(ratings: list[Rating]) -> list[Schedule]:
    schedule, moment, seen = NEW_CARD, T0, []
    for rating in ratings:
        schedule = apply_review(schedule, rating, moment, SM2, "card")
        seen.append(schedule)
        assert schedule.due is not None
        moment = schedule.due
    return seen


def test_sm2_intervals_are_1_then_6_then_interval_times_ease():
    first, second, third, fourth = sm2_run([Rating.GOOD] * 4)
    assert [s.interval_days for s in (first, second)] == [1, 6]
    # Good is quality 4: the ease stays 2.5 (0.1 - 1 * (0.08 + 1 * 0.02) = 0).
    assert first.ease == pytest.approx(2.5)
    assert third.interval_days == round(6 * 2.5) == 15
    assert fourth.interval_days == round(15 * 2.5) == 38
    assert fourth.due == third.due + timedelta(days=38)
    assert all(s.state == STATE_REVIEW for s in (first, second, third, fourth))


def test_sm2_ease_follows_the_formula_and_never_drops_below_1_3():
    easy = sm2_run([Rating.EASY])[0]
    assert easy.ease == pytest.approx(2.6)  # quality 5: +0.1
    hard = sm2_run([Rating.HARD])[0]
    assert hard.ease == pytest.approx(2.5 - 0.14)  # quality 3
    eases = [s.ease for s in sm2_run([Rating.AGAIN] * 8)]
    assert eases[0] == pytest.approx(2.5 - 0.54)  # quality 1
    assert min(eases) == pytest.approx(1.3)
    assert all(e is not None and e >= 1.3 for e in eases)


def test_sm2_interval_uses_the_ease_from_before_the_review():
    runs = sm2_run([Rating.GOOD, Rating.GOOD, Rating.EASY])
    assert runs[2].interval_days == round(6 * 2.5)  # not 6 * 2.6
    assert runs[2].ease == pytest.approx(2.6)


def test_sm2_quality_below_3_resets_the_repetitions_and_the_interval():
    runs = sm2_run([Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.GOOD])
    lapse = runs[3]
    assert lapse.interval_days == 1
    assert lapse.step == 0
    assert lapse.lapses == 1
    assert lapse.ease == pytest.approx(2.5 - 0.54)
    # Then it starts over: 1 day, 6 days.
    assert [runs[4].interval_days, runs[5].interval_days] == [1, 6]
    assert runs[5].reps == 6


def test_fsrs_learning_steps_then_review_with_the_decks_retention():
    schedule = apply_review(NEW_CARD, Rating.GOOD, T0, FSRS, "c1")
    assert schedule.state == STATE_LEARNING
    assert schedule.due == T0 + timedelta(minutes=10)  # second learning step
    graduated = apply_review(schedule, Rating.GOOD, T0 + timedelta(minutes=10), FSRS, "c1")
    assert graduated.state == STATE_REVIEW
    assert graduated.interval_days >= 1
    assert graduated.reps == 2
    lapsed_at = graduated.due
    assert lapsed_at is not None
    lapsed = apply_review(graduated, Rating.AGAIN, lapsed_at, FSRS, "c1")
    assert lapsed.state == STATE_RELEARNING
    assert lapsed.lapses == 1
    assert lapsed.due == lapsed_at + timedelta(minutes=10)


def test_higher_retention_means_shorter_intervals():
    strict = SchedulerSettings(desired_retention=0.97)
    loose = SchedulerSettings(desired_retention=0.80)
    card = apply_review(NEW_CARD, Rating.EASY, T0, FSRS, "c1")
    at = card.due
    assert at is not None
    short = apply_review(card, Rating.GOOD, at, strict, "c1").interval_days
    long = apply_review(card, Rating.GOOD, at, loose, "c1").interval_days
    assert short < long


def test_a_step_is_a_pure_function_of_its_inputs():
    card = apply_review(NEW_CARD, Rating.EASY, T0, FSRS, "c1")
    at = T0 + timedelta(days=9)
    results = {apply_review(card, Rating.GOOD, at, FSRS, "c1") for _ in range(20)}
    assert len(results) == 1
    # Fuzz differs between cards, within the package's fuzz range.
    intervals = {
        apply_review(card, Rating.GOOD, at, FSRS, f"c{n}").interval_days for n in range(40)
    }
    assert len(intervals) > 1
    assert max(intervals) - min(intervals) <= 12


def test_the_preview_shows_exactly_what_answering_gives():
    card = apply_review(NEW_CARD, Rating.GOOD, T0, FSRS, "c1")
    card = apply_review(card, Rating.GOOD, T0 + timedelta(minutes=10), FSRS, "c1")
    at = T0 + timedelta(days=5)
    preview = preview_intervals(card, at, FSRS, "c1")
    for rating in Rating:
        after = apply_review(card, rating, at, FSRS, "c1")
        assert after.due == at + preview[rating]
    assert preview[Rating.AGAIN] < preview[Rating.HARD] <= preview[Rating.GOOD]
    assert preview[Rating.GOOD] <= preview[Rating.EASY]


def test_settings_are_content_addressed():
    assert SchedulerSettings().config_id == SchedulerSettings().config_id
    assert SchedulerSettings(desired_retention=0.85).config_id != FSRS.config_id
    again = SchedulerSettings.from_json(FSRS.as_json())
    assert again == FSRS and again.config_id == FSRS.config_id


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=4), "4d"),
        (timedelta(days=75), "2.5mo"),
        (timedelta(days=800), "2.2y"),
    ],
)
def test_interval_labels_fit_on_a_button(interval: timedelta, label: str):
    assert format_interval(interval) == label
