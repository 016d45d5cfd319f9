"""File > Import Course… and File > Export Course…: what the learner is told, and the library
afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from lessons_helpers import SAMPLE_TOPIC, WAIT_MS, sample_pack, show_view
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, message_boxes

from app.core.opening import OpenProfile
from app.importers.course_pack import load_pack
from app.ui.lessons.library_model import LibraryColumn
from app.ui.lessons.pack_actions import export_course_pack, import_course_pack


def choose_file(monkeypatch: pytest.MonkeyPatch, method: str, path: Path | None) -> None:
    answer = (str(path), "") if path is not None else ("", "")
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *_args, **_kwargs: answer))


def told(qtbot: QtBot, title: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.windowTitle() == title for b in message_boxes()), timeout=WAIT_MS)
    box = next(b for b in message_boxes() if b.windowTitle() == title)
    box.close()
    return box


def test_importing_a_pack_says_what_came_in_and_the_library_shows_it(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = show_view(qtbot, gui, opened)
    choose_file(monkeypatch, "getOpenFileName", sample_pack(tmp_path / "a.sdcourse", "Memory"))
    handle = import_course_pack(view.context, view)
    assert handle is not None and handle.cancellable
    box = told(qtbot, "Course Imported")
    assert box.text() == "Imported “Memory”: 3 modules, 8 lessons, 8 with content."
    qtbot.waitUntil(lambda: view.library.model.rowCount() == 2, timeout=WAIT_MS)
    topics = {view.library.model.index(r, LibraryColumn.TOPIC).data() for r in range(2)}
    assert topics == {"Memory", f"{SAMPLE_TOPIC} (sample)"}

    import_course_pack(view.context, view)  # the same pack again
    assert told(qtbot, "Course Imported").text() == (
        "“Memory” was already in your library; nothing new was imported."
    )


def test_a_refused_pack_says_exactly_why_and_nothing_is_imported(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = show_view(qtbot, gui, opened)
    broken = tmp_path / "broken.sdcourse"
    broken.write_text("not a zip", encoding="utf-8")
    choose_file(monkeypatch, "getOpenFileName", broken)
    import_course_pack(view.context, view)
    text = told(qtbot, "Course Not Imported").text()
    assert str(broken) in text
    assert view.library.model.rowCount() == 1


def test_cancelling_the_file_dialog_does_nothing(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = show_view(qtbot, gui, opened)
    choose_file(monkeypatch, "getOpenFileName", None)
    assert import_course_pack(view.context, view) is None


def test_exporting_writes_a_pack_that_imports_again(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = show_view(qtbot, gui, opened)
    target = tmp_path / "spaced"  # no suffix: .sdcourse is added
    choose_file(monkeypatch, "getSaveFileName", target)
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getItem", staticmethod(lambda *a, **_k: asked.append(a[2]) or ("", False))
    )
    export_course_pack(view.context, view, view.current_course_id)
    box = told(qtbot, "Course Exported")
    written = target.with_suffix(".sdcourse")
    assert str(written) in box.text() and "3 modules, 8 lessons" in box.text()
    assert asked == []  # the current course was offered; no need to ask which
    assert load_pack(written).course.topic == SAMPLE_TOPIC


def test_a_cancelled_pack_import_says_nothing_came_in(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    view = show_view(qtbot, gui, opened)
    release = threading.Event()
    # An earlier write keeps the write thread busy, so Cancel comes before the import starts.
    view.context.runner.run_write(lambda _progress: release.wait(WAIT_MS / 1000), label="")
    choose_file(monkeypatch, "getOpenFileName", sample_pack(tmp_path / "a.sdcourse", "Memory"))
    handle = import_course_pack(view.context, view)
    assert handle is not None
    handle.cancel()
    release.set()
    text = told(qtbot, "Import Cancelled").text()
    assert text.startswith("Importing a.sdcourse was cancelled. Nothing was imported")
    assert view.library.model.rowCount() == 1
