"""The union of watched intervals and the fractional order keys: pure functions, property-tested."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.videos.intervals import covered_seconds, is_complete, merged, plausible
from app.core.videos.ordering import key_between, keys_between

times = st.floats(min_value=0, max_value=3600, allow_nan=False, allow_infinity=False)
intervals = st.lists(st.tuples(times, times), max_size=60)


@given(intervals, st.randoms())
def test_the_union_does_not_depend_on_order(found: list[tuple[float, float]], rng: random.Random):
    shuffled = list(found)
    rng.shuffle(shuffled)
    assert merged(shuffled) == merged(found)
    assert covered_seconds(shuffled, 3600) == covered_seconds(found, 3600)


@given(intervals, intervals)
def test_merging_two_devices_logs_is_idempotent_and_commutative(
    ours: list[tuple[float, float]], theirs: list[tuple[float, float]]
):
    both = merged(ours + theirs)
    assert merged(theirs + ours) == both
    assert merged(both + ours) == both  # seeing a device's log twice changes nothing
    assert merged(both) == both


@given(intervals)
def test_the_union_is_disjoint_sorted_and_never_longer_than_its_parts(
    found: list[tuple[float, float]],
):
    union = merged(found)
    assert all(start < end for start, end in union)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(union))
    covered = covered_seconds(found)
    assert covered <= sum(max(0.0, e - s) for s, e in found) + 1e-6
    assert covered <= max((e for _s, e in found), default=0.0)


def test_completion_counts_what_was_watched_not_how_often():
    # Watching the first half ten times is not watching the video.
    assert not is_complete([(0, 50)] * 10, 100)
    assert is_complete([(0, 50), (40, 91)], 100)
    assert not is_complete([(0, 50), (40, 89)], 100)
    assert is_complete([(0, 80)], 100, complete_at=0.8)
    assert covered_seconds([(90, 130)], 100) == 10  # past the end does not count


def test_a_drag_to_the_end_or_a_clock_left_running_is_not_plausible_watching():
    assert plausible(0, 60, 1.0, 60)
    assert plausible(0, 120, 2.0, 60)
    assert not plausible(0, 600, 1.0, 3)  # dragged to the end
    assert not plausible(10, 5, 1.0, 5)


def test_ten_thousand_intervals_merge_to_the_same_seconds_in_any_order():
    rng = random.Random(7)
    log = [(s, s + rng.uniform(1, 40)) for s in (rng.uniform(0, 3000) for _ in range(10_000))]
    expected = covered_seconds(log, 3000)
    rng.shuffle(log)
    assert covered_seconds(log, 3000) == pytest.approx(expected)


keys = st.text(alphabet="123456789abcxyzABZ", min_size=1, max_size=6)


@given(st.lists(keys, min_size=2, max_size=2, unique=True))
def test_a_key_between_two_sorts_between_them(pair: list[str]):
    low, high = sorted(pair)
    middle = key_between(low, high)
    assert low < middle < high
    assert key_between(None, low) < low and key_between(high, None) > high


@given(st.integers(min_value=0, max_value=300))
def test_many_keys_at_once_are_increasing_and_short(count: int):
    made = keys_between(None, None, count)
    assert made == sorted(made) and len(set(made)) == count
    assert all(len(key) <= 4 for key in made)


def test_keys_bounds_are_checked():
    with pytest.raises(ValueError):
        key_between("b", "a")
    with pytest.raises(ValueError):
        key_between("a0", None)  # a key never ends in the zero digit
    appended = [key_between(None, None)]
    for _ in range(200):
        appended.append(key_between(appended[-1], None))
    assert appended == sorted(appended) and len(appended[-1]) < 40


def test_the_tracker_counts_only_time_played() -> None:
    from app.core.videos.tracking import IntervalTracker

    tracker = IntervalTracker()
    tracker.play(0.0, 1.0, wall=100.0)
    assert tracker.position(5.0, wall=105.0) == []
    (first,) = tracker.position(60.0, wall=105.5)  # a drag to later: closes what was played
    assert (first.start_s, first.end_s, first.wall_s) == (0.0, 5.0, 5.0)
    assert tracker.position(62.0, wall=107.5) == []
    (second,) = tracker.pause(62.0, wall=107.5)
    assert (second.start_s, second.end_s) == (60.0, 62.0)
    # Paused in the background for an hour: nothing is open, nothing counts.
    assert tracker.position(62.0, wall=3707.5) == [] and tracker.pause(62.0, 3707.5) == []


def test_the_tracker_keeps_one_speed_per_interval_and_flushes() -> None:
    from app.core.videos.tracking import IntervalTracker

    tracker = IntervalTracker()
    tracker.play(10.0, 1.0, wall=0.0)
    tracker.position(20.0, wall=10.0)
    (slow,) = tracker.set_speed(20.0, 2.0, wall=10.0)
    assert (slow.speed, slow.end_s) == (1.0, 20.0)
    tracker.position(40.0, wall=20.0)
    (fast,) = tracker.flush(40.0, wall=20.0)
    assert (fast.start_s, fast.end_s, fast.speed, fast.wall_s) == (20.0, 40.0, 2.0, 10.0)
    assert tracker.playing and tracker.current() == (40.0, 40.0)
    # Reports running ahead of the clock never make an interval longer than the time allows.
    tracker.position(40.9, wall=20.1)
    (capped,) = tracker.pause(40.9, wall=20.1)
    assert capped.end_s <= 40.0 + 0.1 * 2.0 * 1.1 + 1.0
