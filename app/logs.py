"""Logging to a rotating file, shared by the GUI and the CLI."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.paths import DataLocations

LOG_FILE_NAME = "studydesk.log"


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
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
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
