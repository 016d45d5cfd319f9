"""Cards in and out of files: CSV/TSV import (bad files refused whole, naming the line), export
to CSV and markdown, the command line, and the bundled sample deck."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flashcard_helpers import make_deck
from sqlalchemy import func, select

from app.cli import card_commands, run
from app.core.changes import Change
from app.core.flashcards import sample
from app.core.flashcards.browser import CardFilter, CardSort, card_rows, search_card_ids
from app.core.flashcards.cards import add_card
from app.core.flashcards.decks import load_tree
from app.core.flashcards.media import media_link, media_references, store_media
from app.core.flashcards.tables import CARDS, DECKS
from app.core.samples import load_sample_content, remove_sample_content
from app.db.models import ImportSource
from app.errors import UserError
from app.features import FEATURES
from app.importers.cards_csv import import_cards_csv, read_cards_csv
from app.importers.cards_export import export_deck_csv, export_deck_markdown

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def live_cards(database) -> int:
    with database.read_session() as session:
        query = select(func.count()).select_from(CARDS).where(CARDS.c.deleted_at.is_(None))
        return int(session.execute(query).scalar_one())


def import_file(database, path: Path, deck: str = "Imported", **options):
    with database.write_session() as session:
        return import_cards_csv(session, path, deck, **options)


def test_a_csv_with_header_quotes_and_tags_comes_in(database, tmp_path: Path):
    path = tmp_path / "spanish.csv"
    path.write_text(
        'front,back,tags\nhola,hello,"greeting, A1 level"\n'
        '"la casa, grande","the big\nhouse",nouns\nadiós,goodbye,\n',
        encoding="utf-8",
    )
    report = import_file(database, path, "Languages::Spanish")
    assert (report.added, report.duplicates, report.deck_name) == (3, 0, "Languages::Spanish")
    with database.read_session() as session:
        rows = card_rows(session, report.card_ids, datetime.now(UTC))
        sources = session.execute(select(ImportSource.kind, ImportSource.report)).all()
    assert [(r.front, r.tags) for r in rows] == [
        ("hola", ("A1 level", "greeting")),  # commas separate tags; a tag may hold spaces
        ("la casa, grande", ("nouns",)),
        ("adiós", ()),
    ]
    assert sources == [("cards-csv", {"deck": "Languages::Spanish", "added": 3, "duplicates": 0})]
    again = import_file(database, path, "Languages::Spanish")
    assert (again.added, again.duplicates) == (0, 3)  # the same file twice adds nothing
    assert live_cards(database) == 3


def test_tsv_utf16_and_anki_headers_are_understood(database, tmp_path: Path):
    tsv = tmp_path / "words.tsv"
    tsv.write_text("perro\tdog\nel gato, negro\tthe black cat\tanimals;pets too\n", "utf-8")
    anki = tmp_path / "anki.txt"
    anki.write_text(
        "#separator:semicolon\n#html:false\nun;one;numbers spanish\ndos;two\n", encoding="utf-16"
    )
    assert import_file(database, tsv).added == 2
    parsed = read_cards_csv(anki)
    assert parsed.encoding == "utf-16" and parsed.separator == ";"
    assert [(c.line, c.front) for c in parsed.cards] == [(3, "un"), (4, "dos")]
    assert parsed.cards[0].tags == ("numbers", "spanish")  # Anki's file: tags by spaces
    assert read_cards_csv(tsv).cards[1].tags == ("animals", "pets too")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"front,back\nuno,one\ndos,two,numbers,extra\n", r"bad\.csv, line 3: expected 2 or 3"),
        (b"uno,one\n" * 5 + b"caf\xe9,coffee\n", r"bad\.csv, line 6: this is not utf-8 text"),
        (b"", r"bad\.csv is empty"),
        (b"\xef\xbb\xbf \n\n", r"bad\.csv is empty"),
        (b"front,back\n", r"holds no cards"),
        (b"uno,one\n,nothing on the front\n", r"line 2: the front is empty"),
        (b"just one column\n", r"line 1: expected 2 or 3"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_file_and_line(
    database, tmp_path: Path, content: bytes, message: str
):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        import_file(database, path, "Never")
    assert live_cards(database) == 0
    with database.read_session() as session:
        assert load_tree(session).decks == ()
        assert session.execute(select(func.count()).select_from(ImportSource)).scalar() == 0


def test_a_named_encoding_reads_what_utf8_cannot(database, tmp_path: Path):
    path = tmp_path / "latin.csv"
    path.write_bytes("café,coffee\n".encode("cp1252"))
    assert import_file(database, path, encoding="cp1252").added == 1
    with pytest.raises(UserError, match="not an encoding"):
        read_cards_csv(path, "klingon")


def test_csv_export_reads_back_the_same(database, tmp_path: Path, now):
    deck = make_deck(database, "Export")
    child = make_deck(database, "Export::Child")
    with database.write_session() as session:
        add_card(session, deck.id, 'Quote "this", please', "line one\nline two", tags=["a b", "c"])
        add_card(session, child.id, "**bold** front", "", tags=["plain"])
        add_card(session, child.id, "one tag of two words", "", tags=["machine learning"])
    out = tmp_path / "out" / "export.csv"
    with database.read_session() as session:
        assert export_deck_csv(session, deck.id, out).cards == 3
    report = import_file(database, out, "Round trip")
    with database.read_session() as session:
        back = card_rows(session, report.card_ids, now)
        originals = search_card_ids(session, CardFilter(deck_id=deck.id), CardSort(), now)
        before = card_rows(session, originals, now)
    assert [(r.front, r.back, r.tags) for r in back] == [(r.front, r.back, r.tags) for r in before]
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_markdown_export_writes_a_file_per_card_with_its_images(database, tmp_path: Path):
    media = tmp_path / "media"
    name = store_media(media, PNG)
    assert store_media(media, PNG) == name  # stored once
    assert media_references(f"x {media_link(name)} y ![b](other.png)") == [name]
    with pytest.raises(UserError, match="PNG"):
        store_media(media, b"<svg onload=alert(1)>")
    deck = make_deck(database, "Anatomy")
    child = make_deck(database, "Anatomy::Heart")
    with database.write_session() as session:
        add_card(session, deck.id, "What is this?", media_link(name, "a heart"), tags=["img"])
        add_card(session, child.id, "Chambers?", "Four")
    folder = tmp_path / "notes"
    with database.read_session() as session:
        report = export_deck_markdown(session, deck.id, folder, media)
    assert (report.cards, report.media) == (2, 1)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert files == ["00001-what-is-this.md", "Heart/00002-chambers.md"]
    text = (folder / files[0]).read_text(encoding="utf-8")
    assert f"![a heart](media/{name})" in text and "tags: img" in text
    assert (folder / "media" / name).read_bytes() == PNG
    with database.read_session() as session, pytest.raises(UserError, match="not empty"):
        export_deck_markdown(session, deck.id, folder, media)


def test_the_command_line_imports_and_exports(tmp_path: Path, capsys, monkeypatch):
    assert any(card_commands.__name__ in f.cli_modules for f in FEATURES)
    data = tmp_path / "data"
    source = tmp_path / "cards.csv"
    source.write_text("uno,one\ndos,two\n", encoding="utf-8")
    assert run(["--data-dir", str(data), "profile", "create", "Ana"]) == 0
    capsys.readouterr()
    args = ["--data-dir", str(data), "import", "csv", str(source), "--deck", "Spanish::Numbers"]
    assert run(args) == 0
    assert "Imported 2 cards into “Spanish::Numbers” from cards.csv." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"uno,one\n\xff\xfe\xfa,x\n")
    assert run(["--data-dir", str(data), "import", "csv", str(bad), "--deck", "X"]) == 1
    assert f"{bad}, line 2" in capsys.readouterr().err
    out = tmp_path / "numbers.csv"
    assert run(["--data-dir", str(data), "export", "csv", "--deck", "spanish", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "front,back,tags",
        "uno,one,",
        "dos,two,",
    ]
    assert run(["--data-dir", str(data), "export", "csv", "--deck", "Nope", str(out)]) == 1
    assert "no deck called 'Nope'" in capsys.readouterr().err
    folder = tmp_path / "md"
    assert (
        run(["--data-dir", str(data), "export", "markdown", "--deck", "Spanish", str(folder)]) == 0
    )
    assert len(list(folder.rglob("*.md"))) == 2


def test_the_sample_deck_loads_and_goes_with_the_other_samples(database):
    with database.write_session() as session:
        load_sample_content(session)
    with database.read_session() as session:
        decks = [(d.full_name, d.is_sample) for d in load_tree(session).decks]
    assert decks == [("Sample", True), ("Sample::Getting started with flashcards", True)]
    assert live_cards(database) == 14
    # A card of the learner's own in the sample deck keeps that deck (and its parent).
    with database.write_session() as session:
        own_deck = load_tree(session).find("Sample::Getting started with flashcards")
        assert own_deck is not None
        mine = add_card(session, own_deck.id, "my own card").card_ids[0]
    with database.write_session() as session:
        changes = remove_sample_content(session).changes
    assert changes & Change.CARDS
    assert live_cards(database) == 1
    with database.read_session() as session:
        assert [d.full_name for d in load_tree(session).decks] == [
            "Sample",
            "Sample::Getting started with flashcards",
        ]
        left = session.execute(select(CARDS.c.id).where(CARDS.c.deleted_at.is_(None))).scalars()
        assert list(left) == [mine]
    # Without anything of the learner's, both sample decks go.
    with database.write_session() as session:
        session.execute(CARDS.update().values(is_sample=True))
        sample.remove_sample_decks(session)
        live = session.execute(select(DECKS.c.id).where(DECKS.c.deleted_at.is_(None))).all()
    assert live == []


def test_a_new_profile_gets_the_sample_deck(tmp_path):
    from app.core.opening import open_profile
    from app.core.profiles import create_profile
    from app.paths import data_locations

    locations = data_locations(tmp_path / "data")
    opened = open_profile(locations, create_profile(locations, "Ana"))
    try:
        with opened.database.read_session() as session:
            found = load_tree(session).find("Sample::Getting started with flashcards")
        assert found is not None and found.is_sample
        assert live_cards(opened.database) == 14
    finally:
        opened.close()
