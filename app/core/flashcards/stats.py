"""Statistics for charts: reviews per day, true retention, the due forecast, card counts.

Every function takes a deck (with its subdecks) or None for the whole profile, and `now` in the
learner's zone; days are study days (4 am rollover). Undone reviews never count. The due
forecast finds days in SQL with the zone's offset at `now` (around a daylight-saving change a
card due within an hour of 4 am may land on the neighbouring day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.core.flashcards.decks import load_tree
from app.core.flashcards.scheduling import MATURE_DAYS
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SUSPENDED,
    STATE_NEW,
    STATE_REVIEW,
)
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


def _deck_filter(session: Session, deck_id: str | None, column: str) -> tuple[str, list[object]]:
    if deck_id is None:
        return "", []
    ids = load_tree(session).subtree_ids(deck_id)
    return f" AND {column} IN ({', '.join('?' * len(ids))})", list(ids)


# (queue, due, deck_id, interval_days): covers the card counts; named so the planner cannot
# prefer the deck index and read 100,000 rows instead.
_QUEUE_INDEX = "ix_cards_queue_due_deck_id_interval_days"


def _conn(session: Session) -> Connection:
    return session.connection()


def _undone_rows(session: Session, select_sql: str, where: str, params: list[object]) -> list[Any]:
    """The same aggregate over undone reviews only (few), to take off the totals."""
    return list(
        _conn(session)
        .exec_driver_sql(
            f"SELECT {select_sql} FROM card_reviews r WHERE r.id IN "
            f"(SELECT review_id FROM card_review_undos){where}",
            tuple(params),
        )
        .all()
    )


def reviews_per_day(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> tuple[DayReviews, ...]:
    """One entry per study day, oldest first, ending today (days without reviews are zeros).

    A deck's reviews are those made while the card was in it (the log's `deck_id`). Reviews
    are summed per UTC hour in SQL (from the index alone) and each hour is put on its study day
    here, with the zone's own offset for that date."""
    today = StudyDay.of(now)
    first = today.plus(-(days - 1))
    deck_where, deck_params = _deck_filter(session, deck_id, "r.deck_id")
    columns = (
        "substr(r.reviewed_at, 1, 13) AS hour, count(*), "
        "sum(r.rating = 1), sum(r.rating = 2), sum(r.rating = 3), sum(r.rating = 4), "
        f"sum(r.state_before = {STATE_NEW}), sum(r.duration_ms)"
    )
    where = f" AND r.reviewed_at >= ? AND r.reviewed_at < ?{deck_where} GROUP BY hour"
    params: list[object] = [db_time(first.start), db_time(today.end), *deck_params]
    rows = _conn(session).exec_driver_sql(
        f"SELECT {columns} FROM card_reviews r WHERE 1{where}", tuple(params)
    )
    by_day: dict[date, list[int]] = {}
    for sign, found in ((1, list(rows)), (-1, _undone_rows(session, columns, where, params))):
        for hour, *values in found:
            moment = datetime.fromisoformat(f"{hour}:30:00+00:00")  # hour middles: no edge
            day = StudyDay.of(moment.astimezone(today.zone)).day
            totals = by_day.setdefault(day, [0] * 7)
            for index, value in enumerate(values):
                totals[index] += sign * int(value or 0)
    return tuple(
        DayReviews(day, *by_day.get(day, [0] * 7))
        for day in (first.day + timedelta(days=n) for n in range(days))
    )


def true_retention(session: Session, deck_id: str | None, now: datetime) -> tuple[Retention, ...]:
    """Pass rates of review-state cards today, yesterday, and over the last 7, 30 and 365 days."""
    today = StudyDay.of(now)
    # Disjoint buckets, newest first; the periods are sums of them.
    edges = [today.start, today.plus(-1).start, today.plus(-6).start, today.plus(-29).start]
    oldest = today.plus(-364).start
    bucket = " ".join(f"WHEN r.reviewed_at >= ? THEN {n}" for n in range(len(edges)))
    columns = f"CASE {bucket} ELSE {len(edges)} END AS bucket, r.rating > 1, count(*)"
    deck_where, deck_params = _deck_filter(session, deck_id, "r.deck_id")
    where = (
        f" AND r.state_before = {STATE_REVIEW} AND r.reviewed_at >= ? AND r.reviewed_at < ?"
        f"{deck_where} GROUP BY bucket, r.rating > 1"
    )
    params: list[object] = [*map(db_time, edges), db_time(oldest), db_time(today.end)]
    params += deck_params
    rows = _conn(session).exec_driver_sql(
        f"SELECT {columns} FROM card_reviews r WHERE 1{where}", tuple(params)
    )
    counts = [[0, 0] for _ in range(len(edges) + 1)]  # per bucket: failed, passed
    for sign, found in ((1, list(rows)), (-1, _undone_rows(session, columns, where, params))):
        for bucket_index, passed, count in found:
            counts[bucket_index][int(passed)] += sign * count
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
    where, params = _deck_filter(session, deck_id, "deck_id")
    shift = f"{day_shift_seconds(now):+d} seconds"
    rows = _conn(session).exec_driver_sql(
        "SELECT max(date(substr(due, 1, 19), ?), ?) AS day, queue, count(*) FROM cards "
        f"WHERE queue IN ({QUEUE_LEARNING}, {QUEUE_REVIEW}) AND due < ?{where} "
        "GROUP BY day, queue",
        (shift, today.day.isoformat(), db_time(last.end), *params),
    )
    found: dict[str, dict[int, int]] = {}
    for day, queue, count in rows:
        found.setdefault(day, {})[queue] = count
    return tuple(
        ForecastDay(
            day,
            found.get(day.isoformat(), {}).get(QUEUE_LEARNING, 0),
            found.get(day.isoformat(), {}).get(QUEUE_REVIEW, 0),
        )
        for day in (today.day + timedelta(days=n) for n in range(days))
    )


def card_counts(session: Session, deck_id: str | None, now: datetime) -> CardCounts:
    """How many cards are new, learning, young, mature, suspended (and buried) now."""
    where, params = _deck_filter(session, deck_id, "deck_id")
    conn = _conn(session)
    # Both from indexes: every state by queue, then the buried few by `buried_until`.
    row = conn.exec_driver_sql(
        f"SELECT sum(queue = {QUEUE_NEW}), sum(queue = {QUEUE_LEARNING}), "
        f"sum(queue = {QUEUE_REVIEW} AND interval_days < {MATURE_DAYS}), "
        f"sum(queue = {QUEUE_REVIEW} AND interval_days >= {MATURE_DAYS}), "
        f"sum(queue = {QUEUE_SUSPENDED}) FROM cards INDEXED BY {_QUEUE_INDEX} "
        f"WHERE queue >= {QUEUE_SUSPENDED}{where}",
        tuple(params),
    ).one()
    buried = conn.exec_driver_sql(
        f"SELECT count(*) FROM cards WHERE buried_until > ? AND +queue >= 0{where}",
        (db_time(now), *params),
    ).scalar()
    new, learning, young, mature, suspended = (int(value or 0) for value in row)
    return CardCounts(new, learning, young, mature, suspended, int(buried or 0))


def deck_statistics(
    session: Session, deck_id: str | None, now: datetime, days: int = 30
) -> DeckStatistics:
    """Everything the statistics screen shows for a deck (None: the whole profile)."""
    return DeckStatistics(
        reviews=reviews_per_day(session, deck_id, now, days),
        retention=true_retention(session, deck_id, now),
        forecast=due_forecast(session, deck_id, now, 30),
        counts=card_counts(session, deck_id, now),
    )
