"""Bad files as a learner meets them in the window: dropped on it, or chosen with File > Import.
Each message names the file and says what to do, in plain words; nothing is half imported and
the file itself is left as it was."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from lessons_helpers import sample_pack
from pytestqt.qtbot import QtBot
from test_ui_open_files import drag, told

from app.core.courses.course_reads import course_library
from app.core.courses.library import LibrarySort
from app.ui.main_window import MainWindow

TECHNICAL = ("Error", "errno", "Traceback", "Expecting value", "File is not a zip", "0x")


def plain(text: str) -> str:
    """`text`, checked to carry none of the words a learner cannot act on."""
    for word in TECHNICAL:
        assert word not in text, f"{word!r} in {text!r}"
    return text


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
