"""The learner's study day: it starts at 4 am local time (like Anki), not at midnight.

A review at 1 am still belongs to the day before, so a late session does not eat tomorrow's new
cards. The zone is the one `now` carries: pass `datetime.now().astimezone()` (or a `ZoneInfo`
time) from the GUI, an explicit zone in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

ROLLOVER_HOUR = 4


def _zone(now: datetime) -> tzinfo:
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware time in the learner's zone")
    return now.tzinfo


@dataclass(frozen=True)
class StudyDay:
    """One study day: its date, its bounds as UTC instants (`start <= t < end`), its zone."""

    day: date
    start: datetime
    end: datetime
    zone: tzinfo

    @classmethod
    def of(cls, now: datetime, rollover_hour: int = ROLLOVER_HOUR) -> StudyDay:
        zone = _zone(now)
        local = now.astimezone(zone)
        day = (local - timedelta(hours=rollover_hour)).date()
        return cls.for_date(day, zone, rollover_hour)

    @classmethod
    def for_date(cls, day: date, zone: tzinfo, rollover_hour: int = ROLLOVER_HOUR) -> StudyDay:
        start = datetime.combine(day, time(rollover_hour), tzinfo=zone).astimezone(UTC)
        following = day + timedelta(days=1)
        end = datetime.combine(following, time(rollover_hour), tzinfo=zone).astimezone(UTC)
        return cls(day, start, end, zone)

    def plus(self, days: int) -> StudyDay:
        return StudyDay.for_date(self.day + timedelta(days=days), self.zone)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def day_shift_seconds(now: datetime, rollover_hour: int = ROLLOVER_HOUR) -> int:
    """Seconds to add to a UTC time so that its calendar date is its study day.

    Uses the zone offset at `now` (a statistics approximation across daylight-saving changes).
    """
    offset = _zone(now).utcoffset(now) or timedelta(0)
    return int(offset.total_seconds()) - rollover_hour * 3600
