"""Card imports report their progress and stop at a cancel: an Anki package and a CSV file, with
real files and a real profile database. A cancel at any step leaves no cards, decks, reviews,
import record or new image behind (the write session rolls back, the importer removes images)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apkg_builder import BASIC, PNG, REVERSED, Note, Package, write_apkg
from sqlalchemy import func, select

import app.importers.anki_apkg as anki_apkg
import app.importers.anki_read as anki_read
import app.importers.cards_csv as cards_csv
from app.core.flashcards.tables import CARDS, DECKS, REVIEWS
from app.core.progress import Progress
from app.db.database import ProfileDatabase
from app.db.models import ImportSource
from app.errors import Cancelled
from app.importers.anki_apkg import import_apkg, read_apkg
from app.importers.cards_csv import import_cards_csv

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
DAY_MS = 86_400_000
START_MS = int((NOW - timedelta(days=30)).timestamp() * 1000)
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


class Recorded(Progress):
    """Keeps every (done, total, message) it reports; counts its checks and, when told to,
    raises Cancelled at the `cancel_at`-th one (counting from 0), as a learner's Cancel would."""

    def __init__(self, cancel_at: int | None = None) -> None:
        super().__init__(on_change=lambda *figures: self.reports.append(figures))
        self.reports: list[tuple[int, int, str]] = []
        self.checks = 0
        self.cancel_at = cancel_at

    def check(self) -> None:
        if self.checks == self.cancel_at:
            self.cancel()
        self.checks += 1
        super().check()

    def messages(self) -> list[str]:
        return list(dict.fromkeys(message for _done, _total, message in self.reports))


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cards (or rows) a step, so a handful of cards takes several steps."""
    monkeypatch.setattr(anki_read, "CARDS_PER_STEP", 2)
    monkeypatch.setattr(anki_apkg, "CARDS_PER_STEP", 2)
    monkeypatch.setattr(cards_csv, "ROWS_PER_STEP", 2)


def package() -> Package:
    """Two decks, seven cards (one reversed note), two images, three cards with answers."""
    notes = [Note(f"g-{n}", BASIC, [f"word {n}", f"meaning {n}"], deck=2) for n in range(4)]
    notes[0] = Note("g-0", BASIC, ['cat <img src="cat.png">', "gato"], deck=2)
    notes.append(Note("g-4", REVERSED, ['dog <img src="dog.gif">', "perro"], deck=3))
    notes.append(Note("g-5", BASIC, ["house", "casa"], deck=3))
    built = Package(
        notes=notes,
        decks={1: "Default", 2: "Lang::Spanish", 3: "Lang::Animals"},
        media={"cat.png": PNG, "dog.gif": GIF},
    )
    built.reviews = [
        (n, 0, START_MS + day * DAY_MS + n * 60_000, 3, 0) for n in (0, 1, 4) for day in (0, 2, 9)
    ]
    return built


def counts(database: ProfileDatabase) -> dict[str, int]:
    with database.read_session() as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (CARDS, DECKS, REVIEWS, ImportSource.__table__)
        }


def files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def import_package(
    database: ProfileDatabase, path: Path, media: Path, progress: Progress
) -> anki_apkg.ApkgImportReport:
    """As File > Import Cards… does: read first, then write in one transaction."""
    parsed = read_apkg(path, progress=progress)
    with database.write_session() as session:
        return import_apkg(session, parsed, media, now=NOW, progress=progress)


def test_a_package_reports_each_step_and_reaches_its_total(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_apkg(tmp_path / "spanish.apkg", package(), current=True)
    progress = Recorded()
    report = import_package(database, path, tmp_path / "media", progress)
    assert (report.cards, report.reviews, report.media) == (7, 9, 2)

    assert progress.messages() == [
        "Reading spanish.apkg",
        "Reading cards (0 of 7)",
        "Reading cards (2 of 7)",
        "Reading cards (4 of 7)",
        "Reading cards (6 of 7)",
        "Storing images",
        "Adding cards",
        "Writing the review history",
    ]
    # reading has no total; then one step per image, per card and per card with answers
    assert {total for _d, total, m in progress.reports if m.startswith("Reading")} == {0}
    assert {total for _d, total, m in progress.reports if not m.startswith("Reading")} == {
        2 + 7 + 3
    }
    dones = [done for done, _total, _message in progress.reports]
    assert dones == sorted(dones)
    assert progress.snapshot() == (12, 12, "Writing the review history")
    steps = {
        message: [d for d, _t, m in progress.reports if m == message]
        for message in ("Storing images", "Adding cards", "Writing the review history")
    }
    assert steps["Storing images"] == [0, 1, 2]
    # four new cards in "Lang::Spanish", then three in "Lang::Animals": two at a time per deck
    assert steps["Adding cards"] == [2, 4, 6, 8, 9]
    assert steps["Writing the review history"] == [9, 11, 12]
    assert progress.checks >= 12


def test_reimporting_counts_the_cards_already_there_at_once(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_apkg(tmp_path / "spanish.apkg", package())
    import_package(database, path, tmp_path / "media", Progress())
    progress = Recorded()
    report = import_package(database, path, tmp_path / "media", progress)
    assert (report.cards, report.already_there, report.reviews) == (0, 7, 0)
    adding = [d for d, _t, m in progress.reports if m == "Adding cards"]
    assert adding == [2 + 7]  # every card already there: one jump, no chunk written
    assert progress.snapshot()[:2] == (12, 12)


def test_the_import_reads_the_package_itself_with_the_same_progress(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    path = write_apkg(tmp_path / "spanish.apkg", package())
    progress = Recorded()
    with database.write_session() as session:
        import_apkg(session, path, tmp_path / "media", now=NOW, progress=progress)
    assert progress.messages()[:2] == ["Reading spanish.apkg", "Reading cards (0 of 7)"]
    assert progress.snapshot()[:2] == (12, 12)


def full_run_checks(tmp_path: Path, path: Path) -> int:
    """How many times a whole import checks for a cancel (in a database of its own)."""
    other = ProfileDatabase.open(tmp_path / "o" / "s.sqlite3", tmp_path / "ob", create=True)
    try:
        progress = Recorded()
        import_package(other, path, tmp_path / "other-media", progress)
        return progress.checks
    finally:
        other.close()


def test_a_cancel_at_any_step_of_a_package_leaves_nothing_behind(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_apkg(tmp_path / "spanish.apkg", package(), current=True)
    media = tmp_path / "media"
    media.mkdir()
    # the cat picture is already there (from an earlier import): a cancel must keep it
    kept = f"{hashlib.sha256(PNG).hexdigest()}.png"
    (media / kept).write_bytes(PNG)
    before = counts(database)
    checks = full_run_checks(tmp_path, path)
    assert checks >= 12
    for cancel_at in range(checks):
        progress = Recorded(cancel_at)
        with pytest.raises(Cancelled):
            import_package(database, path, media, progress)
        assert counts(database) == before, f"cancelled at check {cancel_at}"
        assert files(media) == {kept}, f"cancelled at check {cancel_at}"
        assert (media / kept).read_bytes() == PNG


def test_a_cancel_while_adding_cards_rolls_back_the_cards_already_added(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_apkg(tmp_path / "spanish.apkg", package())
    media = tmp_path / "media"
    before = counts(database)

    class CancelAfterFourCards(Recorded):
        def advance(self, steps: int = 1, message: str | None = None) -> None:
            super().advance(steps, message)
            if self.snapshot()[0] >= 2 + 4:
                self.cancel()  # two images and four cards are in: then the learner cancels

    progress = CancelAfterFourCards()
    with pytest.raises(Cancelled):
        import_package(database, path, media, progress)
    assert progress.snapshot()[0] == 6
    assert counts(database) == before
    assert files(media) == set()


def write_csv(path: Path, rows: int) -> Path:
    path.write_text("front,back,tags\n" + "".join(f"f{n},b{n},t{n % 3}\n" for n in range(rows)))
    return path


def test_a_csv_import_reports_its_steps_and_reaches_its_total(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_csv(tmp_path / "words.csv", 5)
    with database.write_session() as session:
        import_cards_csv(session, path, "Words", now=NOW)  # two of them are already there
    path.write_text(path.read_text() + "f5,b5,\nf6,b6,\n")
    progress = Recorded()
    with database.write_session() as session:
        report = import_cards_csv(session, path, "Words", now=NOW, progress=progress)
    assert (report.added, report.duplicates) == (2, 5)
    assert progress.messages() == ["Reading words.csv", "Adding cards"]
    assert [d for d, t, m in progress.reports if m == "Adding cards"] == [0, 5, 7]
    assert {t for _d, t, m in progress.reports if m == "Adding cards"} == {7}
    assert progress.snapshot() == (7, 7, "Adding cards")

    progress = Recorded()
    with database.write_session() as session:
        more = write_csv(tmp_path / "more.csv", 5)
        fresh = import_cards_csv(session, more, "More", now=NOW, progress=progress)
    assert fresh.added == 5
    assert [d for d, _t, m in progress.reports if m == "Adding cards"] == [0, 0, 2, 4, 5]


def test_a_cancel_at_any_step_of_a_csv_import_writes_nothing(
    database: ProfileDatabase, tmp_path: Path, small_steps: None
) -> None:
    path = write_csv(tmp_path / "words.csv", 7)
    progress = Recorded()
    other = ProfileDatabase.open(tmp_path / "o" / "s.sqlite3", tmp_path / "ob", create=True)
    try:
        with other.write_session() as session:
            import_cards_csv(session, path, "Words", now=NOW, progress=progress)
    finally:
        other.close()
    checks = progress.checks
    assert checks >= 5
    before = counts(database)
    for cancel_at in range(checks):
        with pytest.raises(Cancelled), database.write_session() as session:
            import_cards_csv(session, path, "Words", now=NOW, progress=Recorded(cancel_at))
        assert counts(database) == before, f"cancelled at check {cancel_at}"
