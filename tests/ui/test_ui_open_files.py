"""Files opened with Study Desk (`studydesk deck.apkg`, a double-click, a second launch handing
them over) are imported into the open profile through the File menu's actions and messages."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import apkg_builder
import pytest
import shiboken6
from lessons_helpers import sample_pack
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, message_boxes

from app.cli import _window_launch
from app.core.courses.course_reads import course_library
from app.core.courses.library import LibrarySort
from app.core.flashcards.reads import deck_tree
from app.core.profiles import create_profile
from app.main import FinderFiles
from app.paths import DataLocations
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.single_instance import SingleInstance, server_name

WAIT_MS = 20_000


def write_apkg(path: Path) -> Path:
    builder = apkg_builder
    package = builder.Package(
        notes=[
            builder.Note("g-1", builder.BASIC, ["hola", "hello"]),
            builder.Note("g-2", builder.REVERSED, ["casa", "house"]),
        ]
    )
    return builder.write_apkg(path, package)


def write_qbank(path: Path) -> Path:
    question = {
        "id": "open_001",
        "stem": "Which one?",
        "choices": [{"label": "A", "text": "One"}, {"label": "B", "text": "Two"}],
        "answer": "B",
        "explanation": {"summary": "Two it is."},
        "subject": "Physiology",
        "system": "Renal",
    }
    document = {"format": "studydesk-qbank", "format_version": 1, "questions": [question]}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("questions.json", json.dumps(document))
    return path


def told(qtbot: QtBot, title: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.windowTitle() == title for b in message_boxes()), timeout=WAIT_MS)
    box = next(b for b in message_boxes() if b.windowTitle() == title)
    text = box.text()
    box.close()
    box.setText(text)  # still readable by the test
    return box


@pytest.fixture
def start(gui: Gui) -> Iterator[list[Launcher]]:
    made: list[Launcher] = []
    yield made
    for launcher in made:
        window = launcher.window
        if window is not None and shiboken6.isValid(window):
            window.close()


def launcher_with(gui: Gui, made: list[Launcher], files: list[Path]) -> Launcher:
    launcher = Launcher(
        gui.locations, gui.runner, gui.settings, gui.appearance, gui.reporter, files=files
    )
    made.append(launcher)
    launcher.start()
    return launcher


def test_launching_with_files_imports_each_once_the_profile_is_open(
    qtbot: QtBot, gui: Gui, start: list[Launcher], tmp_path: Path
) -> None:
    apkg = write_apkg(tmp_path / "spanish.apkg")
    course = sample_pack(tmp_path / "memory.sdcourse", "Memory")
    qbank = write_qbank(tmp_path / "renal.sdqbank")
    launcher = launcher_with(gui, start, [apkg, course, qbank])
    assert told(qtbot, "Cards Imported").text() == (
        "Imported 3 cards (2 notes) into 1 deck, 0 reviews and 0 images from spanish.apkg."
    )
    assert told(qtbot, "Course Imported").text().startswith("Imported “Memory”")
    assert told(qtbot, "Questions Imported").text() == "renal.sdqbank: 1 question added."
    window = launcher.window
    assert window is not None
    database = window.context.opened.database
    assert any(deck.full_name.startswith("Lang") for deck in deck_tree(database))
    topics = {row.topic for row in course_library(database, "", LibrarySort.TOPIC)}
    assert "Memory" in topics
    assert launcher.pending_files == []


def test_a_file_study_desk_cannot_open_is_named(
    qtbot: QtBot, gui: Gui, start: list[Launcher], tmp_path: Path
) -> None:
    gone = tmp_path / "gone.apkg"
    odd = tmp_path / "notes.pdf"
    odd.write_bytes(b"%PDF")
    launcher_with(gui, start, [gone, odd])
    from test_ui_refused_files import refused_texts  # one message names both

    first, second = refused_texts(qtbot, "File Not Opened", 2)
    assert {first.split(" ")[0], second.split(" ")[0]} == {gone.name, "Study"}
    assert "cannot open notes.pdf" in first + second


def test_files_given_while_the_picker_is_up_go_to_the_profile_chosen(
    qtbot: QtBot, gui: Gui, start: list[Launcher], locations: DataLocations, tmp_path: Path
) -> None:
    create_profile(locations, "Ana")
    create_profile(locations, "Bea")
    launcher = launcher_with(gui, start, [])
    qtbot.waitUntil(
        lambda: launcher.picker is not None and launcher.picker.isVisible(), timeout=WAIT_MS
    )
    launcher.open_files([str(write_apkg(tmp_path / "spanish.apkg"))], "")
    assert launcher.pending_files  # no profile open yet: it waits
    picker = launcher.picker
    assert picker is not None
    picker.select("Bea")
    picker.accept()
    assert told(qtbot, "Cards Imported").text().startswith("Imported 3 cards")
    assert launcher.window is not None
    assert launcher.window.context.opened.profile.name == "Bea"


def test_a_second_launch_hands_its_files_to_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(DataLocations(tmp_path / "data"))
    first = SingleInstance(name)
    assert first.listen()
    path = str(tmp_path / "a\nstrange name.apkg")
    try:
        with qtbot.waitSignal(first.files_requested, timeout=5000) as asked:
            assert SingleInstance(name).forward_to_running("Zoë", files=[path])
        assert asked.args == [[path], "Zoë"]
    finally:
        first.close()


def test_the_command_line_tells_files_from_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    args = _window_launch(["deck.apkg", "--profile", "Ana", "b.SDCOURSE"])
    assert args is not None and args.profile == "Ana"
    assert args.files == [tmp_path / "deck.apkg", tmp_path / "b.SDCOURSE"]
    found = _window_launch(["notes.md"])
    assert found is not None and found.files == [tmp_path / "notes.md"]
    assert _window_launch(["db", "check"]) is None
    assert _window_launch(["import", "apkg", "deck.apkg"]) is None
    plain = _window_launch([])
    assert plain is not None and plain.files == []


def test_a_file_finder_hands_over_goes_to_the_launcher(qapp: QApplication) -> None:
    """macOS: a double-click in Finder arrives as a QFileOpenEvent, not on the command line."""
    asked: list[tuple[list[str], str]] = []

    class Launcher:
        def open_files(self, paths: list[str], profile: str) -> None:
            asked.append((paths, profile))

    finder = FinderFiles(qapp, Launcher())  # type: ignore[arg-type]
    try:
        QApplication.sendEvent(qapp, QFileOpenEvent("/Users/ana/deck.apkg"))
    finally:
        qapp.removeEventFilter(finder)
    assert asked == [(["/Users/ana/deck.apkg"], "")]


def drag(target: QWidget, paths: list[Path], *, drop: bool) -> bool:
    """A file manager's drag of `paths` entering `target`, then dropped there when the target
    accepted it (`drop`); returns whether the target accepted the drag."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    action = Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    middle = target.rect().center()
    enter = QDragEnterEvent(middle, action, mime, buttons, keys)
    enter.setAccepted(False)
    QApplication.sendEvent(target, enter)
    if enter.isAccepted() and drop:
        dropped = QDropEvent(QPointF(middle), action, mime, buttons, keys)
        dropped.setAccepted(False)
        QApplication.sendEvent(target, dropped)
        return dropped.isAccepted()
    return enter.isAccepted()


