"""From launch to the main window: first-launch setup (with the import of the older apps' data),
choosing and unlocking a profile, opening it in the background, and coming back to the picker
when it cannot be opened or the learner switches profile.

Switching profile keeps the open one open until the chosen one is: Cancel (or Escape) in the
picker or the password form, or a profile that cannot be opened, leaves the learner where they
were. A second launch that names another profile (`studydesk --profile NAME`) asks whether to
switch to it.

Files given at launch (`studydesk deck.apkg`, a double-click) or handed over by a second launch
are imported into the profile once its window is open (app/ui/open_files.py); while the learner
is choosing or switching profile they wait, and go to the profile chosen.

Every step that touches the disk runs through the task runner; the GUI thread only shows the
picker, the password form or a small "Opening…" window meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import Profile, list_profiles
from app.errors import UserError
from app.paths import DataLocations
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.launch_preparation import Choice, Prepared, choice_after_import, prepare_launch
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance
from app.ui.window_opening import OpeningWindow, show_main_window

if TYPE_CHECKING:  # the importer loads only when there is something to import
    from app.importers.legacy_import import ImportReport
    from app.ui.dialogs.profile_forms import UnlockDialog  # these two: not for one profile
    from app.ui.dialogs.profile_picker import ProfilePicker
    from app.ui.legacy_import import LegacyImportRun

log = logging.getLogger(__name__)


class Launcher(QObject):
    """Drives the launch. Signals: `window_shown(MainWindow)`; `finished(exit_code)` when the
    app should quit (the learner chose Quit, closed the window, or smoke mode is done)."""

    window_shown = Signal(object)
    finished = Signal(int)

    def __init__(
        self,
        locations: DataLocations,
        runner: TaskRunner,
        settings: DeviceSettings,
        appearance: Appearance,
        reporter: ErrorReporter,
        *,
        profile_name: str | None = None,
        smoke: bool = False,
        files: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.locations = locations
        self.runner = runner
        self.settings = settings
        self.appearance = appearance
        self.reporter = reporter
        self.profile_name = profile_name
        self.smoke = smoke
        self.window: MainWindow | None = None
        self.picker: ProfilePicker | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.opening: OpeningWindow | None = None
        self.message_box: QMessageBox | None = None
        self.switch_question: QMessageBox | None = None
        self.legacy_import: LegacyImportRun | None = None
        self.choice = Choice()
        self.pending_files: list[Path] = list(files)
        self.offer_sync = False

    def start(self) -> None:
        locations = self.locations
        self.runner.run_write(
            lambda _progress: prepare_launch(locations),
            label="Getting ready",
            on_done=self._prepared,
            on_error=self._cannot_start,
        )

    def _prepared(self, prepared: Prepared) -> None:
        # A new data folder (no older app's files): the window offers to bring a profile down.
        self.offer_sync = prepared.first is not None and not prepared.legacy_files
        if prepared.first is None or not prepared.legacy_files:
            self._choose(prepared.profiles)
            return
        first = prepared.first
        log.info("First launch: found %d legacy file(s)", len(prepared.legacy_files))
        from app.ui.legacy_import import LegacyImportRun

        run = LegacyImportRun(
            self.runner,
            self.locations,
            self.reporter,
            list(prepared.legacy_files),
            default_profile=first,
            first_launch=True,
            smoke=self.smoke,
            parent=self,
        )
        run.finished.connect(lambda report: self._imported(first, report))
        self.legacy_import = run
        run.start()

    def _imported(self, first: Profile, report: ImportReport | None) -> None:
        """Carry on with the launch, the picker starting from the profile the import suggests."""
        if self.legacy_import is not None:
            self.legacy_import.deleteLater()
            self.legacy_import = None
        from app.ui.dialogs.import_report import anything_imported

        # Nothing came in (a damaged file, a cancel): a new learner after all, who is welcomed.
        self.offer_sync = report is None or not anything_imported(report)
        self.choice = choice_after_import(first, report, self.smoke)
        locations = self.locations
        self.runner.run_read(lambda _progress: list_profiles(locations), on_done=self._choose)

    def front_widget(self) -> QWidget | None:
        """What the learner should see when they launch Study Desk a second time."""
        legacy_import = self.legacy_import
        for widget in (
            legacy_import.front_widget() if legacy_import is not None else None,
            self.switch_question,
            self.message_box,
            self.unlock_dialog,
            self.picker,
            self.window,
            self.opening,
        ):
            if widget is not None and widget.isVisible():
                return widget
        return None

    def bring_to_front(self) -> None:
        log.info("Study Desk was launched again; bringing this window forward")
        widget = self.front_widget()
        if widget is None:
            return
        if widget.isMinimized():
            widget.showNormal()
        widget.raise_()
        widget.activateWindow()

    def open_requested(self, name: str) -> None:
        """A second launch asked for the profile `name` (`studydesk --profile NAME`): the open
        one comes forward; for another, the learner is asked whether to switch to it."""
        window = self.window
        if window is None or _names(window.context.opened.profile, name):
            if self.picker is not None and self.picker.isVisible():
                self.picker.select(name)
            self.bring_to_front()
            return
        if self.switch_question is not None:
            self.switch_question.close()
        current = window.context.opened.profile.name
        question = QMessageBox(
            QMessageBox.Icon.Question,
            "Study Desk",
            f"Study Desk was started again, for the profile “{name}”, but it is open with "
            f"“{current}”.\n\nSwitch to “{name}”? “{current}” is closed once “{name}” is open.",
        )
        switch = question.addButton(f"Switch to “{name}”", QMessageBox.ButtonRole.AcceptRole)
        question.addButton(f"Stay with “{current}”", QMessageBox.ButtonRole.RejectRole)
        question.setDefaultButton(switch)

        def answered() -> None:
            self.switch_question = None
            if question.clickedButton() is switch:
                self._switch_to(name)
            else:
                self._open_pending_files()

        question.finished.connect(answered)
        self.switch_question = question
        question.show()  # not exec(): the second launch is waiting for this one's answer
        self.bring_to_front()

    def open_files(self, paths: list[str], profile_name: str = "") -> None:
        """A second launch was given files (`studydesk deck.apkg`, a double-click): they are
        imported into the open profile, or into `profile_name` when it names one (after the
        learner has said whether to switch to it)."""
        log.info("Asked to open %d file(s)", len(paths))
        self.pending_files += [Path(path) for path in paths]
        if profile_name:
            self.open_requested(profile_name)
        else:
            self.bring_to_front()
        self._open_pending_files()

    def _open_pending_files(self, *, just_opened: bool = False) -> None:
        """Import the files waiting, once a window is open and no profile is being chosen
        (`just_opened`: the window of the profile chosen has just opened)."""
        window = self.window
        choosing = (self.switch_question, self.picker, self.unlock_dialog, self.opening)
        if window is None or not self.pending_files or self.smoke:
            return
        if not just_opened and any(w is not None and w.isVisible() for w in choosing):
            return
        files, self.pending_files = self.pending_files, []
        from app.ui.open_files import open_files

        open_files(window.context, window, files)

    def _switch_to(self, name: str) -> None:
        locations = self.locations

        def chosen(profiles: list[Profile]) -> None:
            match = [p for p in profiles if _names(p, name)]
            if match:
                self.open(match[0])
            else:
                self._tell(UserError(f"There is no profile called “{name}”."), profiles)

        self.runner.run_read(lambda _progress: list_profiles(locations), on_done=chosen)

    def _choose(self, profiles: list[Profile]) -> None:
        if self.profile_name:
            name, self.profile_name = self.profile_name, None
            wanted = name.casefold()
            match = [p for p in profiles if p.name.casefold() == wanted or p.id == name]
            if match:
                self.open(match[0])
            else:
                self._tell(UserError(f"There is no profile called “{name}”."), profiles)
        elif len(profiles) == 1:
            self.open(profiles[0])
        elif self.smoke:
            unlocked = [p for p in profiles if not p.locked]
            wanted_ids = (self.choice.selected_id, self.settings.last_profile_id)
            last = [p for wanted in wanted_ids for p in unlocked if wanted and p.id == wanted]
            if not unlocked:
                self.reporter.user_error(
                    "Every profile has a password; smoke mode cannot open one."
                )
                return
            self.open((last or unlocked)[0])
        else:
            self.show_picker(profiles)

    def show_picker(self, profiles: list[Profile]) -> None:
        if self.smoke:
            self.reporter.user_error("Smoke mode cannot choose a profile.")
            return
        from app.ui.dialogs.profile_picker import ProfilePicker

        choice, self.choice = self.choice, Choice()
        open_id = self.window.context.opened.profile.id if self.window is not None else None
        self.picker = ProfilePicker(
            self.runner,
            self.locations,
            profiles,
            selected_id=choice.selected_id or open_id or self.settings.last_profile_id,
            note=choice.note,
            open_id=open_id,
        )
        self.picker.accepted.connect(self._picked)
        self.picker.rejected.connect(self._picker_closed)
        self.picker.show()

    def _picker_closed(self) -> None:
        """Quit at launch; Cancel while switching goes back to the profile that is open."""
        if self.window is None:
            self.finished.emit(0)
        else:
            self.bring_to_front()
            self._open_pending_files()

    def show_fresh_picker(self) -> None:
        locations = self.locations
        self.runner.run_read(lambda _progress: list_profiles(locations), on_done=self.show_picker)

    def open(self, profile: Profile) -> None:
        if profile.locked:
            if self.smoke:
                self.reporter.user_error(f"The profile “{profile.name}” has a password.")
                return
            from app.ui.dialogs.profile_forms import UnlockDialog

            self.unlock_dialog = UnlockDialog(self.runner, self.locations, profile)
            self.unlock_dialog.succeeded.connect(self._opened)
            self.unlock_dialog.failed.connect(self._open_failed)
            self.unlock_dialog.rejected.connect(self._unlock_abandoned)
            self.unlock_dialog.show()
            return
        self.opening = OpeningWindow(profile.name, first_time=profile.last_opened_at is None)
        locations = self.locations
        self.runner.run_write(
            lambda _progress: open_profile(locations, profile),
            label=f"Opening “{profile.name}”",
            on_done=self._opened,
            on_error=self._open_failed,
            on_finally=self._opening_ended,
        )

    def _picked(self) -> None:
        profile = self.picker.chosen() if self.picker is not None else None
        if profile is None:
            return
        if self.window is not None and self.window.context.opened.profile.id == profile.id:
            self.bring_to_front()  # "switching" to the profile that is open
            return
        self.open(profile)

    def _unlock_abandoned(self) -> None:
        # `failed` rejects the dialog too; the error path then shows the picker itself.
        if self.message_box is None:
            self.show_fresh_picker()

    def _opening_ended(self) -> None:
        if self.opening is not None:
            self.opening.finish()
            self.opening = None
        if self.window is None and self.message_box is None and not self.smoke:
            # A bug while opening (already reported): offer the other profiles.
            self.show_fresh_picker()

    def _opened(self, opened: OpenProfile) -> None:
        if self.window is not None:  # switching: the profile before closes only now
            self._close_for_switch(self.window)
        self.settings.last_profile_id = opened.profile.id
        context = ViewContext(
            self.locations, self.runner, opened, self.settings, self.appearance, self.reporter
        )
        self.runner.hold_reads()  # the views' first reads start once the window has painted
        window = MainWindow(context)
        window.switch_profile_requested.connect(self._switch)
        window.closed.connect(self._window_closed)
        self.window = window
        offer = False
        if not self.smoke:
            offer, self.offer_sync = self.offer_sync, False
        show_main_window(window, sync=not self.smoke, offer_sync=offer)
        self.window_shown.emit(window)
        self._open_pending_files(just_opened=True)

    def _open_failed(self, error: UserError) -> None:
        self._tell(error, None)

    def _tell(self, error: UserError, profiles: list[Profile] | None) -> None:
        """Show why, then the picker so the other profiles still work."""
        box = self.reporter.user_error(str(error), "Could not open the profile")
        if box is None:
            return
        self.message_box = box

        def then_pick() -> None:
            self.message_box = None
            if profiles is None:
                self.show_fresh_picker()
            else:
                self.show_picker(profiles)

        box.finished.connect(then_pick)

    def _switch(self) -> None:
        """File > Switch Profile: the picker, with the open profile staying open meanwhile."""
        if self.window is None:
            return
        choosing = (self.picker, self.unlock_dialog, self.opening)
        if any(widget is not None and widget.isVisible() for widget in choosing):
            self.bring_to_front()
            return
        self.show_fresh_picker()

    def _close_for_switch(self, window: MainWindow) -> None:
        opened = window.context.opened
        window.close_for_switch()
        self.runner.run_write(
            lambda _progress: opened.close(), label=f"Closing “{opened.profile.name}”"
        )

    def _window_closed(self, switching: bool) -> None:
        self.window = None
        if not switching:
            self.finished.emit(0)

    def _cannot_start(self, error: UserError) -> None:
        box = self.reporter.user_error(str(error), "Study Desk cannot start")
        if box is None:
            return
        self.message_box = box
        box.finished.connect(lambda: self.finished.emit(1))


def _names(profile: Profile, name: str) -> bool:
    """Whether `name` (as given after --profile) means `profile`: its name in any case, or id."""
    return profile.name.casefold() == name.casefold() or profile.id == name
