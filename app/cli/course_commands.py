"""`studydesk import course PATH` and `studydesk export course NAME PATH`: course packs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli.common import CommandTable, opened_profile
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    course_in = table.add(
        "import", "course", import_course, "a course pack (.sdcourse file, or a folder)"
    )
    course_in.add_argument("path", type=Path, metavar="PATH")
    course_in.add_argument("--json", action="store_true", help="print the counts as JSON")
    course_out = table.add("export", "course", export_course, "a course as a .sdcourse pack")
    course_out.add_argument("name", metavar="NAME", help="the course's topic (or its id)")
    course_out.add_argument("path", type=Path, metavar="PATH", help="file or folder to write")
    course_out.add_argument("--force", action="store_true", help="replace an existing file")


def import_course(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.course_pack import load_pack
    from app.importers.course_pack_actions import import_course_file, imported_text

    pack = load_pack(args.path)  # refuse a bad pack before touching (or creating) any profile
    with opened_profile(args, locations) as opened:
        result = import_course_file(opened.database, pack, opened.profile.media_dir)
    if args.json:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        print(imported_text(result))
    return 0


def export_course(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.course_pack_actions import export_course_file, exported_text

    with opened_profile(args, locations) as opened:
        done = export_course_file(
            opened.database, args.name, args.path, opened.profile.media_dir, overwrite=args.force
        )
    print(exported_text(done))
    return 0
