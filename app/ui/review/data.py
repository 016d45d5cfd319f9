"""The Review view's database work. Each step of the review loop is one task on the task runner's
write thread (`current_step`, `answer`, `set_aside`, `undo`): it goes through the pane's
`ReviewLoop`, which has committed by the time it returns, and comes back as a frozen record the
GUI shows as it is (card markdown already made safe for display). The deck list and Today read
on the read pool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.changes import Change
from app.core.courses.markdown import display_markdown
from app.core.flashcards.cards import CardUndo
from app.core.flashcards.queue import DeckCounts
from app.core.flashcards.review import NextCard, SessionSummary, review_summary
from app.core.flashcards.review_loop import ReviewLoop
from app.core.opening import OpenProfile


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
    """An answer (or a suspend, bury or undo) committed and the step after it. `undo` is what
    takes it back: a review id (`ReviewLoop.undo`) or the values a suspend/bury replaced
    (`ReviewLoop.undo_change`)."""

    undo: str | CardUndo | None
    label: str  # names it after "Undid the ..."
    note: str  # what the pane says about it
    step: ReviewStep
    changes: Change
    card_ids: tuple[str, ...] = ()  # the cards `undo` would change back


# Said when Ctrl+Z came after the card of the answer went (deleted, sample content removed).
NOTHING_TO_UNDO = "Nothing to undo: that card is no longer there"


def media_dir(opened: OpenProfile) -> Path:
    return opened.profile.media_dir


class PaneLoop:
    """The review pane's `ReviewLoop`: made by the first write task that needs it, moved from
    deck to deck, made anew for a new database (after a restore). Only write tasks touch it,
    one at a time, so it needs no lock. Its connection is let go when the database closes
    (and a step after that says so rather than open the file again)."""

    def __init__(self) -> None:
        self._loop: ReviewLoop | None = None

    def on(self, opened: OpenProfile, deck_id: str | None) -> ReviewLoop:
        loop = self._loop
        if loop is None or loop.database is not opened.database:
            if loop is not None:
                loop.close()
            loop = self._loop = ReviewLoop(opened.database, deck_id)
        else:
            loop.select(deck_id)
        return loop


@dataclass(frozen=True)
class Studying:
    """What a step works on, as the pane had it when the key was pressed: the profile, the
    pane's loop, the deck (None: all decks) and this session's answers (for its summary)."""

    opened: OpenProfile
    loop: PaneLoop
    deck_id: str | None
    session_ids: tuple[str, ...]

    def review(self) -> ReviewLoop:
        return self.loop.on(self.opened, self.deck_id)

    def step(self, found: NextCard, session_ids: Sequence[str] | None = None) -> ReviewStep:
        """The step to show for this card (sides made safe for display) or the empty state,
        with the summary of `session_ids` (default: this session's answers)."""
        if found.card is not None:
            folder = media_dir(self.opened)
            front = display_markdown(found.card.front, folder)
            back = display_markdown(found.card.back, folder)
            return ReviewStep(self.deck_id, found, front, back, True, None)
        ids = self.session_ids if session_ids is None else session_ids
        summary = review_summary(self.opened.database, ids) if ids else None
        return ReviewStep(self.deck_id, found, "", "", found.has_cards, summary)


def current_step(where: Studying) -> ReviewStep:
    """The card to show now (or the empty state)."""
    return where.step(where.review().current(local_now()))


def answer(where: Studying, card_id: str, rating: int, duration_ms: int) -> Answered:
    """One round trip of the loop: the answer, committed, and the next card (raises
    AnswerNotSaved if the commit failed)."""
    result, found = where.review().answer(card_id, rating, duration_ms, local_now())
    step = where.step(found, [*where.session_ids, result.review_id])
    note = f"{result.rating.name.title()}: due again in {result.interval_label}"
    return Answered(result.review_id, "answer", note, step, result.changes, (card_id,))


def set_aside(where: Studying, card_id: str, how: str) -> Answered:
    """Suspend (`how` = "suspend") or bury ("bury") a card, then the next one."""
    review = where.review()
    if how == "suspend":
        change, found = review.suspend(card_id, local_now())
        label, note = "suspension", "Suspended: it stays out of reviews until unsuspended"
    else:
        change, found = review.bury(card_id, local_now())
        label, note = "burying", "Buried until tomorrow"
    return Answered(change.undo, label, note, where.step(found), change.changes, (card_id,))


def undo(where: Studying, token: str | CardUndo, card_ids: Sequence[str] = ()) -> Answered:
    """Take back an answer or a suspend/bury of `card_ids`, then show what is next (usually that
    card). Nothing is taken back if one of the cards is gone (`NOTHING_TO_UNDO`)."""
    review = where.review()
    if set(card_ids) - live_cards(where.opened, card_ids):
        return Answered(
            None, "undo", NOTHING_TO_UNDO, where.step(review.current(local_now())), Change.NONE
        )
    if isinstance(token, str):
        result, found = review.undo(token, local_now())
        changes = result.changes
        step = where.step(found, [i for i in where.session_ids if i != token])
    else:
        changes, found = review.undo_change(token, local_now())
        step = where.step(found)
    return Answered(None, "undo", "", step, changes)


def live_cards(opened: OpenProfile, card_ids: Sequence[str]) -> frozenset[str]:
    """Which of these cards are still there (not deleted)."""
    if not card_ids:
        return frozenset()
    from app.core.flashcards.reads import browser_rows

    rows = browser_rows(opened.database, list(dict.fromkeys(card_ids)))
    return frozenset(row.id for row in rows if row.state != "deleted")


def read_decks(opened: OpenProfile) -> tuple[DeckCounts, ...]:
    from app.core.flashcards.queue import read_deck_list

    return read_deck_list(opened.database, local_now())


def read_due_today(opened: OpenProfile) -> tuple[DeckCounts, ...]:
    from app.core.flashcards.queue import read_due_today

    return read_due_today(opened.database, local_now())
