"""Flashcards: Review, the Cards browser and Statistics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Destination, Feature, MenuAction, TodaySection, ViewDecl

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.importers.samples import load_sample_decks

    return load_sample_decks(session, folder)


def _remove_sample(session: Session, at: datetime) -> int:
    from app.core.flashcards.sample import remove_sample_decks

    return remove_sample_decks(session, at)


def _restore_sample(session: Session, at: datetime) -> int:
    from app.core.flashcards.sample import restore_sample_decks

    return restore_sample_decks(session, at)


def _describe_sample(session: Session) -> str | None:
    from app.core.flashcards.sample import describe_sample_decks

    return describe_sample_decks(session)


SHOWS = Change.CARDS | Change.REVIEWS | Change.DECKS | Change.TAGS

FLASHCARDS = Feature(
    name="flashcards",
    views=(
        ViewDecl("Review", "app.ui.review.view:ReviewView", opens=(Destination.DECK_REVIEW,)),
        ViewDecl("Cards", "app.ui.cards.view:CardBrowserView", opens=(Destination.CARD,)),
        ViewDecl("Statistics", "app.ui.stats.view:StatisticsView"),
    ),
    today=(TodaySection("app.ui.review.today_section:DueCardsSection"),),
    menu_actions=(
        MenuAction(
            "File",
            "Import Car&ds…",
            "app.ui.review.card_import:import_cards",
            tip="Bring in flashcards from Anki (.apkg) or a CSV/TSV file",
        ),
    ),
    cli_modules=("app.cli.card_commands",),
    samples=(
        SampleKind(
            "flashcards", _load_sample, _remove_sample, SHOWS, _restore_sample, _describe_sample
        ),
    ),
    shows=SHOWS | Change.WATCHING,  # Statistics' watch time
)
