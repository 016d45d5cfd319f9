"""Anki .apkg import: legacy and current collections, Basic / reversed / Cloze, images, the
review history carrying the schedule over, re-import, bad packages refused whole, the CLI."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apkg_builder import BASIC, CLOZE, PNG, REVERSED, Note, Package, write_apkg
from sqlalchemy import func, select

from app.cli import run
from app.core.flashcards.tables import CARDS, REVIEWS
from app.db.models.flashcards import STATE_NEW, STATE_REVIEW
from app.errors import UserError
from app.importers.anki_apkg import import_apkg
from app.importers.anki_fields import html_to_markdown

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
DAY_MS = 86_400_000
START_MS = int((NOW - timedelta(days=40)).timestamp() * 1000)


def sample_package() -> Package:
    package = Package(
        notes=[
            Note("g-basic", BASIC, ['<b>hola</b><br>&amp; <img src="cat.png">', "hello"]),
            Note("g-rev", REVERSED, ["casa", "house <i>home</i>"], tags="nouns A1"),
            Note("g-cloze", CLOZE, ["{{c1::Madrid}} is the capital of {{c2::Spain::country}}", ""]),
        ],
        media={"cat.png": PNG, "hello.mp3": b"ID3 sound"},
    )
    # the basic card: answered Good four times over 40 days
    package.reviews = [(0, 0, START_MS + day * DAY_MS, 3, 0) for day in (0, 1, 4, 14)]
    package.reviews.append((0, 0, START_MS + 15 * DAY_MS, 0, 4))  # a manual reschedule
    return package


def cards_by_external_id(database) -> dict[str, object]:
    with database.read_session() as session:
        rows = session.execute(select(CARDS)).all()
    return {row.external_id: row for row in rows}


def counts(database) -> tuple[int, int]:
    with database.read_session() as session:
        cards = session.execute(select(func.count()).select_from(CARDS)).scalar_one()
        reviews = session.execute(select(func.count()).select_from(REVIEWS)).scalar_one()
    return int(cards), int(reviews)


def do_import(database, path: Path, media: Path, **options):
    with database.write_session() as session:
        return import_apkg(session, path, media, now=NOW, **options)


@pytest.mark.parametrize("current", [False, True], ids=["legacy-anki2", "current-anki21b"])
def test_a_package_brings_cards_images_and_schedule(database, tmp_path: Path, current: bool):
    path = write_apkg(tmp_path / "spanish.apkg", sample_package(), current=current)
    media = tmp_path / "media"
    report = do_import(database, path, media)
    assert report.collection == ("collection.anki21b" if current else "collection.anki2")
    summary = {k: report.as_json()[k] for k in ("decks", "notes", "cards", "reviews", "media")}
    assert summary == {"decks": 1, "notes": 3, "cards": 5, "reviews": 4, "media": 1}
    assert report.skipped_reviews == 1 and report.skipped_media == 1
    cards = cards_by_external_id(database)
    basic = cards["g-basic:0"]
    (image,) = list(media.iterdir())
    assert image.read_bytes() == PNG
    assert basic.front == f"**hola**\n& ![cat.png](studydesk-media:{image.name})"
    assert (basic.back, basic.source) == ("hello", "anki")
    assert (cards["g-rev:1"].front, cards["g-rev:1"].back) == ("house *home*", "casa")
    assert cards["g-cloze:0"].front == "[...] is the capital of Spain"
    assert cards["g-cloze:1"].front == "Madrid is the capital of [country]"
    assert cards["g-cloze:1"].back == "Madrid is the capital of **Spain**"
    # the history carries over: the reviewed card is due weeks from now, the others are new
    assert basic.state == STATE_REVIEW and basic.reps == 4
    assert basic.due > NOW + timedelta(days=3)
    assert cards["g-rev:0"].state == STATE_NEW and cards["g-rev:0"].due is None


def test_reimport_adds_nothing_but_new_answers(database, tmp_path: Path):
    package = sample_package()
    media = tmp_path / "media"
    do_import(database, write_apkg(tmp_path / "a.apkg", package), media)
    again = do_import(database, write_apkg(tmp_path / "b.apkg", package, current=True), media)
    assert (again.cards, again.reviews, again.already_there) == (0, 0, 5)
    assert counts(database) == (5, 4)
    package.reviews.append((0, 0, START_MS + 39 * DAY_MS, 1, 1))  # forgotten since
    later = do_import(database, write_apkg(tmp_path / "c.apkg", package), media)
    assert (later.cards, later.reviews) == (0, 1)
    assert cards_by_external_id(database)["g-basic:0"].lapses == 1


def test_deck_option_puts_every_card_in_one_deck(database, tmp_path: Path):
    path = write_apkg(tmp_path / "a.apkg", sample_package())
    report = do_import(database, path, tmp_path / "m", deck_name="Inbox::Anki")
    assert report.decks == ("Inbox::Anki",)


def test_field_html_becomes_safe_readable_markdown():
    html = (
        '<div>one<br>two</div><script>alert("x")</script><style>b{}</style>'
        '<b> bold </b><span onclick="x()">2 * 3 &lt; 7</span><img src="a.jpg">'
    )
    text = html_to_markdown(html, lambda src: f"[img {src}]")
    assert text == "one\ntwo\n **bold** 2 \\* 3 \\< 7[img a.jpg]"
    assert "alert" not in text and "onclick" not in text


def _not_a_zip(tmp_path: Path) -> Path:
    path = tmp_path / "bad.apkg"
    path.write_bytes(b"this is not a zip")
    return path


def _escaping_path(tmp_path: Path) -> Path:
    package = sample_package()
    package.extra_members = {"../evil.sh": b"rm -rf"}
    return write_apkg(tmp_path / "bad.apkg", package)


def _no_collection(tmp_path: Path) -> Path:
    path = tmp_path / "bad.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("media", "{}")
    return path


def _damaged_collection(tmp_path: Path) -> Path:
    path = tmp_path / "bad.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x07" * 4000)
    return path


def _unknown_note_type(tmp_path: Path) -> Path:
    package = sample_package()
    package.note_types[BASIC] = ("Fancy", False, ["Front"], [("C", "{{Front}}{{Missing}}", "x")])
    return write_apkg(tmp_path / "bad.apkg", package)


def _missing_note_type(tmp_path: Path) -> Path:
    package = sample_package()
    package.notes.append(Note("g-x", 4242, ["a", "b"]))
    package.note_types[4242] = ("Gone", False, ["Front"], [("C", "{{Front}}", "")])
    path = write_apkg(tmp_path / "bad.apkg", package)
    package.note_types.pop(4242)
    return write_apkg(path, package)


def _huge_media(tmp_path: Path) -> Path:
    package = sample_package()
    package.media["cat.png"] = PNG + bytes(21 * 2**20)
    return write_apkg(tmp_path / "bad.apkg", package, current=True)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_a_zip, "another kind of file renamed"),
        (_escaping_path, "leads outside the package ('../evil.sh')"),
        (_no_collection, "holds no Anki collection"),
        (_damaged_collection, "the collection inside"),
        (_unknown_note_type, "the note type 'Fancy' (1 notes) cannot be imported"),
        (_missing_note_type, "use a note type that is not in the package"),
        (_huge_media, "more than the 20 MB"),
    ],
)
def test_a_bad_package_is_refused_whole(database, tmp_path: Path, make, message: str):
    path = make(tmp_path)
    before = path.read_bytes()
    media = tmp_path / "media"
    with pytest.raises(UserError, match=r"bad\.apkg") as refused:
        do_import(database, path, media)
    assert message in str(refused.value)
    assert counts(database) == (0, 0)
    assert not media.exists() or not list(media.iterdir())
    assert path.read_bytes() == before  # the source is never touched


def test_the_command_line_imports_a_package_as_json(tmp_path: Path, capsys):
    data = tmp_path / "data"
    path = write_apkg(tmp_path / "spanish.apkg", sample_package(), current=True)
    assert run(["--data-dir", str(data), "profile", "create", "Ana"]) == 0
    capsys.readouterr()
    assert run(["--data-dir", str(data), "import", "apkg", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("decks", "notes", "cards", "reviews", "media")} == {
        "decks": 1,
        "notes": 3,
        "cards": 5,
        "reviews": 4,
        "media": 1,
    }
    bad = _not_a_zip(tmp_path)
    assert run(["--data-dir", str(data), "import", "apkg", str(bad)]) == 1
    assert "another kind of file renamed" in capsys.readouterr().err


def test_a_package_written_by_anki_itself(database, tmp_path: Path):
    collection_module = pytest.importorskip("anki.collection", reason="the anki package")
    (tmp_path / "anki").mkdir()
    col = collection_module.Collection(str(tmp_path / "anki" / "c.anki2"))
    deck = col.decks.id("Geo")
    for name, fields in (("Basic", ["Paris", "France"]), ("Cloze", ["{{c1::Rome}} is in Italy"])):
        note = col.new_note(col.models.by_name(name))
        for index, value in enumerate(fields):
            note.fields[index] = value
        col.add_note(note, deck)
    for legacy in (False, True):
        out = tmp_path / f"anki{int(legacy)}.apkg"
        options = collection_module.ExportAnkiPackageOptions(
            with_scheduling=True, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(out), options=options, limit=None)
    col.close()
    first = do_import(database, tmp_path / "anki0.apkg", tmp_path / "m")
    second = do_import(database, tmp_path / "anki1.apkg", tmp_path / "m")
    assert (first.cards, first.collection) == (2, "collection.anki21b")
    assert (second.cards, second.already_there, second.collection) == (0, 2, "collection.anki21")
    fronts = sorted(str(row.front) for row in cards_by_external_id(database).values())
    assert fronts == ["Paris", "[...] is in Italy"]


def test_a_collection_file_is_read_only_from_a_copy(tmp_path: Path):
    # the temporary copy is opened immutable: even a write attempt cannot reach it
    path = tmp_path / "c.sqlite3"
    sqlite3.connect(path).close()
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("CREATE TABLE t (x)")
    connection.close()


def test_the_same_note_twice_in_a_package_is_one_card_with_both_histories(database, tmp_path: Path):
    package = Package(
        notes=[
            Note("g-twice", BASIC, ["uno", "one"]),
            Note("g-twice", BASIC, ["uno", "one"]),  # exported twice (e.g. two decks merged)
        ]
    )
    package.reviews = [
        (0, 0, START_MS, 3, 0),
        (1, 0, START_MS + DAY_MS, 3, 1),
    ]
    report = do_import(database, write_apkg(tmp_path / "twice.apkg", package), tmp_path / "m")
    assert report.cards == 1
    assert counts(database) == (1, 2)
    assert cards_by_external_id(database)["g-twice:0"].reps == 2
