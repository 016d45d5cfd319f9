"""`studydesk search QUERY [--json]`: the Ctrl+K search from the command line, over notes,
library articles, lessons, cards, questions, videos and bookmarks."""

from __future__ import annotations

import argparse
import json

from app.cli.common import CommandTable, opened_profile
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    search = table.add_single("search", search_everything, "search notes, lessons, cards...")
    search.add_argument("query", nargs="+", metavar="QUERY", help="words to find")
    search.add_argument("--limit", type=int, default=50, metavar="N", help="at most N results")
    search.add_argument("--json", action="store_true", help="print the results as JSON")


def search_everything(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.search import KIND_NAMES, search_all

    text = " ".join(args.query)
    with opened_profile(args, locations) as opened:
        hits = search_all(opened.database, text, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([hit.as_json() for hit in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print(f"Nothing found for “{text}”.")
        return 0
    kind = None
    for hit in hits:
        if hit.kind != kind:
            kind = hit.kind
            print(f"{'' if kind == hits[0].kind else chr(10)}{KIND_NAMES.get(kind, kind)}")
        print(f"  {hit.plain_title}  {hit.id}")
        if hit.plain_snippet and hit.plain_snippet != hit.plain_title:
            print(f"    {hit.plain_snippet}")
    return 0
