"""Bringing in files from the older apps: at first launch and with File > Import.

The import itself (`app.importers.legacy_actions.import_legacy_files`, which the command line
calls too) runs on the task runner's write worker, one transaction per profile, so a cancel
rolls back what it was writing. Meanwhile a window shows how
far it got, with Cancel; afterwards the report says what came in where. In smoke mode nobody is
there to read it: the report goes to the log and nothing is shown.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.opening import OpenProfile
from app.core.profiles import Profile
from app.errors import UserError
from app.importers.legacy_actions import LegacyImported, import_legacy_files
from app.importers.legacy_import import ImportReport
from app.importers.report_text import report_lines
from app.paths import DataLocations
from app.ui.dialogs.import_progress import CANCEL_PROMISE, ImportProgressDialog
from app.ui.dialogs.import_report import ImportReportDialog, anything_imported
from app.ui.error_dialog import ErrorReporter, show_message
from app.ui.refused_files import Refusals
from app.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger(__name__)

PROGRESS_SHOWN_AFTER_MS = 300
# Profiles are written one transaction each (new ones built out of sight and moved in whole):
# the one being written when Cancel comes is rolled back; those finished before stay complete.
CANCELLED_TEXT = f"The import was cancelled. {CANCEL_PROMISE}"


def report_heading(report: ImportReport, *, first_launch: bool) -> str:
    if anything_imported(report):
        if first_launch and report.unreadable:
            return "Part of your data from the older app is now in Study Desk"
        if first_launch:
            return "Your data from the older app is now in Study Desk"
        return "Import finished"
    if first_launch and report.unreadable:  # they launched Study Desk; they asked for no import
        return "Your data from the older app could not be brought in"
    if report.profiles:
        return "There was nothing new to import"
    return "Nothing was imported"


class LegacyImportRun(QObject):
    """One import from start to the closed report. `finished(report)` fires once the learner
    has closed the report (at once in smoke mode); the report is None when the import was
    cancelled or failed (the learner has been told)."""

    finished = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        locations: DataLocations,
        reporter: ErrorReporter,
        paths: list[Path],
        *,
        default_profile: Profile,
        opened: OpenProfile | None = None,
        first_launch: bool = False,
        smoke: bool = False,
        parent: QObject | None = None,
        window: QWidget | None = None,
        refusals: Refusals | None = None,
    ) -> None:
        super().__init__(parent)
        # The files of the drop or choice refused elsewhere: when this import only refuses
        # files too, they are told with those, in one message (app/ui/refused_files.py).
        self.refusals = refusals
        self._refusals_ended = refusals.wait_for_one() if refusals is not None else None
        self.runner = runner
        self.locations = locations
        self.reporter = reporter
        self.paths = paths
        self.default_profile = default_profile
        self.opened = opened
        self.first_launch = first_launch
        self.smoke = smoke
        self.window = window
        self.handle: TaskHandle | None = None
        self.progress_dialog: ImportProgressDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.notice: QMessageBox | None = None
        self.report: ImportReport | None = None
        self._error: UserError | None = None

    def start(self) -> TaskHandle:
        locations, paths, default = self.locations, self.paths, self.default_profile
        opened = self.opened
        log.info("Importing %d file(s): %s", len(paths), ", ".join(str(p) for p in paths))
        self.handle = self.runner.run_write(
            lambda progress: import_legacy_files(
                locations, paths, default_profile=default, opened=opened, progress=progress
            ),
            label="Importing",
            on_done=self._done,
            on_error=self._failed,
            on_finally=self._ended,
            cancellable=True,
            owner=self,
        )
        if not self.smoke:
            heading = (
                "Bringing in your data from the older app…"
                if self.first_launch
                else f"Importing into “{default.name}”…"
            )
            dialog = ImportProgressDialog(heading, paths, self.window)
            dialog.cancel_requested.connect(self.cancel)
            self.runner.task_progress.connect(self._progressed)
            self.progress_dialog = dialog
            # Bound to this run, whose method it calls (a run deleted first would otherwise be
            # called into); the dialog, deleted when the import ends, is checked there.
            QTimer.singleShot(PROGRESS_SHOWN_AFTER_MS, self, self._show_progress_if_running)
        return self.handle

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def front_widget(self) -> QWidget | None:
        for widget in (self.notice, self.report_dialog, self.progress_dialog):
            if widget is not None and widget.isVisible():
                return widget
        return None

    def _show_progress_if_running(self) -> None:
        running = self.handle is not None and not self.handle.finished
        if self.progress_dialog is not None and running:
            self.progress_dialog.show()

    def _progressed(self, task_id: int, done: int, total: int, message: str) -> None:
        dialog = self.progress_dialog
        if self.handle is not None and task_id == self.handle.id and dialog is not None:
            dialog.show_progress(done, total, message)

    def _done(self, done: LegacyImported) -> None:
        self.report = done.report
        lines = report_lines(done.report, unreadable=False)
        log.info("Import report:\n%s", "\n".join(lines))
        for path, reason in done.report.unreadable:
            log.warning("Not imported: %s (%s)", path, reason)

    def _failed(self, error: UserError) -> None:
        self._error = error

    def _ended(self) -> None:
        if self.progress_dialog is not None:
            self.runner.task_progress.disconnect(self._progressed)
            self.progress_dialog.finish()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if self.report is not None and self._hand_over(self.report):
            self._after(None)
        elif self.report is not None:
            self._show_report(self.report)
        elif self._error is not None:
            box = self.reporter.user_error(str(self._error), "Could not import")
            self._after(box)
        elif self.handle is not None and self.handle.progress.cancelled:
            log.info("Import cancelled; nothing was written")
            box = None
            if not self.smoke:
                box = show_message(
                    self.window,
                    "Import Cancelled",
                    self._cancelled_text(),
                    QMessageBox.Icon.Information,
                )
            self._after(box)
        else:
            self._after(None)  # a bug, already reported with the log's location
        if self._refusals_ended is not None:
            self._refusals_ended()

    def _hand_over(self, report: ImportReport) -> bool:
        """Whether the report, which only refuses files, went to `refusals`: each file by
        name with its reason there, and this very report when it is the only one refused."""
        only_refused = report.unreadable and not report.profiles and not report.empty
        if self.refusals is None or self.smoke or not only_refused:
            return False
        runner, window = self.runner, self.window
        heading = report_heading(report, first_launch=self.first_launch)

        def alone() -> QWidget:
            dialog = ImportReportDialog(runner, report, heading, window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()
            return dialog

        for path, reason in report.unreadable:
            self.refusals.refuse(Path(path), heading, reason, alone=alone)
        return True

    def _cancelled_text(self) -> str:
        if not self.first_launch:
            return CANCELLED_TEXT
        folders = "\n".join(dict.fromkeys(str(path.parent) for path in self.paths))
        return (
            f"{CANCELLED_TEXT}\n\nYou can bring in the older app's files later with "
            f"File > Import. They are in:\n{folders}"
        )

    def _show_report(self, report: ImportReport) -> None:
        if self.smoke:
            self.finished.emit(report)
            return
        dialog = ImportReportDialog(
            self.runner,
            report,
            report_heading(report, first_launch=self.first_launch),
            self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._report_closed(report))
        self.report_dialog = dialog
        dialog.show()

    def _report_closed(self, report: ImportReport) -> None:
        self.report_dialog = None
        self.finished.emit(report)

    def _after(self, box: QMessageBox | None) -> None:
        """`finished(None)` once the learner has read the message, if there is one."""
        if box is None:
            self.finished.emit(None)
            return
        self.notice = box

        def closed() -> None:
            self.notice = None
            self.finished.emit(None)

        box.finished.connect(closed)
