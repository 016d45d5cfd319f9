"""`studydesk import csv|apkg`, `studydesk export csv|markdown` (flashcards in and out) and
`studydesk deck optimise` (FSRS fitted to a deck's reviews)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import CommandTable, ask_password, default_profile
from app.errors import UserError
from app.paths import DataLocations

if TYPE_CHECKING:  # the flashcard and database modules load only when a command runs
    from app.core.opening import OpenProfile


def register(table: CommandTable) -> None:
    csv_in = table.add(
        "import", "csv", import_csv, "flashcards from a CSV/TSV file (front, back, tags)"
    )
    csv_in.add_argument("path", type=Path, metavar="PATH")
    csv_in.add_argument("--deck", required=True, help='the deck, e.g. "Languages::Spanish"')
    csv_in.add_argument("--encoding", help="the file's encoding if it is not UTF-8 (e.g. cp1252)")
    apkg = table.add(
        "import", "apkg", import_apkg, "an Anki package (.apkg): decks, cards, images, history"
    )
    apkg.add_argument("path", type=Path, metavar="PATH")
    apkg.add_argument("--deck", help="put every card into this deck instead of the package's")
    apkg.add_argument("--json", action="store_true", help="print the counts as JSON")
    csv_out = table.add("export", "csv", export_csv, "a deck (with subdecks) to a CSV file")
    csv_out.add_argument("--deck", required=True, help="the deck to export")
    csv_out.add_argument("path", type=Path, metavar="PATH")
    markdown = table.add(
        "export", "markdown", export_markdown, "a deck to a folder of markdown files"
    )
    markdown.add_argument("--deck", required=True, help="the deck to export")
    markdown.add_argument("folder", type=Path, metavar="FOLDER")
    optimise = table.add(
        "deck", "optimise", optimise_deck, "fit FSRS to your reviews of a deck (and its subdecks)"
    )
    optimise.add_argument("--deck", required=True, help="the deck whose reviews to learn from")
    optimise.add_argument(
        "--save", action="store_true", help="use the fitted parameters from now on if better"
    )
    optimise.add_argument("--json", action="store_true", help="print the outcome as JSON")


@contextmanager
def _opened(args: argparse.Namespace, locations: DataLocations) -> Iterator[OpenProfile]:
    from app.core.opening import open_profile

    profile = default_profile(args, locations)
    password = ask_password(f"Password of {profile.name!r}: ") if profile.locked else None
    opened = open_profile(locations, profile, password=password)
    try:
        yield opened
    finally:
        opened.close()


def import_csv(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.cards_csv import import_cards_csv, read_cards_csv

    read_cards_csv(args.path, args.encoding)  # a bad file is refused before a profile opens
    with _opened(args, locations) as opened, opened.database.write_session() as session:
        report = import_cards_csv(session, args.path, args.deck, encoding=args.encoding)
    skipped = f", {report.duplicates} already there" if report.duplicates else ""
    print(f"Imported {report.added} cards into {report.deck_name!r}{skipped} from {args.path}.")
    return 0


def import_apkg(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.anki_apkg import import_apkg as import_package
    from app.importers.anki_apkg import read_apkg

    parsed = read_apkg(args.path, args.deck)  # a bad package is refused before a profile opens
    with _opened(args, locations) as opened, opened.database.write_session() as session:
        report = import_package(session, parsed, opened.profile.media_dir)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(
        f"Imported {report.cards} cards ({report.notes} notes) into {len(report.decks)} decks, "
        f"{report.reviews} reviews and {report.media} images from {args.path}."
    )
    if report.already_there:
        print(f"{report.already_there} cards were already there and were kept as they are.")
    skipped = report.skipped_reviews
    if skipped:
        print(f"{skipped} review-log rows were not answers (rescheduling) and were skipped.")
    for reason in report.skipped_cards:
        print(f"Skipped a card: {reason}.")
    if report.skipped_media:
        print(f"{report.skipped_media} media files (sounds, videos, unused) were not imported.")
    return 0


def _deck_id(opened: OpenProfile, name: str) -> str:
    from app.core.flashcards.decks import load_tree

    with opened.database.read_session() as session:
        deck = load_tree(session).find(name)
    if deck is None:
        raise UserError(f"There is no deck called {name!r} in {opened.profile.name!r}.")
    return deck.id


def export_csv(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.cards_export import export_deck_csv

    with _opened(args, locations) as opened:
        deck_id = _deck_id(opened, args.deck)
        with opened.database.read_session() as session:
            report = export_deck_csv(session, deck_id, args.path)
    print(f"Exported {report.cards} cards from {args.deck!r} to {report.path}.")
    return 0


def export_markdown(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.cards_export import export_deck_markdown

    with _opened(args, locations) as opened:
        deck_id = _deck_id(opened, args.deck)
        with opened.database.read_session() as session:
            report = export_deck_markdown(session, deck_id, args.folder, opened.profile.media_dir)
    images = f" and {report.media} images" if report.media else ""
    print(f"Exported {report.cards} cards{images} from {args.deck!r} to {report.path}.")
    return 0


def optimise_deck(args: argparse.Namespace, locations: DataLocations) -> int:
    from datetime import datetime

    from app.core.flashcards.decks import load_tree, update_deck_settings
    from app.core.flashcards.optimise import card_histories, fit_parameters

    now = datetime.now().astimezone()
    with _opened(args, locations) as opened:
        deck_id = _deck_id(opened, args.deck)
        with opened.database.read_session() as session:
            current = load_tree(session).by_id(deck_id).settings("fsrs").parameters
            histories = card_histories(session, deck_id, now)
        result = fit_parameters(histories, current)
        saved = bool(args.save and result.improves)
        if saved:
            with opened.database.write_session() as session:
                update_deck_settings(session, deck_id, fsrs_parameters=result.parameters)
    if args.json:
        outcome = {
            "reviews": result.reviews,
            "cards": result.cards,
            "log_loss": [result.log_loss_before, result.log_loss_after],
            "rmse": [result.rmse_before, result.rmse_after],
            "better": result.improves,
            "saved": saved,
            "parameters": list(result.parameters),
        }
        print(json.dumps(outcome, indent=2))
        return 0
    print(
        f"Fitted FSRS to {result.reviews:,} reviews of {result.cards:,} cards in {args.deck!r}: "
        f"prediction error {result.rmse_before:.1%} -> {result.rmse_after:.1%}."
    )
    if not result.improves:
        print("The parameters in use already fit these reviews best; nothing changed.")
    elif saved:
        print("Saved: the deck uses the fitted parameters from now on.")
    else:
        print("Nothing saved; run again with --save to use them.")
    return 0
