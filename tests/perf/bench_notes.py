"""Notebook benchmark: the figures issue 15 asks of the notes' core, on a real profile.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_notes.py [--notes 50000]

Builds a profile with `--notes` notes (about 600 characters each: 30 MB of text for 50,000),
each with a first version, two tags and a few links (one note is linked from 40 others), and
one 100 KB note; then prints median and p95 of:
- the note list: its first page (200 rows and the counts: what the view shows first; target:
  under 150 ms), with a tag filter, by title; and every note in one read (the CLI's list);
- backlinks of the much-linked note (target: under 5 ms);
- saving a version of the 100 KB note (a few characters typed somewhere each time; target:
  under 20 ms, the commit's fsync included), the bytes each version adds to the profile, and
  the same saves without the notes' search trigger (what reindexing the text costs);
- reading back versions of that note up to 200 saves deep (`version_text`; under 20 ms);
- opening the 100 KB note (`open_note`: text, tags, head version, links resolved; the core's
  share of the issue's 50 ms);
- `[[` completion over every title, and unlinked mentions of one note.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.notes.link_reads import backlinks  # noqa: E402
from app.core.notes.links import LinkTarget, link_markdown  # noqa: E402
from app.core.notes.note_actions import create_note, save_note  # noqa: E402
from app.core.notes.note_reads import (  # noqa: E402
    LIST_PAGE,
    NoteQuery,
    note_list,
    open_note,
    version_text,
)
from app.core.notes.title_search import note_titles, unlinked_mentions  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.db.models.notes import first_version_id  # noqa: E402
from app.db.models.tags import tag_id  # noqa: E402
from app.db.types import db_time, new_id, utcnow  # noqa: E402

WORDS = [
    "heart",
    "valve",
    "mitral",
    "aortic",
    "systole",
    "diastole",
    "murmur",
    "pressure",
    "volume",
    "renal",
    "acid",
    "base",
    "potassium",
    "sodium",
    "nephron",
    "glomerulus",
    "filtration",
    "insulin",
    "glucose",
    "liver",
    "enzyme",
    "cycle",
    "membrane",
    "receptor",
    "channel",
    "neuron",
    "synapse",
    "cortex",
    "antibody",
    "antigen",
    "infection",
    "fever",
]
TAGS = ["cardio", "cardio/valves", "renal", "renal/acid-base", "neuro", "immuno", "endocrine"]


def text(rng: random.Random, chars: int) -> str:
    out, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def build(database: ProfileDatabase, count: int, hub_id: str, rng: random.Random) -> None:
    now = db_time(utcnow())
    hub = LinkTarget("note", hub_id)
    notes, versions, links, tags = [], [], [], []
    for n in range(count):
        note_id = new_id()
        body = text(rng, 600)
        if n % (count // 40 or 1) == 0:
            body += " see " + link_markdown("the hub", hub)
            links.append((new_id(), note_id, "note", hub_id, 1, "body", now, now))
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}"
        notes.append((note_id, title, body, now, now))
        versions.append((first_version_id(note_id), note_id, title, body, "[]", now))
        for name in rng.sample(TAGS, 2):
            tags.append((note_id, tag_id(name), now))
        if n % 10 == 0:
            other = LinkTarget("lesson", new_id())
            links.append((new_id(), note_id, other.kind, other.id, 0, "body", now, now))
    with database.write_session() as session:
        conn = session.connection().connection.driver_connection
        assert conn is not None
        conn.executemany(
            "INSERT INTO tags (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(tag_id(name), name, now, now) for name in TAGS],
        )
        conn.executemany(
            "INSERT INTO notes (id, kind, title, body, bookmarked, is_sample, source, pinned, "
            "created_at, updated_at) VALUES (?, 'note', ?, ?, 0, 0, '', 0, ?, ?)",
            notes,
        )
        conn.executemany(
            "INSERT INTO note_versions (id, note_id, title, body, parent_ids, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            versions,
        )
        conn.executemany(
            "INSERT INTO note_tags (note_id, tag_id, updated_at) VALUES (?, ?, ?)", tags
        )
        conn.executemany(
            "INSERT INTO note_links (id, note_id, target_kind, target_id, resolved, source, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            links,
        )
    with database.write_session() as session:
        session.connection().exec_driver_sql("ANALYZE")


def profile_bytes(path: Path) -> int:
    """The profile file's size once its write-ahead log is written into it."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path.stat().st_size


def drop_trigger(database: ProfileDatabase, name: str) -> str:
    with database.write_session() as session:
        conn = session.connection().connection.driver_connection
        assert conn is not None
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        conn.execute(f"DROP TRIGGER {name}")
    return str(sql)


def restore_trigger(database: ProfileDatabase, sql: str) -> None:
    with database.write_session() as session:
        conn = session.connection().connection.driver_connection
        assert conn is not None
        conn.execute(sql)


