"""Fit a deck's FSRS parameters to the learner's own reviews (Anki's "Optimize").

The fitting is done by `fsrs-rs-python`, the Rust FSRS that Anki itself uses (a 0.6 MB wheel
with no dependencies; the `fsrs` package's own optimiser would pull in torch). Both packages
use the same 21 FSRS-6 parameters, so what is fitted here schedules through `fsrs` unchanged.

The evidence is each card's review log, in study days: for every review after a card's first,
the history up to it is one training item. Undone reviews are left out, and so are cards whose
log does not start with their first answer as a new card (an import that brought only part of
a history). The fit is kept only if it predicts the learner's answers better than the
parameters the deck has now (log loss over the same items), as Anki does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import fsrs_rs_python as fsrs_rs
from sqlalchemy.orm import Session

from app.core.flashcards.decks import load_tree
from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import day_shift_seconds
from app.db.models.flashcards import STATE_NEW
from app.errors import UserError

MIN_REVIEWS = 400  # fewer, and a fit says more about chance than about the learner

# Each live review of the selected decks' live cards, per card in time order, with its study
# day as a day number (the zone's offset at `now`, as the statistics use).
_HISTORY_SQL = (
    "SELECT r.card_id, r.rating, r.state_before, "
    "CAST(julianday(date(substr(r.reviewed_at, 1, 19), ?)) AS INTEGER) "
    "FROM card_reviews r JOIN cards c ON c.id = r.card_id "
    "WHERE c.deleted_at IS NULL AND c.deck_id IN ({}) "
    "AND r.id NOT IN (SELECT review_id FROM card_review_undos) "
    "ORDER BY r.card_id, r.reviewed_at"
)


@dataclass(frozen=True)
class Optimised:
    """The outcome of a fit, and how well the old and new parameters predict the reviews."""

    parameters: tuple[float, ...]
    reviews: int  # reviews the fit learned from
    cards: int
    log_loss_before: float
    log_loss_after: float
    rmse_before: float  # the binned prediction error, as a fraction
    rmse_after: float

    @property
    def improves(self) -> bool:
        return self.log_loss_after < self.log_loss_before


def card_histories(session: Session, deck_id: str, now: datetime) -> list[list[tuple[int, int]]]:
    """Per card of the deck and its subdecks: (rating, days since the previous review)."""
    deck_ids = load_tree(session).subtree_ids(deck_id)
    shift = f"{day_shift_seconds(now):+d} seconds"
    sql = _HISTORY_SQL.format(",".join("?" * len(deck_ids)))
    rows = driver_connection(session).execute(sql, (shift, *deck_ids))
    histories: list[list[tuple[int, int]]] = []
    card, last_day, complete = None, 0, False
    for card_id, rating, state_before, day in rows:
        if card_id != card:
            card, complete = card_id, state_before == STATE_NEW
            if complete:
                histories.append([])
            last_day = day
        if complete:
            histories[-1].append((int(rating), int(day - last_day)))
            last_day = day
    return histories


def _items(
    histories: list[list[tuple[int, int]]],
) -> tuple[list[fsrs_rs.FSRSItem], list[fsrs_rs.FSRSItem]]:
    """Training items (each review after a card's first, with the history before it) and the
    ones to score a fit with (those whose last review came on a later day)."""
    train: list[fsrs_rs.FSRSItem] = []
    scored: list[fsrs_rs.FSRSItem] = []
    for history in histories:
        reviews = [fsrs_rs.FSRSReview(rating, days) for rating, days in history]
        later_day = False
        for index in range(1, len(history)):
            later_day = later_day or history[index][1] > 0
            if not later_day:
                continue  # same-day steps only so far: nothing for the long-term model yet
            item = fsrs_rs.FSRSItem(reviews[: index + 1])
            train.append(item)
            if history[index][1] > 0:
                scored.append(item)
    return train, scored


def optimise_parameters(
    session: Session, deck_id: str, now: datetime, current: tuple[float, ...]
) -> Optimised:
    """Fit FSRS parameters to the reviews of this deck and its subdecks. `current`: the
    parameters the deck uses now (the fit is compared with them). Raises UserError when there
    are too few reviews to learn from."""
    histories = card_histories(session, deck_id, now)
    reviews = sum(len(history) for history in histories)
    train, scored = _items(histories)
    if reviews < MIN_REVIEWS or not scored:
        raise UserError(
            f"This deck has {reviews:,} reviews to learn from; optimising needs at least "
            f"{MIN_REVIEWS:,}. Keep reviewing with the default parameters and try again later."
        )
    try:
        fitted = tuple(float(p) for p in fsrs_rs.FSRS(list(current)).compute_parameters(train))
        before = fsrs_rs.FSRS(list(current)).evaluate(scored)
        after = fsrs_rs.FSRS(list(fitted)).evaluate(scored)
    except ValueError as error:  # fsrs-rs refuses data it cannot fit ("InvalidInput")
        raise UserError(
            f"FSRS could not learn from these reviews ({error}). The deck keeps its parameters."
        ) from None
    return Optimised(
        parameters=fitted,
        reviews=reviews,
        cards=len(histories),
        log_loss_before=float(before.log_loss),
        log_loss_after=float(after.log_loss),
        rmse_before=float(before.rmse_bins),
        rmse_after=float(after.rmse_bins),
    )
