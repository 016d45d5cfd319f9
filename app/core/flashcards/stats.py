"""Statistics for charts: reviews per day, true retention, the due forecast, card counts.

Every function takes a deck (with its subdecks) or None for the whole profile, and `now` in the
learner's zone; days are study days (4 am rollover). Undone reviews never count. The due
forecast finds days in SQL with the zone's offset at `now` (around a daylight-saving change a
card due within an hour of 4 am may land on the neighbouring day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.core.flashcards import browser_sql as sql_
from app.core.flashcards.decks import load_tree
from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.db.models.flashcards import QUEUE_LEARNING, QUEUE_REVIEW
from app.db.types import db_time


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


def reviews_per_day(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> tuple[DayReviews, ...]:
    """One entry per study day, oldest first, ending today (days without reviews are zeros).

    A deck's reviews are those made while the card was in it (the log's `deck_id`). Reviews
    are summed per UTC hour in SQL (from the index alone) and each hour is put on its study day
    here, with the zone's own offset for that date. Undone reviews are summed apart and taken
    off."""
    today = StudyDay.of(now)
    first = today.plus(-(days - 1))
    deck_ids = _deck_ids(session, deck_id)
    conn = driver_connection(session)
    params = (db_time(first.start), db_time(today.end))
    by_day: dict[date, list[int]] = {}
    for sign, sql in ((1, sql_.REVIEWS_PER_HOUR), (-1, sql_.UNDONE_PER_HOUR)):
        for row in sql.run(conn, params, deck_ids):
            moment = datetime.fromisoformat(f"{row['hour']}:30:00+00:00")  # hour middles: no edge
            day = StudyDay.of(moment.astimezone(today.zone)).day
            totals = by_day.setdefault(day, [0] * len(_DAY_FIELDS))
            for index, name in enumerate(_DAY_FIELDS):
                totals[index] += sign * int(row[name] or 0)
    return tuple(
        DayReviews(day, *by_day.get(day, [0] * len(_DAY_FIELDS)))
        for day in (first.day + timedelta(days=n) for n in range(days))
    )


_DAY_FIELDS = ("reviews", "again", "hard", "good", "easy", "new_cards", "time_ms")


def true_retention(session: Session, deck_id: str | None, now: datetime) -> tuple[Retention, ...]:
    """Pass rates of review-state cards today, yesterday, and over the last 7, 30 and 365 days."""
    today = StudyDay.of(now)
    # Disjoint buckets, newest first; the periods are sums of them.
    edges = [today.start, today.plus(-1).start, today.plus(-6).start, today.plus(-29).start]
    assert len(edges) == sql_.RETENTION_BUCKETS
    oldest = today.plus(-364).start
    params = (*map(db_time, edges), db_time(oldest), db_time(today.end))
    deck_ids = _deck_ids(session, deck_id)
    conn = driver_connection(session)
    counts = [[0, 0] for _ in range(len(edges) + 1)]  # per bucket: failed, passed
    for sign, sql in ((1, sql_.RETENTION), (-1, sql_.UNDONE_RETENTION)):
        for row in sql.run(conn, params, deck_ids):
            counts[row["bucket"]][int(row["passed"])] += sign * row["answers"]
    periods = [("Today", [0]), ("Yesterday", [1]), ("Last 7 days", [0, 1, 2])]
    periods += [("Last 30 days", [0, 1, 2, 3]), ("Last 365 days", [0, 1, 2, 3, 4])]
    return tuple(
        Retention(
            label,
            passed=sum(counts[b][1] for b in buckets),
            failed=sum(counts[b][0] for b in buckets),
        )
        for label, buckets in periods
    )


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
    (row,) = sql_.CARD_COUNTS.run(conn, (), deck_ids)
    (buried,) = sql_.BURIED_COUNT.run(conn, (db_time(now),), deck_ids)
    new, learning, young, mature, suspended = (
        int(row[name] or 0) for name in ("new", "learning", "young", "mature", "suspended")
    )
    return CardCounts(new, learning, young, mature, suspended, int(buried["buried"] or 0))


def deck_statistics(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> DeckStatistics:
    """Everything the statistics screen shows for a deck (None: the whole profile)."""
    return DeckStatistics(
        reviews=reviews_per_day(session, deck_id, now, days),
        retention=true_retention(session, deck_id, now),
        forecast=due_forecast(session, deck_id, now, 30),
        counts=card_counts(session, deck_id, now),
        deck_id=deck_id,
        days=days,
    )
