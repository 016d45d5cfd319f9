"""The Review view's database work. Every function here runs on a TaskRunner worker, never on
the GUI thread: each does one step of the review loop through the pane's `ReviewSession` (or a
session of its own for other writes) and returns a frozen record the GUI shows as it is (card
markdown already made safe for display)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.courses.markdown import display_markdown
from app.core.flashcards.browser import CardFilter, count_cards
from app.core.flashcards.cards import CardUndo
from app.core.flashcards.queue import DeckCounts
from app.core.flashcards.review import REVIEW_CHANGES, NextCard, SessionSummary, session_summary
from app.core.opening import OpenProfile

if TYPE_CHECKING:
    from app.core.flashcards.optimise import Optimised
    from app.core.flashcards.review_session import ReviewSession
    from app.core.progress import Progress


def local_now() -> datetime:
    """Now in the learner's zone: the study day turns over at 4 am there."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class ReviewStep:
    """What the review pane shows next: the card (with its sides ready for display) or the
    empty state, and the summary of the session when it has just run out of cards."""

    deck_id: str | None
    next: NextCard
    front: str
    back: str
    has_cards: bool  # the selection holds any live card at all (suspended ones too)
    summary: SessionSummary | None


@dataclass(frozen=True)
class Answered:
    """An answer written and the step after it. `undo` is what takes it back: a review id
    (`undo_answer`) or the values a suspend/bury replaced (`undo_card_change`)."""

    undo: str | CardUndo | None
    label: str  # names it after "Undid the ..."
    note: str  # what the pane says about it
    step: ReviewStep
    changes: Change


def media_dir(opened: OpenProfile) -> Path:
    return opened.profile.media_dir


