"""Fit a deck's FSRS parameters to the learner's own reviews (Anki's "Optimize").

The fitting is done by `fsrs-rs-python`, the Rust FSRS that Anki itself uses (a 0.6 MB wheel
with no dependencies; the `fsrs` package's own optimiser would pull in torch). Both packages
use the same 21 FSRS-6 parameters, so what is fitted here schedules through `fsrs` unchanged.

The evidence is each card's review log, in study days: for every review on a later day than
the one before it, the history up to it is one item (`fsrs_fit.training_items`). Undone reviews
are left out, and so are cards whose log does not start with their first answer as a new card
(an import that brought only part of a history). The fit runs in a child process (fsrs-rs holds
Python's global lock while it works, which would freeze the window), and is offered only if it
predicts the learner's answers better than the parameters the deck has now (log loss over the
same items), as Anki does.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.core.flashcards import fsrs_fit
from app.core.flashcards.browser_sql import REVIEW_HISTORIES, columns
from app.core.flashcards.decks import load_tree
from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.study_day import day_shift_seconds
from app.core.progress import Progress
from app.db.models.flashcards import STATE_NEW
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

MIN_REVIEWS = 400  # fewer, and a fit says more about chance than about the learner


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
    sql = REVIEW_HISTORIES.expand(decks=len(deck_ids))
    cursor = driver_connection(session).execute(sql, (shift, *deck_ids))
    histories: list[list[tuple[int, int]]] = []
    card, last_day, complete = None, 0, False
    for card_id, rating, state_before, day in columns(
        cursor, "card_id", "rating", "state_before", "day"
    ):
        if card_id != card:
            card, complete = card_id, state_before == STATE_NEW
            if complete:
                histories.append([])
            last_day = day
        if complete:
            histories[-1].append((int(rating), int(day - last_day)))
            last_day = day
    return histories


def fit_parameters(
    histories: list[list[tuple[int, int]]],
    current: tuple[float, ...],
    progress: Progress | None = None,
) -> Optimised:
    """Fit FSRS to these histories in a child process (see `fsrs_fit`), compared with the
    parameters in use (`current`). A cancel (`progress`) stops the child at once. Raises
    UserError when there are too few reviews to learn from or the fit fails."""
    reviews = sum(len(history) for history in histories)
    usable = sum(1 for h in histories for i in range(1, len(h)) if h[i][1] > 0)
    if reviews < MIN_REVIEWS or not usable:
        raise UserError(
            f"This deck has {reviews:,} review{'' if reviews == 1 else 's'} to learn from; "
            f"optimising needs at least {MIN_REVIEWS:,}. Keep reviewing with the default "
            "parameters and try again later."
        )
    context = multiprocessing.get_context("spawn")  # a clean child, on every platform
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=fsrs_fit.fit_in_child, args=(send, histories, list(current)), daemon=True
    )
    child.start()
    send.close()
    try:
        while not receive.poll(0.1):
            if progress is not None:
                progress.check()  # raises Cancelled
            if not child.is_alive() and not receive.poll(0):
                raise UserError("The FSRS fit stopped unexpectedly; the deck keeps its parameters.")
        status, found = receive.recv()
    finally:
        receive.close()
        if child.is_alive():
            child.terminate()
        child.join(5)
    if status != "ok":
        raise UserError(f"FSRS could not learn from these reviews ({found}). Nothing changed.")
    fitted, (loss_before, rmse_before, loss_after, rmse_after) = found
    return Optimised(
        parameters=tuple(fitted),
        reviews=reviews,
        cards=len(histories),
        log_loss_before=loss_before,
        log_loss_after=loss_after,
        rmse_before=rmse_before,
        rmse_after=rmse_after,
    )


def optimise_parameters(
    session: Session,
    deck_id: str,
    now: datetime,
    current: tuple[float, ...],
    progress: Progress | None = None,
) -> Optimised:
    """Read the deck's histories, then fit (`fit_parameters`), holding the session open."""
    return fit_parameters(card_histories(session, deck_id, now), current, progress)


def optimise_deck(
    database: ProfileDatabase,
    deck_id: str,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> Optimised:
    """Fit FSRS to the reviews of this deck and its subdecks; nothing is saved (that is
    `deck_actions.save_fsrs_parameters`). The reading session is closed before the fit, which
    runs in a child process and stops at a cancel. Raises UserError as `fit_parameters` does,
    or for a deck that no longer exists."""
    now = now or datetime.now().astimezone()
    with database.read_session() as session:
        current = load_tree(session).by_id(deck_id).settings("fsrs").parameters
        histories = card_histories(session, deck_id, now)
    return fit_parameters(histories, current, progress)
