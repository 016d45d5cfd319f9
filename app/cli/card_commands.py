"""`studydesk import csv|apkg`, `studydesk export csv|markdown` (flashcards in and out) and
`studydesk deck optimise` (FSRS fitted to a deck's reviews)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli.common import CommandTable, opened_profile
from app.paths import DataLocations


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
    csv_out.add_argument("--force", action="store_true", help="replace an existing file")
    markdown = table.add(
        "export", "markdown", export_markdown, "a deck to a folder of markdown files"
    )
    markdown.add_argument("--deck", required=True, help="the deck to export")
    markdown.add_argument("folder", type=Path, metavar="FOLDER")
    markdown.add_argument(
        "--force", action="store_true", help="write into a folder that is not empty"
    )
    optimise = table.add(
        "deck", "optimise", optimise_deck, "fit FSRS to your reviews of a deck (and its subdecks)"
    )
    optimise.add_argument("--deck", required=True, help="the deck whose reviews to learn from")
    optimise.add_argument(
        "--save", action="store_true", help="use the fitted parameters from now on if better"
    )
    optimise.add_argument("--json", action="store_true", help="print the outcome as JSON")


def import_csv(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.card_file_actions import import_csv_file
    from app.importers.cards_csv import read_cards_csv

    parsed = read_cards_csv(args.path, args.encoding)  # refused before a profile opens
    with opened_profile(args, locations) as opened:
        imported = import_csv_file(opened.database, parsed, args.deck)
    print(imported.text)
    return 0


def import_apkg(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.anki_read import read_apkg
    from app.importers.card_file_actions import import_apkg_file

    parsed = read_apkg(args.path, args.deck)  # a bad package is refused before a profile opens
    with opened_profile(args, locations) as opened:
        imported = import_apkg_file(opened.database, opened.profile.media_dir, parsed)
    if args.json:
        print(json.dumps(imported.report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(imported.text)
    return 0


def export_csv(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.card_file_actions import export_csv_file, exported_text

    with opened_profile(args, locations) as opened:
        report = export_csv_file(opened.database, args.deck, args.path, overwrite=args.force)
    print(exported_text(report, args.deck))
    return 0


def export_markdown(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.card_file_actions import export_markdown_folder, exported_text

    with opened_profile(args, locations) as opened:
        media = opened.profile.media_dir
        report = export_markdown_folder(
            opened.database, args.deck, args.folder, media, overwrite=args.force
        )
    print(exported_text(report, args.deck))
    return 0


def optimise_deck(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.flashcards.deck_actions import save_fsrs_parameters
    from app.core.flashcards.optimise import optimise_deck as fit
    from app.core.flashcards.reads import find_deck

    with opened_profile(args, locations) as opened:
        deck_id = find_deck(opened.database, args.deck).id
        result = fit(opened.database, deck_id)
        saved = bool(args.save and result.improves)
        if saved:
            save_fsrs_parameters(opened.database, deck_id, result.parameters)
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
