"""The main window: assembles the sidebar, the views, the Today sections and the menus that the
features declare (`app.features`, built in app/ui/window_menus.py), and the status bar.

Views do their own work and listen to `runner.data_changed` themselves; the window only
switches between them, routes the `Navigator`'s typed requests to the view that opens each
destination, and hosts the actions that concern the whole profile (legacy import, backups,
profiles, settings).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.restoring import RestoreResult
from app.db.backup import BackupInfo
from app.errors import UserError
from app.features import FEATURES, Destination, load
from app.features.declarations import DESTINATION_METHODS
from app.ui.context import ViewContext
from app.ui.dialogs.repair import ReadOnlyBanner, RepairDialog
from app.ui.error_dialog import show_message
from app.ui.key_help import KeyDialog
from app.ui.refresh import RefreshOnChange
from app.ui.screen_fit import WINDOW_FRAME
from app.ui.status import TaskStatus
from app.ui.tasks import TaskHandle
from app.ui.today.view import TodayView
from app.ui.view_registry import VIEWS, LazyViews
from app.ui.window_menus import build_menus

if TYPE_CHECKING:  # the importer loads only when the learner imports
    from app.ui.legacy_import import LegacyImportRun
    from app.ui.refused_files import Refusals

log = logging.getLogger(__name__)

BACKUP_CHECK_MS = 60_000
SIDEBAR_STYLE = "QListWidget::item { padding: 7px 12px; }"
SIDEBAR_WIDTH = 160  # views fit beside it in an 800 px window (tests/ui/test_ui_window_fit.py)
SMALL_LAPTOP_WIDTH = 1000  # a screen narrower than this: the window opens at its whole width


class MainWindow(QMainWindow):
    """`switch_profile_requested`: the learner wants another profile (the owner closes this
    window with `close_for_switch()` and this profile in the background).
    `closed(switching)`: the window is gone; when not switching, the profile is closed too."""

    switch_profile_requested = Signal()
    closed = Signal(bool)

    def __init__(self, context: ViewContext) -> None:
        super().__init__()
        self.context = context
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._switching = False
        self.dialog: QWidget | None = None  # the last dialog opened, kept alive while shown
        self.legacy_import: LegacyImportRun | None = None

        self.sidebar = QListWidget()
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        # Padding only: colors stay the palette's. A style sheet keeps the palette it was
        # polished with, so a theme switch applies it again (see changeEvent).
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.pages = LazyViews(self.stack, context, VIEWS)
        self.views = self.pages.built  # views built so far, by sidebar row; Today always is
        for spec in VIEWS:
            self.sidebar.addItem(QListWidgetItem(spec.title))
        self.sidebar.currentRowChanged.connect(self.pages.show)
        self.sidebar.itemActivated.connect(lambda _item: self.enter_view())  # Enter on a title
        self.sidebar.setCurrentRow(0)
        splitter = QSplitter()
        splitter.setObjectName("main-splitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self._fit_sidebar()
        splitter.setSizes([SIDEBAR_WIDTH, 840])
        self.read_only_banner = ReadOnlyBanner()
        self.read_only_banner.repair_requested.connect(self.repair_profile)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.task_status = TaskStatus(context.runner)
        self.profile_label = QLabel()
        self.statusBar().addPermanentWidget(self.task_status)
        self.statusBar().addPermanentWidget(self.profile_label)
        today = self.pages.get(0)
        assert isinstance(today, TodayView)
        self.today_sections: list[RefreshOnChange] = []
        for feature in FEATURES:
            for declared in feature.today:
                section = load(declared.factory)(context)
                today.add_section(section)
                self.today_sections.append(section)
        context.navigator.requested.connect(self.navigate)
        menus = build_menus(self)
        self.import_action = menus.import_action
        self.feature_actions = menus.feature_actions
        self.backup_action = menus.backup_action
        self.repair_action = menus.repair_action
        self.theme_actions = menus.theme_actions
        self.full_screen_action = menus.full_screen_action
        self._check_theme_action()
        self._show_profile_name()
        self._show_read_only(announce=True)
        context.runner.data_changed.connect(self._on_data_changed)

        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.back_up_if_due)
        self._backup_timer.start()
        self._restore_layout()
        self.setAcceptDrops(True)  # files dropped on the window: see dropEvent

    # Navigation
    def navigate(self, destination: Destination, values: tuple[object, ...]) -> None:
        """Show the view that opens `destination` and hand it the values (its typed method)."""
        row = self.pages.row_opening(destination)
        self.sidebar.setCurrentRow(row)
        getattr(self.pages.get(row), DESTINATION_METHODS[destination])(*values)

    def open_view(self, row: int) -> None:
        """View > a view (Ctrl+1, Ctrl+2, ...): show it with the keyboard in it."""
        self.sidebar.setCurrentRow(row)
        self.enter_view()

    def enter_view(self) -> None:
        """The keyboard goes into the view on screen: where the view says (`take_focus`), else
        where it last was, else its first control."""
        view = self.stack.currentWidget()
        if view is None:
            return
        take_focus = getattr(view, "take_focus", None)
        if callable(take_focus):
            take_focus()
            return
        target = view.focusWidget()
        if target is not None and target.isVisible() and target.isEnabled():
            target.setFocus(Qt.FocusReason.TabFocusReason)
        else:  # as Tab from the sidebar does
            self.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
            self.focusNextChild()

    def view_of(self, title: str) -> QWidget | None:
        """A feature's view if it has been built (menu actions ask for their own view)."""
        return self.pages.built[self.pages.row_of(title)]

    # File menu
    def import_files(self) -> None:
        """Ask for files, then import them; other learners' data goes to their own profiles."""
        if self.legacy_import is not None:
            return  # one at a time; the action is disabled meanwhile
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            "Import",
            str(Path.home()),
            "Files to import (*.json *.apkg *.csv *.tsv *.txt *.sdcourse *.sdqbank);;"
            "TechTree or MS2 QBank files (*.json);;All files (*)",
        )
        if names:
            self.import_paths([Path(name) for name in names])

    def import_paths(self, paths: list[Path], *, dropped: bool = False) -> None:
        """The older apps' files through the import report; a deck, card file or pack chosen
        or dropped with them goes through its own import (app/ui/open_files.py)."""
        from app.ui.open_files import busy_importing, open_files, split_for_import
        from app.ui.refused_files import Refusals

        legacy, own = split_for_import(paths, dropped=dropped)
        refusals = Refusals(self)  # the files refused, told in one message (or the one's own)
        open_files(self.context, self, own, refusals)
        if legacy and self.legacy_import is None:
            self._import_legacy(legacy, refusals)
        elif legacy:  # a drop while one runs
            busy_importing(refusals, legacy)
        refusals.seal()

    def _import_legacy(self, legacy: list[Path], refusals: Refusals) -> None:
        context = self.context
        from app.ui.legacy_import import LegacyImportRun

        run = LegacyImportRun(
            context.runner,
            context.locations,
            context.reporter,
            legacy,
            default_profile=context.opened.profile,
            opened=context.opened,
            smoke=context.reporter.smoke,
            parent=self,
            window=self,
            refusals=refusals,
        )
        refusals.files += len(legacy)
        run.finished.connect(self._import_ended)
        self.legacy_import = run
        self.import_action.setEnabled(False)
        run.start()

    def _import_ended(self, _report: object) -> None:
        if self.legacy_import is not None:
            self.legacy_import.deleteLater()
            self.legacy_import = None
        self.import_action.setEnabled(True)

    def back_up_now(self) -> TaskHandle:
        opened = self.context.opened
        return self.context.runner.run_write(
            lambda _progress: opened.backup("manual"),
            label="Backing up",
            on_done=self._backed_up,
            owner=self,
        )

    def back_up_if_due(self) -> None:
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: opened.backup_if_due(), label="", owner=self
        )

    def key_dialogs(self) -> tuple[KeyDialog, ...]:
        """For Help > Keyboard Shortcuts: Search Everything's keys (Ctrl+K)."""

        def search() -> QDialog:
            from app.ui.search.dialog import SearchDialog

            return SearchDialog(self.context)  # no parent: never the one Ctrl+K shows

        return (KeyDialog("Search Everything", search),)

    def restore_from_backup(self) -> None:
        from app.ui.dialogs.restore import RestoreDialog  # dialogs load when opened

        dialog = RestoreDialog(self.context, self)
        dialog.restored.connect(self._restored)
        self._show_dialog(dialog)

    def repair_profile(self) -> None:
        self._show_dialog(RepairDialog(self.context, self))

    def manage_profiles(self) -> None:
        from app.ui.dialogs.profiles import ProfilesDialog

        self._show_dialog(ProfilesDialog(self.context, self))

    def open_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.accepted.connect(self._check_theme_action)
        self._show_dialog(dialog)

    def close_for_switch(self) -> None:
        self._switching = True
        self.close()

    # View menu
    def set_theme(self, theme: str) -> None:
        self.context.settings.theme = theme
        self.context.appearance.apply_theme(theme)
        self._check_theme_action()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.full_screen_action.setChecked(self.isFullScreen())

    # Help menu
    def about(self) -> None:
        """Version, the data and log folders (with buttons to open them), the licences."""
        from app.ui.about_dialog import AboutDialog

        self._show_dialog(AboutDialog(self, self.context.locations))

    def _show_dialog(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()

    def _backed_up(self, info: BackupInfo) -> None:
        self.statusBar().showMessage(f"Backup saved: {info.path}", 15_000)

    def _restored(self, result: RestoreResult, when: str) -> None:
        media = f"{result.media_text}\n\n" if result.media_text else ""
        show_message(
            self,
            "Backup Restored",
            f"“{self.context.profile_name}” now holds what it held on {when}.\n\n{media}"
            "What it held just before the restore was saved as a backup:\n"
            f"{result.safety.path}\n\nYou can go back to it with File > Restore from Backup.",
            QMessageBox.Icon.Information,
        )

    def _on_data_changed(self, changes: Change, _initiator: object) -> None:
        if changes & Change.PROFILE:
            self._show_profile_name()
        self._show_read_only()  # a restore or repair reopens the database

    def _show_read_only(self, *, announce: bool = False) -> None:
        """The banner while the open profile takes no writes (damaged, or a folder that
        cannot be written); `announce`: also in the log, and on stdout in smoke mode."""
        opened = self.context.opened
        self.read_only_banner.show_state(opened)
        if announce and opened.read_only is not None:
            log.warning("Profile %r opened read-only: %s", opened.profile.name, opened.read_only)
            if self.context.reporter.smoke:
                print(
                    f"Study Desk opened “{opened.profile.name}” read-only: {opened.read_only}",
                    flush=True,
                )

    def _show_profile_name(self) -> None:
        name = self.context.profile_name
        self.setWindowTitle(f"{name} — Study Desk")
        self.profile_label.setText(f"Profile: {name}")

    def _check_theme_action(self) -> None:
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == self.context.settings.theme)

    def _restore_layout(self) -> None:
        geometry = self.context.settings.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1040, int(screen.width() * 0.9)), min(700, int(screen.height() * 0.9)))
            if screen.width() < SMALL_LAPTOP_WIDTH:
                # The views need all of a small laptop's width at the Larger text size: take it
                # now, rather than grow past the screen's edge from one view to the next.
                self.resize(screen.size() - WINDOW_FRAME)
        state = self.context.settings.window_state
        if state is not None:
            self.restoreState(state)

    def _fit_sidebar(self) -> None:
        """Room for the longest title, whatever width a view asks for."""
        self.sidebar.setMinimumWidth(
            self.sidebar.sizeHintForColumn(0) + 2 * self.sidebar.frameWidth() + 8
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.sidebar.setStyleSheet("")
            self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            QTimer.singleShot(0, self, self._fit_sidebar)  # the titles have their new size then

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from app.ui.open_files import dropped_files

        if dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Files dropped on the window are imported as `studydesk FILE` imports them, the older
        apps' .json files as File > Import does."""
        from app.ui.open_files import dropped_files

        paths = dropped_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths, dropped=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._backup_timer.stop()
        self.context.settings.save_window(self.saveGeometry(), self.saveState())
        if not self._switching:
            # Waiting for the last writes and the closing backup can take a moment.
            self.hide()
            self.context.runner.shutdown()
            self._close_profile()
        event.accept()
        self.closed.emit(self._switching)

    def _close_profile(self) -> None:
        try:
            self.context.opened.close()
        except UserError as error:
            log.warning("Closing backup failed: %s", error)
            if not self.context.reporter.smoke:
                QMessageBox.warning(None, "Study Desk", str(error))
        except Exception:
            log.exception("Could not close the profile cleanly")
