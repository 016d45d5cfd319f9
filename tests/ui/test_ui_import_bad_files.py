"""Bad files as a learner meets them in the window: dropped on it, or chosen with File > Import.
Each message names the file and says what to do, in plain words; nothing is half imported and
the file itself is left as it was."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from legacy_setup import FIXTURES, MS2_FILES
from lessons_helpers import sample_pack
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from test_ui_legacy_import import (
    Hold,
    choose_files,
    held_import,  # noqa: F401  (a fixture)
    report_dialog,
)
from test_ui_open_files import drag, told, write_apkg, write_qbank
from test_ui_refused_files import refused_dialog, refused_texts

import app.importers.qbank_pack_actions as qbank_actions
from app.core.assessments.tables import QUESTIONS
from app.core.courses.course_reads import course_library
from app.core.courses.library import LibrarySort
from app.core.flashcards.reads import deck_tree
from app.ui.main_window import MainWindow
from app.ui.review.card_mapping import CardMappingDialog

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da6360000002000154a24f5d0000000049454e44ae426082"
)
TECHNICAL = ("Error", "errno", "Traceback", "Expecting value", "File is not a zip", "0x")


def plain(text: str) -> str:
    """`text`, checked to carry none of the words a learner cannot act on."""
    for word in TECHNICAL:
        assert word not in text, f"{word!r} in {text!r}"
    return text


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_of(path: Path, content: bytes) -> Path:
    """A file holding `content` (a picture, nothing) under a name that promises another kind."""
    path.write_bytes(content)
    return path


def test_a_folder_named_like_a_deck_is_called_a_folder_and_an_unzipped_course_comes_in(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "Révision espagnol.apkg"
    folder.mkdir()
    assert drag(window, [folder], drop=True)
    text = plain(told(qtbot, "File Not Opened").text())
    assert text.startswith("Révision espagnol.apkg is a folder, not a file")
    assert "choose the file inside it" in text
    assert "not there any more" not in text

    packed = sample_pack(tmp_path / "memory.zip", "Memory Palace")
    unzipped = tmp_path / "Memory Palace.sdcourse"
    with zipfile.ZipFile(packed) as archive:
        archive.extractall(unzipped)
    assert drag(window, [unzipped], drop=True)
    assert told(qtbot, "Course Imported").text().startswith("Imported “Memory Palace”")
    database = window.context.opened.database
    assert "Memory Palace" in {r.topic for r in course_library(database, "", LibrarySort.TOPIC)}
    assert json.loads((unzipped / "course.json").read_text(encoding="utf-8"))["topic"]


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the legacy sample files are not here: {FIXTURES}")
    copied = tmp_path / "Fragen Ärztin.json"
    copied.write_bytes((FIXTURES / MS2_FILES[0]).read_bytes())
    return copied


def test_a_deck_chosen_in_file_import_goes_to_its_own_import_beside_the_older_files(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    questions: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deck = write_apkg(tmp_path / "mi mazo.apkg")
    picture = file_of(tmp_path / "photo.apkg", PNG)
    before = digest(picture), digest(deck), digest(questions)
    choose_files(monkeypatch, [deck, questions, picture])
    window.import_action.trigger()
    assert told(qtbot, "Cards Imported").text().endswith("from mi mazo.apkg.")
    refused = told(qtbot, "Cards Not Imported").text()
    assert "photo.apkg" in refused and "older apps" not in refused
    assert window.legacy_import is not None
    shown = report_dialog(qtbot, window.legacy_import).shown_text()
    assert "Brought in: 2 questions." in shown
    assert "apkg" not in shown  # neither deck was read as the older apps' JSON
    assert (digest(picture), digest(deck), digest(questions)) == before


def test_an_older_apps_file_dropped_on_the_window_is_imported(
    qtbot: QtBot, window: MainWindow, questions: Path
) -> None:
    assert drag(window, [questions], drop=True)
    assert window.legacy_import is not None
    shown = report_dialog(qtbot, window.legacy_import).shown_text()
    assert "Brought in: 2 questions." in shown


def test_file_import_names_each_bad_file_in_plain_words_and_the_good_one_comes_in(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    questions: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = tmp_path / "cards exported.json"
    table.write_text("front,back\nhola,hello\n", encoding="utf-8")
    real = (FIXTURES / "techtree_db.reconstructed-164e153.json").read_bytes()
    half = tmp_path / "techtree copie.json"
    half.write_bytes(real[: len(real) // 2])
    folder = tmp_path / "old notes.json"
    folder.mkdir()
    before = digest(table), digest(half), digest(questions)
    choose_files(monkeypatch, [table, questions, half, folder])
    window.import_action.trigger()
    assert window.legacy_import is not None
    dialog = report_dialog(qtbot, window.legacy_import)
    shown = plain(dialog.shown_text())
    assert dialog.heading.text() == "Import finished"
    assert "Brought in: 2 questions." in shown
    assert "cards exported.json is not valid JSON (the first problem is at line 1, column 1)" in (
        shown
    )
    assert f"{tmp_path}/cards exported.json is" not in shown  # the path below, not before it
    assert f"{tmp_path}/cards exported.json" in shown
    assert "Check that you chose the right file" in shown
    assert "techtree copie.json is not valid JSON: it ends too early" in shown
    assert "as if it was cut off while being copied or saved" in shown
    assert "Copy it again" in shown
    assert "old notes.json is a folder, not a file" in shown
    assert (digest(table), digest(half), digest(questions)) == before


def test_files_renamed_to_apkg_are_refused_with_what_to_do_and_the_good_deck_comes_in(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    deck = write_apkg(tmp_path / "Español básico.apkg")
    picture = file_of(tmp_path / "photo.apkg", PNG)
    table = tmp_path / "words.apkg"
    table.write_text("front,back\nhola,hello\n", encoding="utf-8")
    empty = file_of(tmp_path / "empty.apkg", b"")
    before = [digest(path) for path in (deck, picture, table, empty)]
    assert drag(window, [picture, deck, table, empty], drop=True)
    assert told(qtbot, "Cards Imported").text().endswith("from Español básico.apkg.")
    refused = refused_texts(qtbot, "Cards Not Imported", 3)  # in one message
    for path in (picture, table):
        (text,) = [plain(t) for t in refused if t.startswith(str(path))]
        assert "is not an Anki package (.apkg): it is another kind of file renamed" in text
        assert "export the deck again" in text and text.endswith("Nothing was imported.")
    (text,) = [t for t in refused if t.startswith(str(empty))]
    assert "it is empty (0 bytes)" in text and "export the deck again" in text
    assert [digest(path) for path in (deck, picture, table, empty)] == before


def mapping_problem(qtbot: QtBot, window: MainWindow, path: Path) -> str:
    """What the column dialog says about `path` dropped on the window, once it has read it."""
    assert drag(window, [path], drop=True)

    def shown() -> CardMappingDialog | None:
        for dialog in window.findChildren(CardMappingDialog):
            if dialog.isVisible() and dialog.problem.text():
                return dialog
        return None

    qtbot.waitUntil(lambda: shown() is not None, timeout=20_000)
    dialog = shown()
    assert dialog is not None
    text = dialog.problem.text()
    dialog.reject()
    return text


def test_a_picture_or_a_windows_file_dropped_as_cards_is_explained_in_window_words(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    picture = file_of(tmp_path / "carte mentale.csv", PNG)
    text = plain(mapping_problem(qtbot, window, picture))
    assert text.startswith(f"{picture}, line 3: holds a NUL character, which is not text")
    assert "another kind of file renamed (a picture, a document)" in text
    assert digest(picture) == hashlib.sha256(PNG).hexdigest()

    windows = tmp_path / "vocabulaire.csv"
    windows.write_bytes("café,coffee\nniño,child\n".encode("cp1252"))
    text = plain(mapping_problem(qtbot, window, windows))
    assert text.startswith(f"{windows}, line 1: this is not utf-8 text.")
    assert "Windows-1252 in the Encoding list" in text


def test_packs_that_are_not_packs_are_refused_with_what_to_do_and_the_good_one_comes_in(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    good = write_qbank(tmp_path / "Cardiologie 1.sdqbank")
    picture = file_of(tmp_path / "schéma.sdqbank", PNG)
    empty = file_of(tmp_path / "vide.sdqbank", b"")
    course = file_of(tmp_path / "Anatomie.sdcourse", PNG)
    empty_course = file_of(tmp_path / "rien.sdcourse", b"")
    bad = [picture, empty, course, empty_course]
    before = [digest(path) for path in bad]
    assert drag(window, [picture, good, empty, course, empty_course], drop=True)
    assert told(qtbot, "Questions Imported").text() == "Cardiologie 1.sdqbank: 1 question added."
    dialog = refused_dialog(qtbot)  # the four in one message
    shown = dialog.shown_text()
    assert shown.startswith("4 of the 5 files were not imported.")
    assert all(path.name in shown for path in bad)
    by_title: dict[str, list[str]] = {r.title: [] for r in dialog.refused}
    for refusal in dialog.refused:
        by_title[refusal.title].append(plain(refusal.text))
    dialog.accept()
    questions, courses = by_title["Questions Not Imported"], by_title["Course Not Imported"]
    assert len(questions) == len(courses) == 2
    (text,) = [t for t in questions if str(picture) in t]
    assert "it is another kind of file renamed" in text and "question pack again" in text
    assert text.count("schéma.sdqbank") == 1  # named once, not twice
    (text,) = [t for t in questions if str(empty) in t]
    assert "it is empty (0 bytes)" in text and "question pack again" in text
    (text,) = [t for t in courses if str(course) in t]
    assert "another kind of file renamed" in text and "File > Export Course…" in text
    (text,) = [t for t in courses if str(empty_course) in t]
    assert "it is empty (0 bytes)" in text and "pack again" in text
    assert [digest(path) for path in bad] == before


def many_questions(path: Path, number: int) -> Path:
    model = {
        "choices": [{"label": "A", "text": "One"}, {"label": "B", "text": "Two"}],
        "answer": "B",
        "explanation": {"summary": "Two it is."},
        "subject": "Physiology",
        "system": "Renal",
    }
    questions = [{**model, "id": f"big_{i}", "stem": f"Question {i}?"} for i in range(number)]
    document = {"format": "studydesk-qbank", "format_version": 1, "questions": questions}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("questions.json", json.dumps(document))
    return path


def test_a_long_question_pack_import_counts_in_the_status_bar_and_cancel_keeps_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = many_questions(tmp_path / "Banque complète.sdqbank", 1_200)
    reached, release = threading.Event(), threading.Event()
    real = qbank_actions.upsert_questions
    calls: list[int] = []

    def held(*args: Any, **kwargs: Any) -> Any:
        if calls:  # the first batch is written, the next waits: time to press Cancel
            reached.set()
            release.wait(20)
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(qbank_actions, "upsert_questions", held)
    database = window.context.opened.database

    def questions() -> int:
        with database.read_session() as session:
            return len(session.execute(QUESTIONS.select()).all())

    before = questions()
    assert drag(window, [pack], drop=True)
    status = window.task_status
    qtbot.waitUntil(lambda: reached.is_set() and status.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: status.bar.value() == 500, timeout=20_000)
    assert status.label.text() == "Importing Banque complète.sdqbank — Adding questions"
    assert status.bar.maximum() == 1_200
    assert status.cancel_button.isVisible()
    status.cancel_button.click()
    release.set()
    text = told(qtbot, "Import Cancelled").text()
    assert text.startswith("Importing Banque complète.sdqbank was cancelled. Nothing was imported")
    assert questions() == before


def test_a_large_card_file_shows_its_columns_from_its_start_and_a_bad_end_is_named_on_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    big = tmp_path / "liste énorme.csv"
    rows = "".join(f"mot {i},word {i} {'·' * 20}\n" for i in range(60_000))
    big.write_bytes(rows.encode("utf-8") + b"broken\0line,x\n")  # 2.4 MB, a NUL at the end
    before = digest(big)
    assert drag(window, [big], drop=True)

    def dialog() -> CardMappingDialog | None:
        found = [d for d in window.findChildren(CardMappingDialog) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: dialog() is not None and dialog().table.rowCount() > 0, timeout=20_000)
    shown = dialog()
    assert shown is not None
    assert shown.table.item(1, 0).text() == "mot 0" and shown.problem.text() == ""
    shown.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    text = plain(told(qtbot, "Cards Not Imported").text())
    assert text.startswith(f"{big}, line 60001: holds a NUL character")
    assert shown.isVisible()  # left open: nothing came in, the learner can go back
    database = window.context.opened.database
    assert not any(deck.full_name == "liste énorme" for deck in deck_tree(database))
    assert digest(big) == before


def test_a_picture_in_a_markdown_folder_is_left_out_and_named_and_the_notes_come_in(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from app.core.notes.note_reads import NoteQuery, note_list
    from app.ui import notebook_files

    vault = tmp_path / "Mon coffre"
    vault.mkdir()
    (vault / "Cœur.md").write_text("# Cœur\nLe cœur pompe. #cardio\n", encoding="utf-8")
    picture = vault / "schéma.md"
    picture.write_bytes(PNG)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(vault))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (notebook_files.AS_NOTES, True))
    notebook_files.import_markdown(window.context, window)
    box = told(qtbot, "Markdown Imported")
    assert box.text() == "Imported 1 note, 1 notebook, 1 tag from Mon coffre."
    assert box.detailedText() == (
        "schéma.md: not text: a picture or another kind of file given a markdown name, or a "
        "damaged one, so it was not imported"
    )
    titles = {row.title for row in note_list(window.context.opened.database, NoteQuery()).rows}
    assert "Cœur" in titles and "schéma" not in titles
    assert digest(picture) == hashlib.sha256(PNG).hexdigest()


def test_a_card_file_gone_between_choosing_and_importing_is_said_so_with_what_to_do(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from app.ui.review.card_import import import_cards

    gone = tmp_path / "Clé USB" / "mazo español.apkg"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(gone), ""))
    import_cards(window.context, window)
    text = plain(told(qtbot, "Cards Not Imported").text())
    assert text == (
        f"{gone} is not there (moved, renamed or deleted?). Find the file and import it from "
        "where it is now. Nothing was imported."
    )
    gone_csv = gone.with_suffix(".csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(gone_csv), ""))
    import_cards(window.context, window)
    qtbot.waitUntil(
        lambda: any(
            d.isVisible() and d.problem.text() for d in window.findChildren(CardMappingDialog)
        ),
        timeout=20_000,
    )
    (dialog,) = [d for d in window.findChildren(CardMappingDialog) if d.isVisible()]
    assert plain(dialog.problem.text()).startswith(f"{gone_csv} is not there (moved, renamed")
    dialog.reject()


def test_older_files_dropped_while_an_import_runs_are_told_to_wait_and_it_goes_on(
    qtbot: QtBot,
    window: MainWindow,
    questions: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_import: Hold,  # noqa: F811
) -> None:
    choose_files(monkeypatch, [questions])
    window.import_action.trigger()
    run = window.legacy_import
    assert run is not None
    qtbot.waitUntil(held_import.reached.is_set, timeout=20_000)
    later = tmp_path / "notes plus tard.json"
    later.write_bytes((FIXTURES / MS2_FILES[1]).read_bytes())
    assert drag(window, [later], drop=True)
    text = plain(told(qtbot, "File Not Opened").text())
    assert text.startswith("notes plus tard.json: another import from the older apps is still")
    assert "drop the files again or choose them with File > Import" in text
    assert window.legacy_import is run  # the running import is left alone
    held_import.release.set()
    assert "Brought in: 2 questions." in report_dialog(qtbot, run).shown_text()


def test_file_import_offers_every_kind_it_takes(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from app.file_types import OPENABLE

    offered: list[str] = []

    def ask(*args: Any, **_kwargs: Any) -> tuple[list[str], str]:
        offered.append(args[3])
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(ask))
    window.import_action.trigger()
    first = offered[0].split(";;")[0]
    assert all(f"*{suffix}" in first for suffix in [".json", *OPENABLE])
