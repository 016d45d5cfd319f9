"""`studydesk import markdown DIR` and `studydesk notes export DIR`: folders of markdown notes
in and out, through the same actions as File > Import Markdown Folder… / Export Notes…."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import CommandTable, opened_profile
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    markdown = table.add(
        "import",
        "markdown",
        import_markdown,
        "a folder of markdown notes (Obsidian, Joplin, a notes export): links, tags, images",
    )
    markdown.add_argument("folder", type=Path, metavar="DIR")
    markdown.add_argument(
        "--library",
        action="store_true",
        help="bring the files in as read-only library articles (reference text), not notes",
    )
    markdown.add_argument("--json", action="store_true", help="print the report as JSON")
    export = table.add("notes", "export", export_notes, "notes to a folder of markdown files")
    export.add_argument("folder", type=Path, metavar="DIR")
    chosen = export.add_mutually_exclusive_group()
    chosen.add_argument("--note", metavar="ID", help="only this note")
    chosen.add_argument(
        "--notebook", metavar="NAME", help="only this notebook (its name or id), with those in it"
    )
    export.add_argument(
        "--force", action="store_true", help="write into a folder that is not empty"
    )
    export.add_argument("--json", action="store_true", help="print the counts as JSON")


def import_markdown(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.markdown_actions import import_markdown_folder

    kind = "article" if args.library else "note"
    with opened_profile(args, locations) as opened:
        done = import_markdown_folder(
            opened.database, args.folder, opened.profile.media_dir, kind=kind
        )
    if args.json:
        print(json.dumps(done.as_json(), indent=2, ensure_ascii=False))
    else:
        print(done.summary)
        for line in done.problem_lines():
            print(f"studydesk: {line}", file=sys.stderr)
    return 0


def export_notes(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.markdown_actions import export_notes_folder

    with opened_profile(args, locations) as opened:
        done = export_notes_folder(
            opened.database,
            args.folder,
            opened.profile.media_dir,
            note_id=args.note,
            notebook=args.notebook,
            overwrite=args.force,
        )
    if args.json:
        print(json.dumps(done.exported.as_json(), indent=2, ensure_ascii=False))
    else:
        print(done.text)
    return 0
