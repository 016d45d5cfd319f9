"""The main window's menu bar: File (with the actions the features declare), View and Help
(Keyboard Shortcuts: app/ui/keyboard_help.py lists every key from these menus and the views).

The menus only call the window's methods; what each action does stays in app/ui/main_window.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu

from app.features import FEATURES, MenuAction, load

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def shortcuts(standard: QKeySequence.StandardKey, *fallbacks: str) -> list[QKeySequence]:
    """The platform's key for `standard` plus fallbacks where the platform has none."""
    keys = QKeySequence.keyBindings(standard)
    for text in fallbacks:
        key = QKeySequence(text)
        if key not in keys:
            keys.append(key)
    return keys


@dataclass(frozen=True)
class WindowMenus:
    """The actions the window enables, disables or checks later."""

    import_action: QAction
    feature_actions: list[QAction]
    backup_action: QAction
    repair_action: QAction
    theme_actions: QActionGroup
    full_screen_action: QAction


def build_menus(window: MainWindow) -> WindowMenus:
    bar = window.menuBar()
    file = bar.addMenu("&File")
    import_action = file.addAction("&Import…", window.import_files)
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    import_action.setToolTip("Bring in lessons, questions and notes from the older apps")
    feature_actions = [
        _add_feature_action(window, file, declared)
        for feature in FEATURES
        for declared in feature.menu_actions
        if declared.menu == "File"
    ]
    file.addSeparator()
    backup_action = file.addAction("&Back Up Now", window.back_up_now)
    backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
    file.addAction("&Restore from Backup…", window.restore_from_backup)
    repair_action = file.addAction("Re&pair Profile…", window.repair_profile)
    file.addSeparator()
    file.addAction("S&witch Profile…", window.switch_profile_requested.emit)
    file.addAction("&Manage Profiles…", window.manage_profiles)
    file.addSeparator()
    settings = file.addAction("&Settings…", window.open_settings)
    settings.setShortcuts(shortcuts(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
    settings.setMenuRole(QAction.MenuRole.PreferencesRole)
    file.addSeparator()
    quit_action = file.addAction("&Quit", window.close)
    quit_action.setShortcuts(shortcuts(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)

    view = bar.addMenu("&View")
    for row in range(window.sidebar.count()):
        action = view.addAction(window.sidebar.item(row).text())
        action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
        action.triggered.connect(lambda _checked=False, r=row: window.open_view(r))
    view.addSeparator()
    theme_menu = view.addMenu("&Theme")
    theme_actions = QActionGroup(window)
    for key, text in (("system", "&System"), ("light", "&Light"), ("dark", "&Dark")):
        action = theme_menu.addAction(text)
        action.setCheckable(True)
        action.setData(key)
        action.triggered.connect(lambda _checked=False, k=key: window.set_theme(k))
        theme_actions.addAction(action)
    full_screen_action = view.addAction("&Full Screen", window.toggle_full_screen)
    full_screen_action.setCheckable(True)
    full_screen_action.setShortcuts(shortcuts(QKeySequence.StandardKey.FullScreen, "F11"))

    help_menu = bar.addMenu("&Help")
    keys_help = help_menu.addAction("&Keyboard Shortcuts…", lambda: _keyboard_help(window))
    keys_help.setShortcuts(shortcuts(QKeySequence.StandardKey.HelpContents, "F1", "Ctrl+/"))
    keys_help.setToolTip("Every key of the window and of each view, with what it does")
    help_menu.addSeparator()
    locations = window.context.locations
    help_menu.addAction("Open &Data Folder", lambda: _open_folder(locations.root))
    help_menu.addAction("Open &Log Folder", lambda: _open_folder(locations.logs_dir))
    help_menu.addSeparator()
    about = help_menu.addAction("&About Study Desk", window.about)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    return WindowMenus(
        import_action,
        feature_actions,
        backup_action,
        repair_action,
        theme_actions,
        full_screen_action,
    )


def _add_feature_action(window: MainWindow, menu: QMenu, declared: MenuAction) -> QAction:
    action = menu.addAction(declared.text)
    if declared.shortcut:
        action.setShortcut(QKeySequence(declared.shortcut))
    action.setToolTip(declared.tip)
    action.triggered.connect(lambda _checked=False: load(declared.run)(window.context, window))
    return action


def _keyboard_help(window: MainWindow) -> None:
    from app.ui.keyboard_help import open_keyboard_help  # loads when first asked for

    open_keyboard_help(window)


def _open_folder(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
