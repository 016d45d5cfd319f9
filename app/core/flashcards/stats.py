"""Statistics for charts: reviews per day, true retention, the due forecast, card counts.

Every function takes a deck (with its subdecks) or None for the whole profile, and `now` in the
learner's zone; days are study days (4 am rollover). Undone reviews never count. Reviews and
true retention are summed per study day in SQLite, one range of the reviews' time index per day
between the zone's own 4 am on each date (a year of 400,000 reviews: about 0.1 s). The due
forecast finds days in SQL with the zone's offset at `now` (around a daylight-saving change a
card due within an hour of 4 am may land on the neighbouring day).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.core.flashcards import browser_sql as sql_
from app.core.flashcards.decks import load_tree
from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SUSPENDED,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.types import db_time, from_db_time


@dataclass(frozen=True)
class DayReviews:
    day: date
    reviews: int
    again: int
    hard: int
    good: int
    easy: int
    new_cards: int
    time_ms: int


@dataclass(frozen=True)
class Retention:
    """True retention over a period: the share of review-state cards remembered (not Again)."""

    label: str  # Today | Yesterday | Last 7 days | Last 30 days | Last 365 days
    passed: int
    failed: int

    @property
    def rate(self) -> float | None:
        total = self.passed + self.failed
        return self.passed / total if total else None


@dataclass(frozen=True)
class ForecastDay:
    day: date  # the first day also holds everything overdue
    learning: int
    review: int


@dataclass(frozen=True)
class CardCounts:
    new: int
    learning: int
    young: int  # review cards with an interval under 21 days
    mature: int
    suspended: int
    buried: int  # also counted in their own state above

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended


@dataclass(frozen=True)
class DeckStatistics:
    reviews: tuple[DayReviews, ...]
    retention: tuple[Retention, ...]
    forecast: tuple[ForecastDay, ...]
    counts: CardCounts
    deck_id: str | None = None  # what they are of: a deck and its subdecks, or everything
    days: int = 30  # the study days `reviews` covers

    @property
    def has_reviews(self) -> bool:
        """Anything ever reviewed: a review in the period, or a card past its first answer."""
        reviewed = any(day.reviews for day in self.reviews)
        return reviewed or self.counts.learning + self.counts.young + self.counts.mature > 0


def _deck_ids(session: Session, deck_id: str | None) -> list[str] | None:
    """The deck and its subdecks; None for the whole profile."""
    return None if deck_id is None else load_tree(session).subtree_ids(deck_id)


# Per study day, in this order: what `DayReviews` holds, then the review-state answers
# remembered and forgotten (true retention).
_DAY_FIELDS = ("reviews", "again", "hard", "good", "easy", "new_cards", "time_ms")
_TOTALS = (*_DAY_FIELDS, "passed", "failed")
RETENTION_DAYS = 365


def _daily_totals(
    conn: sqlite3.Connection, deck_ids: list[str] | None, first: StudyDay, count: int
) -> list[list[int]]:
    """The totals (`_TOTALS`) of `count` study days from `first`, undone reviews left out.

    Each day is one range of the reviews' time index, summed in SQLite (`DAY_TOTALS`): its
    bounds are the zone's own 4 am on that date, so days are exact across daylight-saving
    changes. The few undone reviews are read apart and taken off the day they belong to."""
    days = [first.plus(n) for n in range(count)]
    totals = []
    for day in days:
        (row,) = sql_.DAY_TOTALS.run(conn, (db_time(day.start), db_time(day.end)), deck_ids)
        totals.append([int(row[name] or 0) for name in _TOTALS])
    if not days:
        return totals
    params = (db_time(days[0].start), db_time(days[-1].end))
    for row in sql_.UNDONE_REVIEWS.run(conn, params, deck_ids):
        moment = from_db_time(row["reviewed_at"]).astimezone(first.zone)
        index = (StudyDay.of(moment).day - first.day).days
        if not 0 <= index < count:
            continue
        rating, state, line = row["rating"], row["state_before"], totals[index]
        undone = (1, rating == 1, rating == 2, rating == 3, rating == 4, state == STATE_NEW)
        for position, taken in enumerate((*undone, row["duration_ms"] or 0)):
            line[position] -= int(taken)
        if state == STATE_REVIEW:
            line[_TOTALS.index("passed" if rating > 1 else "failed")] -= 1
    return totals


def reviews_per_day(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> tuple[DayReviews, ...]:
    """One entry per study day, oldest first, ending today (days without reviews are zeros).

    A deck's reviews are those made while the card was in it (the log's `deck_id`); undone
    reviews are left out."""
    first = StudyDay.of(now).plus(-(days - 1))
    totals = _daily_totals(driver_connection(session), _deck_ids(session, deck_id), first, days)
    return _day_reviews(first, totals[-days:] if days else [])


def _day_reviews(first: StudyDay, totals: list[list[int]]) -> tuple[DayReviews, ...]:
    width = len(_DAY_FIELDS)
    return tuple(
        DayReviews(first.day + timedelta(days=n), *line[:width]) for n, line in enumerate(totals)
    )


def true_retention(session: Session, deck_id: str | None, now: datetime) -> tuple[Retention, ...]:
    """Pass rates of review-state cards today, yesterday, and over the last 7, 30 and 365 days."""
    first = StudyDay.of(now).plus(-(RETENTION_DAYS - 1))
    conn = driver_connection(session)
    totals = _daily_totals(conn, _deck_ids(session, deck_id), first, RETENTION_DAYS)
    return _retention(totals)


def _retention(totals: list[list[int]]) -> tuple[Retention, ...]:
    """From the totals of the last 365 study days, oldest first (today last)."""
    passed, failed = _TOTALS.index("passed"), _TOTALS.index("failed")
    periods = [("Today", 1, 0), ("Yesterday", 2, 1), ("Last 7 days", 7, 0)]
    periods += [("Last 30 days", 30, 0), ("Last 365 days", 365, 0)]
    found = []
    for label, back, skip in periods:  # the last `back` days, less the newest `skip`
        lines = totals[len(totals) - back : len(totals) - skip]
        found.append(
            Retention(
                label,
                passed=sum(line[passed] for line in lines),
                failed=sum(line[failed] for line in lines),
            )
        )
    return tuple(found)


def due_forecast(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> tuple[ForecastDay, ...]:
    """Cards falling due on each of the next `days` study days (today holds the overdue)."""
    today = StudyDay.of(now)
    last = today.plus(days - 1)
    shift = f"{day_shift_seconds(now):+d} seconds"
    params = (shift, today.day.isoformat(), db_time(last.end))
    found: dict[str, dict[int, int]] = {}
    rows = sql_.FORECAST.run(driver_connection(session), params, _deck_ids(session, deck_id))
    for row in rows:
        found.setdefault(row["day"], {})[row["queue"]] = row["cards"]
    return tuple(
        ForecastDay(
            day,
            found.get(day.isoformat(), {}).get(QUEUE_LEARNING, 0),
            found.get(day.isoformat(), {}).get(QUEUE_REVIEW, 0),
        )
        for day in (today.day + timedelta(days=n) for n in range(days))
    )


def card_counts(session: Session, deck_id: str | None, now: datetime) -> CardCounts:
    """How many cards are new, learning, young, mature, suspended (and buried) now.

    Both from indexes: every state by queue, then the buried few by `buried_until`."""
    deck_ids = _deck_ids(session, deck_id)
    conn = driver_connection(session)
    by_queue = {row["queue"]: row for row in sql_.CARD_COUNTS.run(conn, (), deck_ids)}
    (buried,) = sql_.BURIED_COUNT.run(conn, (db_time(now),), deck_ids)

    def cards(queue: int) -> int:
        row = by_queue.get(queue)
        return int(row["cards"]) if row is not None else 0

    review = by_queue.get(QUEUE_REVIEW)
    young = int(review["young"]) if review is not None else 0
    return CardCounts(
        new=cards(QUEUE_NEW),
        learning=cards(QUEUE_LEARNING),
        young=young,
        mature=cards(QUEUE_REVIEW) - young,
        suspended=cards(QUEUE_SUSPENDED),
        buried=int(buried["buried"] or 0),
    )


def deck_statistics(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> DeckStatistics:
    """Everything the statistics screen shows for a deck (None: the whole profile)."""
    # One pass over the days both need: the reviews' days and the retention's year.
    span = max(days, RETENTION_DAYS)
    first = StudyDay.of(now).plus(-(span - 1))
    totals = _daily_totals(driver_connection(session), _deck_ids(session, deck_id), first, span)
    return DeckStatistics(
        reviews=_day_reviews(first.plus(span - days), totals[span - days :]),
        retention=_retention(totals[span - RETENTION_DAYS :]),
        forecast=due_forecast(session, deck_id, now, 30),
        counts=card_counts(session, deck_id, now),
        deck_id=deck_id,
        days=days,
    )