class ReviewSessions:
    """The Review pane's review session (one per open profile, moved from deck to deck). Made
    and used on worker threads only (it opens a connection of its own), one step at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: ReviewSession | None = None

    @contextmanager
    def use(self, opened: OpenProfile, deck_id: str | None) -> Iterator[ReviewSession]:
        """The session, on this deck, for one step (other threads wait their turn)."""
        from app.core.flashcards.review_session import ReviewSession

        with self._lock:
            current = self._session
            if current is None or current.closed or current.database is not opened.database:
                current = self._session = ReviewSession(opened.database, deck_id)
            else:
                current.select(deck_id)
            yield current

    def flush(self) -> None:
        with self._lock:
            if self._session is not None and not self._session.closed:
                self._session.flush()


def step_from(
    opened: OpenProfile,
    deck_id: str | None,
    session_ids: Sequence[str],
    now: datetime,
    found: NextCard,
) -> ReviewStep:
    """The step to show for this card (sides made safe for display) or the empty state."""
    folder = media_dir(opened)
    if found.card is not None:
        front = display_markdown(found.card.front, folder)
        back = display_markdown(found.card.back, folder)
        return ReviewStep(deck_id, found, front, back, True, None)
    with opened.database.read_session() as session:
        has_cards = found.next_due_at is not None or (
            count_cards(session, CardFilter(deck_id=deck_id), now) > 0
        )
        summary = session_summary(session, session_ids) if session_ids else None
    return ReviewStep(deck_id, found, "", "", has_cards, summary)


def read_step(
    opened: OpenProfile,
    sessions: ReviewSessions,
    deck_id: str | None,
    session_ids: Sequence[str],
) -> ReviewStep:
    now = local_now()
    with sessions.use(opened, deck_id) as review:
        found = review.current(now)
    return step_from(opened, deck_id, session_ids, now, found)


def answer(
    opened: OpenProfile,
    sessions: ReviewSessions,
    card_id: str,
    rating: int,
    duration_ms: int,
    deck_id: str | None,
    session_ids: Sequence[str],
) -> Answered:
    """One round trip of the loop: the answer and the next card. Its commit follows: `settle`,
    queued right behind on the write thread, commits it and announces it."""
    now = local_now()
    with sessions.use(opened, deck_id) as review:
        result, found = review.answer(card_id, rating, duration_ms, now)
    step = step_from(opened, deck_id, [*session_ids, result.review_id], now, found)
    note = f"{result.rating.name.title()}: due again in {result.interval_label}"
    return Answered(result.review_id, "answer", note, step, Change.NONE)


def settle(sessions: ReviewSessions) -> Change:
    """Commit the last answer; what it changed, to announce (raises UserError if it could not
    be saved: the card then comes back)."""
    sessions.flush()
    return REVIEW_CHANGES


def set_aside(
    opened: OpenProfile,
    sessions: ReviewSessions,
    card_id: str,
    how: str,
    deck_id: str | None,
    session_ids: Sequence[str],
) -> Answered:
    """Suspend (`how` = "suspend") or bury ("bury") a card, then the next one."""
    from app.core.flashcards.cards import bury_cards, set_suspended

    now = local_now()
    with sessions.use(opened, deck_id) as review:
        review.flush()
        with opened.database.write_session() as session:
            if how == "suspend":
                change = set_suspended(session, [card_id], True)
            else:
                change = bury_cards(session, [card_id], now)
        found = review.current(now)
    step = step_from(opened, deck_id, session_ids, now, found)
    if how == "suspend":
        label, note = "suspension", "Suspended: it stays out of reviews until unsuspended"
    else:
        label, note = "burying", "Buried until tomorrow"
    return Answered(change.undo, label, note, step, change.changes)


def undo(
    opened: OpenProfile,
    sessions: ReviewSessions,
    token: str | CardUndo,
    deck_id: str | None,
    session_ids: Sequence[str],
) -> Answered:
    """Take back an answer or a suspend/bury, then show what is next (usually that card)."""
    from app.core.flashcards.cards import undo_card_change
    from app.core.flashcards.review import undo_answer

    now = local_now()
    with sessions.use(opened, deck_id) as review:
        review.flush()
        with opened.database.write_session() as session:
            if isinstance(token, str):
                changes = undo_answer(session, token, now).changes
                session_ids = [i for i in session_ids if i != token]
            else:
                changes = undo_card_change(session, token, now)
        found = review.current(now)
    step = step_from(opened, deck_id, session_ids, now, found)
    return Answered(None, "undo", "", step, changes)


def read_decks(opened: OpenProfile) -> tuple[DeckCounts, ...]:
    from app.core.flashcards.queue import deck_list

    with opened.database.read_session() as session:
        return deck_list(session, local_now())


def read_due_today(opened: OpenProfile) -> tuple[DeckCounts, ...]:
    from app.core.flashcards.queue import due_today

    with opened.database.read_session() as session:
        return due_today(session, local_now())


# --- decks and cards ---------------------------------------------------------------------------

DECK_CHANGES = Change.DECKS


def create_deck(opened: OpenProfile, name: str, parent_id: str | None) -> Change:
    from app.core.flashcards.decks import create_deck as create

    with opened.database.write_session() as session:
        create(session, name, parent_id)
    return DECK_CHANGES


def rename_deck(opened: OpenProfile, deck_id: str, name: str) -> Change:
    from app.core.flashcards.decks import rename_deck as rename

    with opened.database.write_session() as session:
        return rename(session, deck_id, name)


def move_deck(opened: OpenProfile, deck_id: str, parent_id: str | None) -> Change:
    from app.core.flashcards.decks import move_deck as move

    with opened.database.write_session() as session:
        return move(session, deck_id, parent_id)


def delete_deck(opened: OpenProfile, deck_id: str) -> Change:
    from app.core.flashcards.decks import delete_deck as delete

    with opened.database.write_session() as session:
        return delete(session, deck_id)


@dataclass(frozen=True)
class DeckOptions:
    scheduler: str
    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    learning_steps: tuple[int, ...]  # seconds
    fsrs_parameters: tuple[float, ...] | None = None  # None: unchanged; (): the defaults


def optimise_deck(opened: OpenProfile, deck_id: str, progress: Progress) -> Optimised:
    """Fit FSRS to the reviews of this deck and its subdecks (nothing is saved). The reading
    session is closed before the fit, which runs in a child process and can be cancelled."""
    from app.core.flashcards.decks import load_tree
    from app.core.flashcards.optimise import card_histories, fit_parameters

    now = local_now()
    with opened.database.read_session() as session:
        current = load_tree(session).by_id(deck_id).settings("fsrs").parameters
        histories = card_histories(session, deck_id, now)
    return fit_parameters(histories, current, progress)


def save_deck_options(opened: OpenProfile, deck_id: str, options: DeckOptions) -> Change:
    from app.core.flashcards.decks import update_deck_settings

    with opened.database.write_session() as session:
        update_deck_settings(
            session,
            deck_id,
            scheduler=options.scheduler,
            desired_retention=options.desired_retention,
            new_per_day=options.new_per_day,
            reviews_per_day=options.reviews_per_day,
            learning_steps=options.learning_steps,
            fsrs_parameters=options.fsrs_parameters,
        )
    return DECK_CHANGES


@dataclass(frozen=True)
class CardText:
    """What the card editor saves: `card_id` None adds a new card."""

    card_id: str | None
    deck_id: str | None  # None: a "Default" deck, made if need be (a profile with no decks)
    front: str
    back: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SavedCard:
    card_id: str
    changes: Change


def save_card(opened: OpenProfile, text: CardText) -> SavedCard:
    """Add the card, or change its text, tags and deck, in one transaction."""
    from app.core.flashcards.browser import get_card
    from app.core.flashcards.cards import add_card, edit_card, move_cards
    from app.core.flashcards.decks import ensure_deck

    with opened.database.write_session() as session:
        deck_id = text.deck_id or ensure_deck(session, "Default").id
        if text.card_id is None:
            change = add_card(session, deck_id, text.front, text.back, tags=text.tags)
            # a Default deck may be new
            return SavedCard(change.card_ids[0], change.changes | Change.DECKS)
        moved = get_card(session, text.card_id).deck_id != deck_id
        edit_card(session, text.card_id, front=text.front, back=text.back, tags=text.tags)
        if moved:
            move_cards(session, [text.card_id], deck_id)
    return SavedCard(text.card_id, Change.CARDS | Change.TAGS)


def preview(opened: OpenProfile, front: str, back: str) -> tuple[str, str]:
    """Both sides made safe for display (reads the media folder, so off the GUI thread)."""
    folder = media_dir(opened)
    return display_markdown(front, folder), display_markdown(back, folder)


def store_image(opened: OpenProfile, path: Path) -> str:
    """Copy an image into the profile's media folder; returns the markdown that shows it."""
    from app.core.flashcards.media import media_link, store_media
    from app.errors import UserError

    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"Could not read {path}: {error.strerror or error}") from None
    return media_link(store_media(media_dir(opened), data), path.stem)
