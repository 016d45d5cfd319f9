"""Logging to a rotating file, shared by the GUI and the CLI."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from pathlib import Path

from app.paths import DataLocations

LOG_FILE_NAME = "studydesk.log"


class LogFileHandler(logging.handlers.RotatingFileHandler):
    """The log file, which never gets in the learner's way: when it cannot be written (a full
    disk, a folder gone), one line on stderr says so and records are dropped until it can be
    written again, instead of Python's traceback for every record."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        self.failing = False  # said on stderr; quiet until a record is written again
        self._failed_now = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed_now = False
        super().emit(record)  # calls handleError on failure
        if not self._failed_now:
            self.failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        self._failed_now = True
        if self.stream is not None:
            with contextlib.suppress(OSError):  # what it still held is lost, like the record
                self.stream.close()
            self.stream = None  # the next record opens it again
        if not self.failing:
            self.failing = True
            print(
                f"Study Desk cannot write its log file {self.baseFilename} "
                f"({error.strerror or type(error).__name__}); log lines are dropped until it "
                "can.",
                file=sys.stderr,
            )


def setup_logging(locations: DataLocations, *, level: int = logging.INFO) -> Path | None:
    """Send log records to `<logs dir>/studydesk.log` (1 MB x 5 files); returns its path.

    A logs folder that cannot be written is not fatal: logging falls back to stderr and None
    is returned, because failing to start over a log file would be worse.
    """
    root = logging.getLogger()
    root.setLevel(level)
    path = locations.logs_dir / LOG_FILE_NAME
    try:
        locations.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = LogFileHandler(path)
    except OSError:
        handler = logging.StreamHandler()
        path = None  # type: ignore[assignment]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    for old in [h for h in root.handlers if getattr(h, "_studydesk", False)]:
        root.removeHandler(old)
        old.close()
    handler._studydesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