def test_files_dropped_on_the_window_are_imported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    apkg = write_apkg(tmp_path / "spanish.apkg")
    qbank = write_qbank(tmp_path / "renal.sdqbank")
    assert drag(window, [apkg, qbank], drop=True)
    assert told(qtbot, "Cards Imported").text().endswith("from spanish.apkg.")
    assert told(qtbot, "Questions Imported").text() == "renal.sdqbank: 1 question added."
    database = window.context.opened.database
    assert any(deck.full_name.startswith("Lang") for deck in deck_tree(database))


def test_the_window_refuses_a_drag_of_files_it_cannot_open(
    window: MainWindow, tmp_path: Path
) -> None:
    clip = tmp_path / "lecture.mp4"
    clip.write_bytes(b"\0")
    assert not drag(window, [clip], drop=False)
    assert not drag(window, [], drop=False)


def test_a_video_dropped_on_the_videos_view_is_still_added_there(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.videos import library_page

    added: list[list[Path]] = []
    monkeypatch.setattr(library_page, "add_paths", lambda _c, _w, paths: added.append(paths))
    window.open_view(window.pages.row_of("Videos"))
    view = window.view_of("Videos")
    assert view is not None
    page = view.findChild(library_page.LibraryPage)
    assert page is not None
    clip = tmp_path / "lecture.mp4"
    clip.write_bytes(b"\0")
    assert drag(page, [clip], drop=True)
    assert added == [[clip]]
    assert not [box for box in message_boxes() if box.windowTitle() == "File Not Opened"]


def test_a_deck_dropped_on_the_videos_view_is_imported_not_added_as_a_video(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.videos import library_page

    added: list[list[Path]] = []
    monkeypatch.setattr(library_page, "add_paths", lambda _c, _w, paths: added.append(paths))
    window.open_view(window.pages.row_of("Videos"))
    view = window.view_of("Videos")
    assert view is not None
    page = view.findChild(library_page.LibraryPage)
    assert page is not None
    clip = tmp_path / "lecture.mp4"
    clip.write_bytes(b"\0")
    apkg = write_apkg(tmp_path / "spanish.apkg")
    assert drag(page, [apkg, clip], drop=True)
    assert told(qtbot, "Cards Imported").text().endswith("from spanish.apkg.")
    assert added == [[clip]]  # only the video goes to the library
