"""Help > About: version, the data and log folders with buttons that open them, Study Desk's
licence and the third-party licences."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_helpers import Gui

from app.ui.about_dialog import AboutDialog


def test_about_shows_the_folders_and_opens_them(qtbot: QtBot, gui: Gui, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        "app.ui.about_dialog.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    dialog = AboutDialog(None, gui.locations)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.version_label.text().startswith("Study Desk ")
    dialog.data_folder.click()
    dialog.log_folder.click()
    assert opened == [str(gui.locations.root), str(gui.locations.logs_dir)]
    assert gui.locations.logs_dir.is_dir()
    dialog.close()


def test_the_licence_tabs_fill_when_shown(qtbot: QtBot, gui: Gui) -> None:
    dialog = AboutDialog(None, gui.locations)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.licence)
    assert dialog.licence.toPlainText().startswith("MIT License")
    assert dialog.third_party.toPlainText() == ""
    dialog.tabs.setCurrentWidget(dialog.third_party)
    text = dialog.third_party.toPlainText()
    assert "Qt and PySide6" in text and "SQLAlchemy" in text and "FFmpeg" in text
    dialog.close()
