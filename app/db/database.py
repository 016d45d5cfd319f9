"""One open profile database: checked, upgraded to head, and handing out sessions.

Opening never changes a file it refuses. An upgrade is preceded by a verified backup and runs as
one transaction; if it fails the file is rolled back and the learner is told where the backup is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.db.backup import BackupInfo, backup_file, rotate_backups
from app.db.engine import make_engine
from app.db.inspect import inspect_profile_file
from app.db.migrate import UpgradeFailed, UpgradeResult, run_upgrade
from app.db.revisions import known_revisions
from app.db.schema_template import create_from_template
from app.errors import ProfileFileRefused


@dataclass(frozen=True)
class OpenedDatabase:
    upgrade: UpgradeResult | None


class ProfileDatabase:
    """Sessions on one profile file. Thread-safe: each session is used by one thread only."""

    def __init__(self, db_file: Path, backups_dir: Path, engine: Engine) -> None:
        self.db_file = db_file
        self.backups_dir = backups_dir
        self.engine = engine
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._changed = threading.Event()
        self.last_upgrade: UpgradeResult | None = None

    @classmethod
    def open(cls, db_file: Path, backups_dir: Path, *, create: bool = False) -> ProfileDatabase:
        """Open (or with `create`, make) a profile file and bring it to the newest schema.

        Raises ProfileFileRefused for a damaged, foreign or newer file, or a failed upgrade;
        the file is then exactly as it was.
        """
        head = known_revisions().head
        new_file = create and not db_file.exists()
        revision: str | None
        if new_file:
            db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            create_from_template(db_file, head)
            revision = head
        else:
            revision = inspect_profile_file(db_file).revision
        engine = make_engine(db_file)
        database = cls(db_file, backups_dir, engine)
        if new_file:
            with engine.connect():  # the first connection puts the new file in WAL mode
                pass
            database.last_upgrade = UpgradeResult(None, head, None)
        elif revision != head:
            database.last_upgrade = database._upgrade(revision, head)
        return database

    def _upgrade(self, revision: str | None, head: str) -> UpgradeResult:
        backup = None
        if revision is not None:
            backup = backup_file(self.db_file, self.backups_dir, f"before-upgrade-{head}").path
        from app.db.inspect import FileState

        try:
            run_upgrade(self.engine, FileState(self.db_file, revision, head))
        except UpgradeFailed as error:
            self.engine.dispose()
            where = f" A backup from before the attempt is at {backup}." if backup else ""
            raise ProfileFileRefused(
                f"Study Desk could not upgrade {self.db_file} ({error}). The file was left as it "
                f"was.{where} Please report this with the log file."
            ) from error
        return UpgradeResult(revision, head, backup)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading; rolled back on exit (it never writes)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session inside `BEGIN IMMEDIATE`: committed on normal exit, rolled back on error."""
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session
        self._changed.set()

    @property
    def changed_since_backup(self) -> bool:
        return self._changed.is_set()

    def mark_changed(self) -> None:
        self._changed.set()

    def mark_clean(self) -> None:
        """Forget the changes so far: they need no backup (a brand-new profile's first rows)."""
        self._changed.clear()

    def backup(self, reason: str, now: datetime | None = None) -> BackupInfo:
        """A verified backup of the file as committed now, then rotation of the older ones."""
        self._changed.clear()
        try:
            info = backup_file(self.db_file, self.backups_dir, reason, now)
        except BaseException:
            self._changed.set()
            raise
        rotate_backups(self.backups_dir, now)
        return info

    def close(self) -> None:
        """Release every connection; checkpoints the WAL into the main file. (A caller that
        keeps a connection of its own lets go of it on the engine's `engine_disposed` event.)"""
        self.engine.dispose()
