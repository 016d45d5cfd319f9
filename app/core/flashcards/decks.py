"""Decks: a tree of named decks ("Languages::Spanish"), their settings, rename, move and delete.

A deck row holds its leaf name and its parent; the full name is built from the tree. Names are
unique among live siblings (compared case-insensitively) and never contain "::".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.browser_sql import DECK_TREE
from app.core.flashcards.scheduling import SchedulerSettings
from app.core.flashcards.tables import CARDS, DECKS, chunks
from app.db.models import Deck
from app.db.types import new_id, utcnow
from app.errors import UserError

SEPARATOR = "::"
SCHEDULERS = ("fsrs", "sm2")


@dataclass(frozen=True)
class DeckInfo:
    id: str
    name: str
    parent_id: str | None
    path: tuple[str, ...]  # names from the top deck down to this one
    scheduler: str
    desired_retention: float
    learning_steps: tuple[int, ...]
    relearning_steps: tuple[int, ...]
    new_per_day: int
    reviews_per_day: int
    maximum_interval: int
    fsrs_parameters: tuple[float, ...] | None
    is_sample: bool
    description: str

    @property
    def full_name(self) -> str:
        return SEPARATOR.join(self.path)

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    def settings(self, scheduler: str | None = None) -> SchedulerSettings:
        """The scheduler settings a review in this deck uses (`scheduler` overrides the kind)."""
        return self._settings_for(scheduler)

    @cached_property
    def _settings_by_kind(self) -> dict[str | None, SchedulerSettings]:
        return {}

    def _settings_for(self, scheduler: str | None) -> SchedulerSettings:
        found = self._settings_by_kind.get(scheduler)
        if found is None:
            found = self._settings_by_kind[scheduler] = _settings(self, scheduler)
        return found


def _settings(deck: Any, scheduler: str | None) -> SchedulerSettings:
    kind = scheduler or deck.scheduler
    if kind == "sm2":
        return SchedulerSettings(kind="sm2", maximum_interval=deck.maximum_interval)
    return SchedulerSettings(
        kind="fsrs",
        desired_retention=deck.desired_retention,
        learning_steps=tuple(deck.learning_steps),
        relearning_steps=tuple(deck.relearning_steps),
        maximum_interval=deck.maximum_interval,
        parameters=tuple(deck.fsrs_parameters or SchedulerSettings().parameters),
    )


def deck_settings(
    session: Session, deck_id: str, scheduler: str | None = None
) -> SchedulerSettings:
    """The settings a review of a card in this deck uses now (one row read, no tree)."""
    row = session.execute(select(DECKS).where(DECKS.c.id == deck_id)).one_or_none()
    if row is None:
        raise UserError("That deck no longer exists; it may have been deleted.")
    return _settings(row, scheduler)


@dataclass(frozen=True)
class DeckTree:
    """The live decks in tree order (parents before children, siblings by name)."""

    decks: tuple[DeckInfo, ...]

    def by_id(self, deck_id: str) -> DeckInfo:
        deck = self._by_id.get(deck_id)
        if deck is None:
            raise UserError("That deck no longer exists; it may have been deleted.")
        return deck

    @cached_property
    def _children(self) -> dict[str | None, list[DeckInfo]]:
        found: dict[str | None, list[DeckInfo]] = {}
        for deck in self.decks:
            found.setdefault(deck.parent_id, []).append(deck)
        return found

    @cached_property
    def _by_id(self) -> dict[str, DeckInfo]:
        return {deck.id: deck for deck in self.decks}

    def children(self, deck_id: str | None) -> list[DeckInfo]:
        return self._children.get(deck_id, [])

    def path_ids(self, deck_id: str) -> list[str]:
        """The deck and its live ancestors, from the deck up."""
        found = []
        current: str | None = deck_id
        while current is not None and current in self._by_id:
            found.append(current)
            current = self._by_id[current].parent_id
        return found

    def subtree_ids(self, deck_id: str | None) -> list[str]:
        """The deck and every deck below it, in tree order; None means every deck."""
        if deck_id is None:
            return [deck.id for deck in self.decks]
        self.by_id(deck_id)
        inside = {deck_id}
        for deck in self.decks:  # tree order: a parent always comes before its children
            if deck.parent_id in inside:
                inside.add(deck.id)
        return [deck.id for deck in self.decks if deck.id in inside]

    def find(self, full_name: str) -> DeckInfo | None:
        wanted = tuple(part.casefold() for part in split_name(full_name))
        for deck in self.decks:
            if tuple(part.casefold() for part in deck.path) == wanted:
                return deck
        return None


def split_name(full_name: str) -> list[str]:
    parts = [part.strip() for part in full_name.split(SEPARATOR)]
    if not parts or any(not part for part in parts):
        raise UserError(f"{full_name!r} is not a deck name: no part of it may be empty.")
    for part in parts:
        if len(part) > 200:
            raise UserError(f"The deck name {part[:40]!r}... is longer than 200 characters.")
    return parts


# Trees already built, keyed by the exact rows they were built from: the review loop reads the
# decks on every card, and they almost never change. Any change gives a different key.
_TREES: dict[tuple[tuple[Any, ...], ...], DeckTree] = {}


def load_tree(session: Session) -> DeckTree:
    """Every live deck, in tree order. A deck under a deleted parent is shown at the top."""
    return read_tree(session.connection().connection.driver_connection)


def read_tree(conn: Any) -> DeckTree:
    """`load_tree` on a plain sqlite3 connection (the review loop's own)."""
    cursor = conn.execute(DECK_TREE.sql)
    key = tuple(tuple(row) for row in cursor)
    tree = _TREES.get(key)
    if tree is None:
        names = [column[0] for column in cursor.description]
        tree = _build_tree([dict(zip(names, row, strict=True)) for row in key])
        if len(_TREES) >= 16:
            _TREES.clear()
        _TREES[key] = tree
    return tree


def _build_tree(found: list[dict[str, Any]]) -> DeckTree:
    parents = {row["id"]: row["parent_id"] for row in found}
    names = {row["id"]: row["name"] for row in found}
    keys: dict[str, tuple[tuple[str, str, str], ...]] = {}

    def key_of(deck_id: str, depth: int = 0) -> tuple[tuple[str, str, str], ...]:
        # (folded name, name, id) per level: tree order, and two same-named decks (made on two
        # devices) each keep their own children.
        if deck_id not in keys:
            name = names[deck_id]
            own = ((name.casefold(), name, deck_id),)
            parent = parents[deck_id]
            if parent is None or parent not in parents or depth > 100:
                keys[deck_id] = own
            else:
                keys[deck_id] = key_of(parent, depth + 1) + own
        return keys[deck_id]

    infos = []
    for row in found:
        deck_id, parent_id = row["id"], row["parent_id"]
        weights = json.loads(row["fsrs_parameters"]) if row["fsrs_parameters"] else None
        infos.append(
            DeckInfo(
                id=deck_id,
                name=row["name"],
                parent_id=parent_id if parent_id in parents else None,
                path=tuple(part for _folded, part, _id in key_of(deck_id)),
                scheduler=row["scheduler"],
                desired_retention=float(row["desired_retention"]),
                learning_steps=tuple(json.loads(row["learning_steps"])),
                relearning_steps=tuple(json.loads(row["relearning_steps"])),
                new_per_day=int(row["new_per_day"]),
                reviews_per_day=int(row["reviews_per_day"]),
                maximum_interval=int(row["maximum_interval"]),
                fsrs_parameters=tuple(weights) if weights else None,
                is_sample=bool(row["is_sample"]),
                description=row["description"],
            )
        )
    infos.sort(key=lambda d: key_of(d.id))
    return DeckTree(tuple(infos))


def get_deck(session: Session, deck_id: str) -> DeckInfo:
    return load_tree(session).by_id(deck_id)


def named_deck(session: Session, full_name: str) -> DeckInfo:
    """The deck with this full name ("A::B", any case). Raises UserError if there is none."""
    deck = load_tree(session).find(full_name)
    if deck is None:
        raise UserError(f"There is no deck called {full_name!r}.")
    return deck


def ensure_deck(session: Session, full_name: str, *, is_sample: bool = False) -> DeckInfo:
    """The deck with this full name ("A::B::C"), made with any missing parents if needed.

    New decks copy their parent's settings.
    """
    parts = split_name(full_name)
    tree = load_tree(session)
    parent: DeckInfo | None = None
    for depth in range(len(parts)):
        found = tree.find(SEPARATOR.join(parts[: depth + 1]))
        if found is None:
            _insert_deck(session, parts[depth], parent, is_sample)
            tree = load_tree(session)
            found = tree.find(SEPARATOR.join(parts[: depth + 1]))
            assert found is not None
        parent = found
    assert parent is not None
    return parent


def create_deck(
    session: Session, name: str, parent_id: str | None = None, *, is_sample: bool = False
) -> DeckInfo:
    """A new deck under `parent_id` (a name with "::" makes the levels below it too).

    Raises UserError if a live sibling already has that name.
    """
    tree = load_tree(session)
    parent = tree.by_id(parent_id) if parent_id else None
    parts = split_name(name)
    full = SEPARATOR.join([*(parent.path if parent else ()), *parts])
    if tree.find(full) is not None:
        raise UserError(f"There is already a deck called {full!r}.")
    return ensure_deck(session, full, is_sample=is_sample)


def _insert_deck(session: Session, name: str, parent: DeckInfo | None, is_sample: bool) -> str:
    deck = Deck(id=new_id(), name=name, parent_id=parent.id if parent else None)
    deck.is_sample = is_sample
    if parent is not None:
        deck.scheduler = parent.scheduler
        deck.desired_retention = parent.desired_retention
        deck.learning_steps = list(parent.learning_steps)
        deck.relearning_steps = list(parent.relearning_steps)
        deck.new_per_day = parent.new_per_day
        deck.reviews_per_day = parent.reviews_per_day
        deck.maximum_interval = parent.maximum_interval
        deck.fsrs_parameters = list(parent.fsrs_parameters) if parent.fsrs_parameters else None
    session.add(deck)
    session.flush()
    return deck.id


def rename_deck(session: Session, deck_id: str, new_name: str) -> Change:
    """Rename one deck (its leaf name); its subdecks follow. Raises UserError on a clash."""
    tree = load_tree(session)
    deck = tree.by_id(deck_id)
    parts = split_name(new_name)
    if len(parts) != 1:
        raise UserError("Use Move to put a deck under another; a new name may not contain '::'.")
    _check_free(tree, deck.parent_id, parts[0], deck_id)
    session.execute(update(DECKS).where(DECKS.c.id == deck_id).values(name=parts[0]))
    return Change.DECKS


def move_deck(session: Session, deck_id: str, new_parent_id: str | None) -> Change:
    """Put a deck (with its subdecks) under another deck, or at the top with None."""
    tree = load_tree(session)
    deck = tree.by_id(deck_id)
    if new_parent_id is not None and new_parent_id in tree.subtree_ids(deck_id):
        raise UserError(f"{deck.full_name!r} cannot go inside itself or one of its subdecks.")
    _check_free(tree, new_parent_id, deck.name, deck_id)
    session.execute(update(DECKS).where(DECKS.c.id == deck_id).values(parent_id=new_parent_id))
    return Change.DECKS


def _check_free(tree: DeckTree, parent_id: str | None, name: str, own_id: str) -> None:
    for sibling in tree.children(parent_id):
        if sibling.id != own_id and sibling.name.casefold() == name.casefold():
            raise UserError(f"There is already a deck called {sibling.full_name!r}.")


def update_deck_settings(
    session: Session,
    deck_id: str,
    *,
    scheduler: str | None = None,
    desired_retention: float | None = None,
    learning_steps: Sequence[int] | None = None,
    relearning_steps: Sequence[int] | None = None,
    new_per_day: int | None = None,
    reviews_per_day: int | None = None,
    maximum_interval: int | None = None,
    fsrs_parameters: Sequence[float] | None = None,
    description: str | None = None,
) -> DeckInfo:
    """Change a deck's settings; they apply to reviews from now on (the log keeps the old ones).

    Raises UserError naming the setting when a value is out of range.
    """
    values: dict[str, object] = {}
    if scheduler is not None:
        if scheduler not in SCHEDULERS:
            raise UserError(f"The scheduler must be one of {', '.join(SCHEDULERS)}.")
        values["scheduler"] = scheduler
    if desired_retention is not None:
        if not 0.7 <= desired_retention <= 0.99:
            raise UserError("Desired retention must be between 0.70 and 0.99.")
        values["desired_retention"] = float(desired_retention)
    for key, steps in (("learning_steps", learning_steps), ("relearning_steps", relearning_steps)):
        if steps is not None:
            if any(int(s) <= 0 or int(s) > 86400 * 30 for s in steps):
                raise UserError("Each learning step must be between 1 second and 30 days.")
            values[key] = [int(s) for s in steps]
    for key, limit in (("new_per_day", new_per_day), ("reviews_per_day", reviews_per_day)):
        if limit is not None:
            if not 0 <= limit <= 100_000:
                raise UserError("A daily limit must be between 0 and 100000.")
            values[key] = int(limit)
    if maximum_interval is not None:
        if not 1 <= maximum_interval <= 36500:
            raise UserError("The maximum interval must be between 1 and 36500 days.")
        values["maximum_interval"] = int(maximum_interval)
    if fsrs_parameters is not None:  # an empty list goes back to the defaults
        if fsrs_parameters:
            _check_parameters(fsrs_parameters)
        values["fsrs_parameters"] = [float(p) for p in fsrs_parameters] or None
    if description is not None:
        values["description"] = description
    load_tree(session).by_id(deck_id)
    if values:
        session.execute(update(DECKS).where(DECKS.c.id == deck_id).values(**values))
    return get_deck(session, deck_id)


def _check_parameters(parameters: Sequence[float]) -> None:
    import fsrs

    try:  # the package checks the number of weights and the bounds of each
        fsrs.Scheduler(parameters=tuple(float(p) for p in parameters))
    except (ValueError, TypeError) as error:
        raise UserError(f"These FSRS parameters cannot be used: {error}") from None


def delete_deck(session: Session, deck_id: str, now: datetime | None = None) -> Change:
    """Soft-delete a deck, its subdecks and all their cards (restorable; syncs as tombstones)."""
    now = now or utcnow()
    tree = load_tree(session)
    ids = tree.subtree_ids(deck_id)
    _soft_delete(session, ids, now)
    return Change.DECKS | Change.CARDS


def _soft_delete(session: Session, deck_ids: Iterable[str], now: datetime) -> None:
    ids = list(deck_ids)
    for part in chunks(ids):
        session.execute(
            update(CARDS)
            .where(CARDS.c.deck_id.in_(part), CARDS.c.deleted_at.is_(None))
            .values(deleted_at=now)
        )
        session.execute(update(DECKS).where(DECKS.c.id.in_(part)).values(deleted_at=now))
