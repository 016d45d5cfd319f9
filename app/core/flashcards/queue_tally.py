"""Today's raw counts per deck, kept exact in memory while the learner answers.

`tally_sql.load_tally` reads them in a few indexed queries; `QueueTally.answered` then
applies one answer without touching the database, so the review loop recomputes its counts and
each deck's share of the daily limits (`QueueTally.plan`) in microseconds instead of
milliseconds. The two give the same numbers (tested against a fresh `load_tally` after every
answer).

A deck's new and review counts are capped: the query stops at the cap, so a count is either
exact (fewer cards than the cap) or *saturated* (at least as many cards as the cap; how many more
is unknown). For the deck list the cap is what the deck's own limit leaves. For a review (one
selection) it is the deck's *share*: the counting walks the tree in the order `_gather` shares a
limit out and stops each deck at what the decks before it leave, so with a parent limit of 100
and ten subdecks of 2,000 new cards it reads about 100 index entries, not 20,000. Shares only
shrink while the learner answers; should one ever grow past a saturated count, the plan says so
(`QueuePlan.complete`) and the caller counts again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from app.core.flashcards.decks import DeckTree
from app.core.flashcards.records import quick_init
from app.core.flashcards.study_day import StudyDay
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    STATE_NEW,
    STATE_REVIEW,
)


@quick_init
@dataclass(frozen=True)
class QueueCounts:
    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@quick_init
@dataclass(frozen=True)
class QueuePlan:
    """How many new and review cards each deck may still show today (for the selection)."""

    tree: DeckTree
    day: StudyDay
    deck_ids: tuple[str, ...]
    counts: QueueCounts
    new_quota: dict[str, int]
    review_quota: dict[str, int]
    # False: some deck's share is larger than what was counted for it (see the module
    # docstring); the counts may be short, and the caller reads them again.
    complete: bool = True
    # The decks whose share is not 0, in tree order (where the next card can come from).
    new_decks: tuple[str, ...] = ()
    review_decks: tuple[str, ...] = ()


@dataclass
class Capped:
    """min(cap, cards available) per deck, and whether the cards reach the cap (then `value`
    is only known to be at most the cards available)."""

    value: dict[str, int] = field(default_factory=dict)
    saturated: dict[str, bool] = field(default_factory=dict)

    def lower(self, deck_id: str, cap: int, own_card: bool) -> None:
        """The deck's limit now leaves `cap`; `own_card`: one of its cards also left this
        queue."""
        if deck_id not in self.value:
            return
        if self.saturated[deck_id]:
            self.value[deck_id] = max(0, min(cap, self.value[deck_id] - (1 if own_card else 0)))
            return
        available = self.value[deck_id] - (1 if own_card else 0)
        self.value[deck_id] = max(0, min(cap, available))
        self.saturated[deck_id] = available >= cap


@dataclass
class QueueTally:
    """Today's counts for a selection of decks (`deck_ids`, in tree order)."""

    tree: DeckTree
    day: StudyDay
    deck_ids: tuple[str, ...]
    new: Capped
    review: Capped
    learning: dict[str, int]
    new_done: dict[str, int]  # per deck answered in (own, not subtree)
    review_done: dict[str, int]
    _left: dict[bool, dict[str, int]] = field(default_factory=dict)  # `remaining`, kept up
    _kept_shares: dict[bool, _Shares] = field(default_factory=dict)  # by kind (new?)
    _learning_total: int | None = None  # learning cards of the selection, kept up

    # Subtree sums and what each deck's own limit leaves.
    def _subtree_sum(self, values: dict[str, int]) -> dict[str, int]:
        totals = {deck.id: values.get(deck.id, 0) for deck in self.tree.decks}
        for deck in reversed(self.tree.decks):  # children before parents
            if deck.parent_id is not None and deck.parent_id in totals:
                totals[deck.parent_id] += totals[deck.id]
        return totals

    def new_done_below(self) -> dict[str, int]:
        return self._subtree_sum(self.new_done)

    def review_done_below(self) -> dict[str, int]:
        return self._subtree_sum(self.review_done)

    def remaining(self, new: bool) -> dict[str, int]:
        """What each deck's own limit leaves today (new: new cards, else reviews). Read-only."""
        left = self._left.get(new)
        if left is None:
            done = self.new_done_below() if new else self.review_done_below()
            left = self._left[new] = {
                d.id: max(0, (d.new_per_day if new else d.reviews_per_day) - done[d.id])
                for d in self.tree.decks
            }
        return left

    def learning_below(self) -> dict[str, int]:
        return self._subtree_sum(self.learning)

    # Sharing the limits out
    def gather(
        self,
        deck_id: str,
        new: bool,
        remaining: dict[str, int],
        quota: dict[str, int],
        short: set[str] | None = None,
    ) -> int:
        """Take cards from the deck, then its subdecks in order, within each one's limit;
        record each deck's share in `quota` and return the total taken. Decks whose share is
        more than was counted for them go in `short`."""
        available = self.new if new else self.review
        found = set() if short is None else short
        return _gather(self._child_ids, deck_id, 10**9, available, remaining, quota, found)

    def plan(self, deck_id: str | None) -> QueuePlan:
        """The counts of the selected deck (None: all decks) and each deck's share of them."""
        new = self._shares(deck_id, True)
        review = self._shares(deck_id, False)
        learning = self._learning_total
        if learning is None:
            learning_now = self.learning
            learning = self._learning_total = sum(learning_now.get(d, 0) for d in self.deck_ids)
        counts = QueueCounts(new.total, learning, review.total)
        return QueuePlan(
            self.tree,
            self.day,
            self.deck_ids,
            counts,
            new.quota,
            review.quota,
            not (new.short or review.short),
            new.decks,
            review.decks,
        )

    def _shares(self, deck_id: str | None, new: bool) -> _Shares:
        """The shares of a kind, kept until an answer changes that kind (an answer of a
        learning card changes neither)."""
        available = self.new if new else self.review
        kept = self._kept_shares.get(new)
        if kept is not None and kept.available is available and kept.deck_id == deck_id:
            return kept
        quota: dict[str, int] = {}
        short: set[str] = set()
        remaining = self.remaining(new)
        children = self._child_ids
        total = 0
        for top in (deck_id,) if deck_id is not None else children.get(None, ()):
            total += _gather(children, top, 10**9, available, remaining, quota, short)
        decks = tuple(d for d in self.deck_ids if quota.get(d, 0) > 0)
        found = _Shares(deck_id, available, total, quota, bool(short), decks)
        self._kept_shares[new] = found
        return found

    # One answer
    def answered(
        self,
        deck_id: str,
        state_before: int,
        queue_before: int,
        due_before: datetime | None,
        queue_after: int,
        due_after: datetime | None,
    ) -> None:
        """Apply an answer to a card of `deck_id` (a deck of the tree) made during this day."""
        end = self.day.end
        learning_before = self.learning.get(deck_id, 0)
        if queue_before == QUEUE_LEARNING and due_before is not None and due_before < end:
            self.learning[deck_id] = max(0, self.learning.get(deck_id, 0) - 1)
        if queue_after == QUEUE_LEARNING and due_after is not None and due_after < end:
            self.learning[deck_id] = self.learning.get(deck_id, 0) + 1
        if self._learning_total is not None and deck_id in self._wanted:
            self._learning_total += self.learning.get(deck_id, 0) - learning_before
        if state_before == STATE_NEW:
            self._forget_shares(True)
            self.remaining(True)  # from the counts before this answer, then lowered below
            self.new_done[deck_id] = self.new_done.get(deck_id, 0) + 1
            self._lower_caps(deck_id, self.new, True, own=queue_before == QUEUE_NEW)
        elif state_before == STATE_REVIEW:
            self._forget_shares(False)
            self.remaining(False)
            self.review_done[deck_id] = self.review_done.get(deck_id, 0) + 1
            due_today = due_before is not None and due_before < end
            stays = queue_after == QUEUE_REVIEW and due_after is not None and due_after < end
            own = queue_before == QUEUE_REVIEW and due_today and not stays
            self._lower_caps(deck_id, self.review, False, own=own)

    def _forget_shares(self, new: bool) -> None:
        self._kept_shares.pop(new, None)

    def _lower_caps(self, deck_id: str, capped: Capped, new: bool, *, own: bool) -> None:
        """One more card of this kind done in the deck: it and each deck above it have one
        less left of their limit (never below 0)."""
        left = self.remaining(new)
        wanted = self._wanted
        path = self._paths.get(deck_id)
        if path is None:
            path = self._paths[deck_id] = self.tree.path_ids(deck_id)
        for current in path:
            left[current] = max(0, left[current] - 1)
            if current in wanted:
                capped.lower(current, left[current], own and current == deck_id)

    @cached_property
    def _wanted(self) -> frozenset[str]:
        return frozenset(self.deck_ids)

    @cached_property
    def _paths(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def _child_ids(self) -> dict[str | None, tuple[str, ...]]:
        """Each deck's subdecks in tree order (None: the top decks)."""
        found: dict[str | None, list[str]] = {}
        for deck in self.tree.decks:
            found.setdefault(deck.parent_id, []).append(deck.id)
        return {parent: tuple(ids) for parent, ids in found.items()}


@quick_init
@dataclass(frozen=True)
class _Shares:
    """One kind's shares: how many cards the selection shows, each deck's share (read-only:
    plans share it), whether a share outgrew its count, the decks with a share; made for the
    selection of `deck_id` from `available` (the counts of that kind when it was made)."""

    deck_id: str | None
    available: Capped
    total: int
    quota: dict[str, int]
    short: bool
    decks: tuple[str, ...]


def _gather(
    children: dict[str | None, tuple[str, ...]],
    deck_id: str,
    budget: int,
    available: Capped,
    remaining: dict[str, int],
    quota: dict[str, int],
    short: set[str],
) -> int:
    own_budget = min(budget, remaining.get(deck_id, 0))
    counted = available.value.get(deck_id, 0)
    if counted < own_budget and available.saturated.get(deck_id, False):
        short.add(deck_id)
    taken = min(own_budget, counted)
    quota[deck_id] = taken
    for child in children.get(deck_id, ()):
        if taken >= own_budget:
            break
        taken += _gather(children, child, own_budget - taken, available, remaining, quota, short)
    return taken
