"""Markdown import benchmark: a generated 5,000-file folder (an Obsidian-like vault) imported
into a new profile, as `studydesk import markdown` and File > Import Markdown Folder… do.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_markdown_import.py [--files 5000]

The vault: 50 folders, notes of 1-3 KB of prose with front matter (title, tags, aliases,
created), 3 wiki links and a #tag each, a markdown link every fifth note, an image embedded every
tenth (100 distinct images). Prints the time to read and plan the folder, to write it (backup
included), the total, a second import of the same folder (which adds nothing), and the export
of every note back to markdown.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "notebook"))

from markdown_fixtures import png, write  # noqa: E402

from app.core.progress import Progress  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.importers.markdown_actions import (  # noqa: E402
    export_notes_folder,
    import_markdown_folder,
)
from app.importers.markdown_folder import read_folder  # noqa: E402

WORDS = [
    "heart",
    "valve",
    "mitral",
    "aortic",
    "systole",
    "diastole",
    "pressure",
    "volume",
    "preload",
    "afterload",
    "murmur",
    "stenosis",
    "regurgitation",
    "ventricle",
    "atrium",
    "contraction",
    "relaxation",
    "output",
    "rate",
    "rhythm",
]


def make_vault(root: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    names = [f"Note {n:05d}" for n in range(files)]
    for n in range(100):
        write(root, f"attachments/img{n:03d}.png", png(2 + n, 2))
    for n, name in enumerate(names):
        folder = f"Topic {n % 50:02d}"
        links = " ".join(f"[[{names[rng.randrange(files)]}]]" for _ in range(3))
        prose = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 450)))
        extra = ""
        if n % 5 == 0:
            extra += f"\n[next](../Topic {(n + 1) % 50:02d}/{names[(n + 1) % files]}.md)"
        if n % 10 == 0:
            extra += f"\n![[img{n % 100:03d}.png]]"
        text = (
            f"---\ntitle: {name}\ntags: [topic{n % 50}, cardio/valves]\naliases: [N{n}]\n"
            f"created: 2024-01-{1 + n % 28:02d}T10:00:00Z\n---\n"
            f"# {name}\n\n{prose}\n\nSee {links} #{rng.choice(WORDS)}{extra}\n"
        )
        write(root, f"{folder}/{name}.md", text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        vault = base / "Vault"
        start = time.perf_counter()
        make_vault(vault, args.files)
        size = sum(p.stat().st_size for p in vault.rglob("*.md"))
        print(
            f"vault: {args.files:,} notes, {size / 1e6:.1f} MB, made in "
            f"{time.perf_counter() - start:.1f} s"
        )
        database = ProfileDatabase.open(base / "p" / "p.sqlite3", base / "p" / "b", create=True)
        media = base / "p" / "media"
        try:
            progress = Progress()
            start = time.perf_counter()
            plan = read_folder(vault, media, progress=progress)
            read_s = time.perf_counter() - start
            start = time.perf_counter()
            done = import_markdown_folder(database, plan, media, progress=progress)
            write_s = time.perf_counter() - start
            counts = done.counts
            print(
                f"import: {read_s + write_s:.2f} s (read and plan {read_s:.2f} s, write "
                f"{write_s:.2f} s): {counts.notes:,} notes, {counts.notebooks} notebooks, "
                f"{counts.tags} tags, {counts.links:,} links, {counts.attachments} attachments, "
                f"{len(done.problems)} problems"
            )
            start = time.perf_counter()
            again = import_markdown_folder(database, vault, media)
            print(
                f"again: {time.perf_counter() - start:.2f} s, {again.counts.notes} new "
                f"({again.counts.already_there:,} already there)"
            )
            start = time.perf_counter()
            exported = export_notes_folder(database, base / "out", media).exported
            print(
                f"export: {time.perf_counter() - start:.2f} s, {exported.notes:,} notes, "
                f"{exported.attachments} attachments"
            )
        finally:
            database.close()


if __name__ == "__main__":
    main()
