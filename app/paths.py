"""Every location Study Desk reads or writes on disk, and nothing else.

The data dir is `platformdirs.user_data_dir("StudyDesk", appauthor=False)` unless `--data-dir` or
`STUDYDESK_DATA_DIR` names another (tests, portable installs). Logs go to
`platformdirs.user_log_path("StudyDesk")`, or to `<data dir>/logs` when the data dir is overridden,
so a portable install or a test run keeps everything in one folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "StudyDesk"
DATA_DIR_ENV = "STUDYDESK_DATA_DIR"
DB_FILE_NAME = "studydesk.sqlite3"
PROFILE_META_NAME = "profile.json"


def bundle_root() -> Path:
    """The folder holding `resources/` and `alembic/`: the PyInstaller bundle or the checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def alembic_dir() -> Path:
    """The migration scripts (env.py, versions/): the checkout's alembic/ folder.

    The bundle ships them as alembic_scripts/: its alembic/ folder is the Alembic library's own.
    """
    if getattr(sys, "_MEIPASS", None):
        return bundle_root() / "alembic_scripts"
    return bundle_root() / "alembic"


@dataclass(frozen=True)
class DataLocations:
    """The folders under one data dir."""

    root: Path
    overridden: bool = False

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    @property
    def trash_dir(self) -> Path:
        """Deleted profiles are moved here, never erased."""
        return self.root / "trash"

    @property
    def legacy_dir(self) -> Path:
        """Older TinyDB files dropped here are imported on first launch."""
        return self.root / "legacy"

    @property
    def device_settings_file(self) -> Path:
        """Settings of this computer only (window state, theme, last profile); never synced."""
        return self.root / "device-settings.ini"

    @property
    def logs_dir(self) -> Path:
        if self.overridden:
            return self.root / "logs"
        return Path(platformdirs.user_log_path(APP_NAME, appauthor=False))

    def profile_dir(self, profile_id: str) -> Path:
        return self.profiles_dir / profile_id


def data_locations(override: str | os.PathLike[str] | None = None) -> DataLocations:
    """Resolve the data dir: the explicit override, then the environment, then platformdirs."""
    if override:
        return DataLocations(Path(override).expanduser().resolve(), overridden=True)
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return DataLocations(Path(env).expanduser().resolve(), overridden=True)
    return DataLocations(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
