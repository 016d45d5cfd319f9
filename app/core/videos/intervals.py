"""What was watched, from the append-only log of intervals: pure functions, no database.

A video is complete when the union of its watched intervals covers a share of its duration (90%
unless the learner sets another). The union does not depend on the order the intervals come in,
or on seeing one twice, so two devices' merged logs give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_COMPLETE_AT = 0.9


def merged(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The union of `(start, end)` intervals as sorted, disjoint, non-touching intervals.
    Empty and reversed intervals add nothing."""
    ordered = sorted((s, e) for s, e in intervals if e > s)
    out: list[tuple[float, float]] = []
    for start, end in ordered:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def covered_seconds(intervals: Iterable[tuple[float, float]], duration_s: float = 0.0) -> float:
    """Seconds covered by the union of the intervals, within [0, duration_s] when a duration is
    given (a log may hold a moment past the end of a file that turned out shorter)."""
    total = 0.0
    for start, end in merged(intervals):
        if duration_s > 0:
            start, end = max(0.0, start), min(duration_s, end)
        if end > start:
            total += end - start
    return total


def watched_fraction(watched_s: float, duration_s: float) -> float:
    if duration_s <= 0:
        return 0.0
    return max(0.0, min(1.0, watched_s / duration_s))


def is_complete(
    intervals: Iterable[tuple[float, float]],
    duration_s: float,
    complete_at: float = DEFAULT_COMPLETE_AT,
) -> bool:
    """Whether the union covers at least `complete_at` of the duration."""
    if duration_s <= 0:
        return False
    return covered_seconds(intervals, duration_s) >= complete_at * duration_s - 1e-9


def plausible(start_s: float, end_s: float, speed: float, wall_s: float) -> bool:
    """Whether `wall_s` seconds of playing at `speed` can have covered start..end: a drag to the
    end, or a clock left running while paused, covers far more media than the time allows."""
    if end_s <= start_s or speed <= 0 or wall_s < 0:
        return False
    return end_s - start_s <= wall_s * speed * 1.25 + 2.0
