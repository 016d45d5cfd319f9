"""The bundled sample deck: loaded into a new profile, removable with the other samples.

Sample decks are CSV files in `resources/sample/decks/` (the deck's name in their `#deck:` line),
imported with `is_sample` set. Removing them soft-deletes the sample cards, and the sample decks
that hold nothing of the learner's; cards the learner added to a sample deck stay.
Loading them lives with the importers (`app.importers.samples`); `app.features` declares both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from app.db.models import Card, CardReview, Deck


def sample_files(folder: Path) -> list[Path]:
    decks = folder / "decks"
    if not decks.is_dir():
        return []
    return sorted(p for p in decks.iterdir() if p.suffix.lower() in (".csv", ".tsv"))


def remove_sample_decks(session: Session, at: datetime | None = None) -> int:
    """Soft-delete the sample cards and the emptied sample decks (`deleted_at` = `at`); returns
    how many cards. Their reviews are a log and stay."""
    now = at or datetime.now(UTC)
    cards = session.execute(
        update(Card)
        .where(Card.is_sample.is_(True), Card.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    ).rowcount  # type: ignore[attr-defined]
    own_cards = exists().where(Card.deck_id == Deck.id, Card.deleted_at.is_(None))
    child = Deck.__table__.alias("child")
    own_children = exists().where(child.c.parent_id == Deck.id, child.c.deleted_at.is_(None))
    # Deepest first: a sample parent goes once its sample children have gone.
    for _level in range(20):
        emptied = session.execute(
            update(Deck)
            .where(Deck.is_sample.is_(True), Deck.deleted_at.is_(None), ~own_cards, ~own_children)
            .values(deleted_at=now, updated_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not emptied:
            break
    return int(cards)


def restore_sample_decks(session: Session, at: datetime) -> int:
    """Bring back the sample decks and cards removed at `at`; returns how many cards."""
    now = datetime.now(UTC)
    session.execute(
        update(Deck)
        .where(Deck.is_sample.is_(True), Deck.deleted_at == at)
        .values(deleted_at=None, updated_at=now)
    )
    cards = session.execute(
        update(Card)
        .where(Card.is_sample.is_(True), Card.deleted_at == at)
        .values(deleted_at=None, updated_at=now)
    ).rowcount  # type: ignore[attr-defined]
    return int(cards)


def describe_sample_decks(session: Session) -> str | None:
    """ "14 sample cards and your 5 reviews of them" (None: none left)."""
    live = (Card.is_sample.is_(True), Card.deleted_at.is_(None))
    cards = session.scalar(select(func.count()).select_from(Card).where(*live)) or 0
    if not cards:
        return None
    reviews = session.scalar(
        select(func.count())
        .select_from(CardReview)
        .where(CardReview.card_id.in_(select(Card.id).where(*live)))
    )
    what = "1 sample card" if cards == 1 else f"{cards} sample cards"
    if reviews:
        what += " and your review of it" if reviews == 1 else f" and your {reviews} reviews of them"
    return what
