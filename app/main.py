"""GUI bootstrap: the application object, logging, error reporting, one instance per data dir,
then the launch flow (first-launch setup, profile choice, opening) and the main window.

`run_gui(..., smoke=True)` is `studydesk --smoke`: a normal launch without questions that exits 0
once the main window has painted, or 1 if anything went wrong on the way.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# Qt-free modules first. Once PySide6 is imported, every later import goes through its import
# hook (`__feature_import__`), which makes SQLAlchemy's ~130 modules load about a third slower;
# the launch's core and db layers (and SQLAlchemy with them) load before it.
import app.core.opening  # noqa: F401  (opens the profile on the write thread)
from app import __version__
from app.logs import setup_logging
from app.paths import DataLocations

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.single_instance import SingleInstance, server_name
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance
from app.ui.window_opening import FirstPaint

log = logging.getLogger(__name__)

SMOKE_TIMEOUT_MS = 120_000
# The garbage collector, paused for start-up by app.__main__, runs again after the main window's
# first paint, or after this long (a picker, a password, an import came first).
GC_PAUSED_AT_MOST_MS = 3000


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setApplicationName("Study Desk")
    app.setApplicationDisplayName("Study Desk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("")
    # The launcher decides when to quit: closing the main window to switch profile must not.
    app.setQuitOnLastWindowClosed(False)
    return app


def run_gui(
    locations: DataLocations,
    *,
    profile_name: str | None = None,
    smoke: bool = False,
    files: Sequence[Path] = (),
) -> int:
    """Run Study Desk's window until the learner quits; returns the process exit code.

    `files` (absolute paths: `studydesk deck.apkg`, a double-click) are imported once the
    profile is open, or handed to the Study Desk already running on this data folder."""
    started = time.perf_counter()
    app = _application()
    log_path = setup_logging(locations)
    log.info("Study Desk %s starting (data: %s, smoke: %s)", __version__, locations.root, smoke)
    reporter = ErrorReporter(log_path, smoke=smoke)
    reporter.install_excepthook()
    reporter.failed.connect(lambda: app.exit(1))

    instance = SingleInstance(server_name(locations))
    if not smoke and instance.forward_to_running(profile_name, files=[str(f) for f in files]):
        reporter.uninstall_excepthook()
        asked = (
            f" If another profile is open there, it asks whether to switch to {profile_name!r}."
            if profile_name
            else ""
        )
        if files:
            asked += f" It imports the {len(files)} file(s) given."
        print(f"Study Desk is already open (data in {locations.root}); it came forward.{asked}")
        return 0
    if not smoke:
        instance.listen()

    settings = DeviceSettings(locations)
    appearance = Appearance(app)
    appearance.apply_theme(settings.theme)
    appearance.apply_text_size(settings.text_size)
    runner = TaskRunner()
    runner.user_error.connect(reporter.user_error)
    runner.task_failed.connect(reporter.task_failed)
    launcher = Launcher(
        locations,
        runner,
        settings,
        appearance,
        reporter,
        profile_name=profile_name,
        smoke=smoke,
        files=files,
    )
    instance.raise_requested.connect(launcher.bring_to_front)
    instance.open_requested.connect(launcher.open_requested)
    instance.files_requested.connect(launcher.open_files)
    if sys.platform == "darwin":
        launcher.finder_files = FinderFiles(app, launcher)  # type: ignore[attr-defined]
    launcher.finished.connect(app.exit)
    launcher.window_shown.connect(_resume_gc_after_paint)
    QTimer.singleShot(GC_PAUSED_AT_MOST_MS, resume_gc)
    if smoke:
        _watch_smoke(launcher, started, reporter)
    stop_handling_signals = _quit_on_termination(app)
    QTimer.singleShot(0, launcher.start)
    try:
        code = app.exec()
    finally:
        window = launcher.window
        if window is not None:
            window.close()  # an exit from elsewhere still saves state and closes the profile
        runner.shutdown()
        instance.close()
        stop_handling_signals()
        reporter.uninstall_excepthook()
        resume_gc()
    if reporter.has_failed:
        code = code or 1
    log.info("Study Desk exiting with code %d", code)
    return code


class FinderFiles(QObject):
    """macOS: Finder hands the files double-clicked or dropped on the Dock icon to the app as
    QFileOpenEvent (at launch too, not on the command line); they are imported as
    `studydesk FILE` does. Only there: a filter on the application sees every event."""

    def __init__(self, app: QApplication, launcher: Launcher) -> None:
        super().__init__(app)
        self._launcher = launcher
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self._launcher.open_files([event.file()], "")
            return True
        return False


def resume_gc() -> None:
    """End of start-up: what it made is moved out of the collector's way for good (`gc.freeze`:
    later collections, during reviews too, no longer walk it; the few hundred objects of start-up
    garbage it holds stay), and the collector runs again. Does nothing if it was not paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _resume_gc_after_paint(window: MainWindow) -> None:
    window.gc_watch = FirstPaint(window, resume_gc)  # type: ignore[attr-defined]


def _quit_on_termination(app: QApplication) -> Callable[[], None]:
    """Ctrl+C in a terminal or a polite kill closes the window normally (so the profile is
    backed up and released) instead of dropping everything. Returns the undo."""
    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGINT", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is not None:
                previous[number] = signal.signal(number, lambda _n, _f: app.exit(0))
    # Python runs signal handlers only between bytecodes; Qt's loop must hand it the thread.
    poll = QTimer()
    poll.timeout.connect(lambda: None)
    poll.start(500)

    def undo() -> None:
        poll.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]

    return undo


def _watch_smoke(launcher: Launcher, started: float, reporter: ErrorReporter) -> None:
    """Close the main window after its first paint; fail if it never comes."""

    def painted(window: MainWindow) -> None:
        elapsed = time.perf_counter() - started
        log.info("Smoke: first paint after %.2f s", elapsed)
        # The wall-clock moment lets a benchmark measure from before the process started; the
        # process's CPU time (all threads) is the work done, less moved by the machine's load.
        print(
            f"Study Desk painted its window (epoch {time.time():.6f}, "
            f"cpu {time.process_time():.4f} s)",
            flush=True,
        )
        window.close()

    def on_shown(window: MainWindow) -> None:
        window.smoke_watch = FirstPaint(window, lambda: painted(window))  # type: ignore[attr-defined]

    def too_slow() -> None:
        log.error("Smoke: no painted main window after %d s", SMOKE_TIMEOUT_MS // 1000)
        reporter.has_failed = True
        QApplication.exit(1)

    launcher.window_shown.connect(on_shown)
    timer = QTimer(launcher)
    timer.setSingleShot(True)
    timer.timeout.connect(too_slow)
    timer.start(SMOKE_TIMEOUT_MS)
