"""The bundled sample deck: loaded into a new profile, removable with the other samples.

Sample decks are CSV files in `resources/sample/decks/` (the deck's name in their `#deck:` line),
imported with `is_sample` set. Removing them soft-deletes the sample cards, and the sample decks
that hold nothing of the learner's; cards the learner added to a sample deck stay.
Loading them lives with the importers (`app.importers.samples`); `app.features` declares both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import exists, update
from sqlalchemy.orm import Session

from app.db.models import Card, Deck


def sample_files(folder: Path) -> list[Path]:
    decks = folder / "decks"
    if not decks.is_dir():
        return []
    return sorted(p for p in decks.iterdir() if p.suffix.lower() in (".csv", ".tsv"))


def remove_sample_decks(session: Session) -> int:
    """Soft-delete the sample cards and the emptied sample decks; returns how many cards."""
    now = datetime.now(UTC)
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
