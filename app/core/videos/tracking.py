"""Turning what the player reports into watched intervals, without Qt: only time actually played.

The player tells the tracker when playing starts and stops and, while it plays, where it is;
the tracker answers with the intervals to append to the log. An interval is open only while
playing: a pause ends it, so a video left paused in the background adds nothing. A jump that
playing cannot explain (a seek, a drag to the end) ends it at the last position reached by
playing and starts a new one where the jump landed. A speed change ends it too (each interval
has one speed), and so does `flush` (the player flushes every half minute, so a crash loses at
most that much).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Media seconds playing may run ahead of the wall clock (decoder buffering, timer jitter).
JUMP_SLACK_S = 1.0
MIN_INTERVAL_S = 0.5  # shorter ones are not worth a row


@dataclass(frozen=True)
class Interval:
    start_s: float
    end_s: float
    speed: float
    started_at: datetime
    wall_s: float


@dataclass
class _Open:
    start_s: float
    last_s: float
    speed: float
    wall_start: float  # the monotonic clock when it opened
    wall_last: float
    started_at: datetime


class IntervalTracker:
    """Feed it the player's events with a monotonic clock (`wall`, seconds); collect
    the closed intervals each call returns."""

    def __init__(self) -> None:
        self._open: _Open | None = None

    @property
    def playing(self) -> bool:
        return self._open is not None

    def current(self) -> tuple[float, float] | None:
        """The open interval so far (media start, end), for the seek bar."""
        if self._open is None:
            return None
        return (self._open.start_s, self._open.last_s)

    def play(self, media_s: float, speed: float, wall: float, now: datetime | None = None) -> None:
        if self._open is None:
            started = now or datetime.now(UTC)
            self._open = _Open(media_s, media_s, speed, wall, wall, started)

    def position(self, media_s: float, wall: float) -> list[Interval]:
        """Where playing has got to; a jump playing cannot explain closes the interval."""
        current = self._open
        if current is None:
            return []
        elapsed = max(0.0, wall - current.wall_last)
        advanced = media_s - current.last_s
        if -0.25 <= advanced <= elapsed * current.speed + JUMP_SLACK_S:
            current.last_s = max(current.last_s, media_s)
            current.wall_last = wall
            return []
        return self.seek(media_s, wall)

    def seek(self, media_s: float, wall: float) -> list[Interval]:
        """The learner (or the player) moved to `media_s`: what was played so far is closed and,
        if playing, a new interval starts there."""
        current = self._open
        if current is None:
            return []
        closed = self._close()
        self._open = None
        self.play(media_s, current.speed, wall)
        return closed

    def pause(self, media_s: float | None, wall: float) -> list[Interval]:
        """Playing stopped (pause, end, stop, leaving the video)."""
        if media_s is not None:
            closed = self.position(media_s, wall)
            if closed:
                self._open = None
                return closed
        closed = self._close()
        self._open = None
        return closed

    def set_speed(self, media_s: float, speed: float, wall: float) -> list[Interval]:
        if self._open is None:
            return []
        closed = self.pause(media_s, wall)
        self.play(media_s, speed, wall)
        return closed

    def flush(self, media_s: float, wall: float) -> list[Interval]:
        """Close what was played so far and go on playing (a periodic save)."""
        if self._open is None:
            return []
        speed = self._open.speed
        closed = self.pause(media_s, wall)
        self.play(media_s, speed, wall)
        return closed

    def _close(self) -> list[Interval]:
        current = self._open
        if current is None or current.last_s - current.start_s < MIN_INTERVAL_S:
            return []
        wall_s = max(current.wall_last - current.wall_start, 0.0)
        # Never more media than the time allows, whatever the position reports said.
        end_s = min(current.last_s, current.start_s + wall_s * current.speed * 1.1 + 1.0)
        if end_s - current.start_s < MIN_INTERVAL_S:
            return []
        return [Interval(current.start_s, end_s, current.speed, current.started_at, wall_s)]


def ended_at(interval: Interval) -> datetime:
    return interval.started_at + timedelta(seconds=interval.wall_s)