def without_trigrams(trigger: str) -> str:
    """A search_docs trigger's SQL without its statement on the trigram index."""
    head, body = trigger.split(" BEGIN ", 1)
    kept = [s for s in body.removesuffix("END").split(";") if s.strip() and "trigram" not in s]
    return head + " BEGIN " + "; ".join(kept) + "; END"


def timed(run: Callable[[], object], times: int) -> tuple[float, float]:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    p95 = spent[min(len(spent) - 1, round(0.95 * (len(spent) - 1)))]
    return statistics.median(spent), p95


def show(what: str, figures: tuple[float, float], target: str = "") -> None:
    median, p95 = figures
    goal = f"   (target {target})" if target else ""
    print(f"{what:<52} median {median:8.2f} ms   p95 {p95:8.2f} ms{goal}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=50_000)
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as folder:
        database = ProfileDatabase.open(
            Path(folder) / "studydesk.sqlite3", Path(folder) / "backups", create=True
        )
        try:
            hub = create_note(database, title="Mitral valve", body="The hub note.")
            start = time.perf_counter()
            build(database, args.notes, hub.note_id, rng)
            size = Path(folder, "studydesk.sqlite3").stat().st_size / 1e6
            print(
                f"built {args.notes:,} notes in {time.perf_counter() - start:.1f} s "
                f"(profile {size:.0f} MB)"
            )
            big_body = (
                text(rng, 100_000) + "\n" + link_markdown("hub", LinkTarget("note", hub.note_id))
            )
            big = create_note(database, title="A 100 KB note", body=big_body, tags=["cardio"])

            page = note_list(database, limit=LIST_PAGE)
            print(
                f"note list: {page.total:,} notes, a page of {len(page.rows)}, "
                f"{len(page.tags)} tags"
            )
            show(
                "note list opens: first page and counts",
                timed(lambda: note_list(database, limit=LIST_PAGE), 15),
                "150 ms",
            )
            show(
                "note list, next page (rows 201-400)",
                timed(lambda: note_list(database, offset=LIST_PAGE, limit=LIST_PAGE), 15),
            )
            show(
                "note list, tag cardio (and nested), first page",
                timed(lambda: note_list(database, NoteQuery(tag="cardio"), limit=LIST_PAGE), 7),
            )
            show(
                "note list by title, first page",
                timed(lambda: note_list(database, NoteQuery(sort="title"), limit=LIST_PAGE), 7),
            )
            show("note list, every note in one read (CLI)", timed(lambda: note_list(database), 3))
            target = LinkTarget("note", hub.note_id)
            print(f"backlinks of the hub: {len(backlinks(database, target))}")
            show("backlinks of a note", timed(lambda: backlinks(database, target), 200), "5 ms")

            head = big.version_id
            body = big_body
            versions = [(head, body)]

            def save() -> None:
                nonlocal head, body
                at = rng.randrange(len(body) - 200)
                body = body[:at] + rng.choice(WORDS) + " " + body[at + rng.randint(0, 6) :]
                head = save_note(
                    database, big.note_id, title="A 100 KB note", body=body, base_version_id=head
                ).version_id
                versions.append((head, body))

            path = Path(folder, "studydesk.sqlite3")
            before = profile_bytes(path)
            show("saving a version of a 100 KB note", timed(save, 200), "20 ms")
            grown = profile_bytes(path) - before
            print(
                f"  200 saves grew the profile by {grown / 1e6:.2f} MB "
                f"({grown / 200 / 1e3:.1f} KB a save)"
            )
            show(
                "reading a version back (up to 200 saves deep)",
                timed(lambda: version_text(database, rng.choice(versions)[0]), 100),
                "20 ms",
            )
            for version_id, written in rng.sample(versions, 20):
                assert version_text(database, version_id)[1] == written
            made = [drop_trigger(database, f"search_docs_{n}") for n in ("insert", "delete")]
            for sql in made:  # the same triggers, without their search_trigram statements
                restore_trigger(database, without_trigrams(sql))
            show("  the same saves without the trigram index", timed(save, 40))
            for n, sql in zip(("insert", "delete"), made, strict=True):
                drop_trigger(database, f"search_docs_{n}")
                restore_trigger(database, sql)
            trigger = drop_trigger(database, "search_notes_update")
            show("  the same saves without the notes' search trigger", timed(save, 40))
            restore_trigger(database, trigger)
            show(
                "opening a 100 KB note (core)",
                timed(lambda: open_note(database, big.note_id), 40),
                "50 ms",
            )
            show("[[ completion over every title", timed(lambda: note_titles(database, "mitr"), 7))
            show(
                "unlinked mentions of one note",
                timed(lambda: unlinked_mentions(database, hub.note_id), 5),
            )
        finally:
            database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
