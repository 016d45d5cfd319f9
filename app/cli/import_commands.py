"""`studydesk import tinydb|questions`: the older apps' data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import CommandTable, unlocked_profile
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    tinydb = table.add(
        "import",
        "tinydb",
        import_legacy_files,
        "TechTree TinyDB files and MS2 QBank JSON (detected from their content)",
    )
    questions = table.add(
        "import", "questions", import_legacy_files, "MS2 QBank question JSON arrays"
    )
    for sub in (tinydb, questions):
        sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        sub.add_argument("--dry-run", action="store_true", help="report what would come in")
        sub.add_argument("--json", action="store_true", help="print the report as JSON")


def import_legacy_files(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.legacy_actions import import_legacy_files
    from app.importers.report_text import report_lines

    report = import_legacy_files(
        locations,
        list(args.paths),
        default_profile=unlocked_profile(args, locations),
        dry_run=args.dry_run,
        questions_only=args.action == "questions",
    ).report
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(report, unreadable=False):
            print(line)
    for _path, reason in report.unreadable:
        print(f"studydesk: {reason}", file=sys.stderr)
    return 0 if report.complete else 1
