"""One open profile database: checked, upgraded to head, and handing out sessions.

Opening never changes a file it refuses. An upgrade is preceded by a verified backup and runs as
one transaction; if it fails the file is rolled back and the learner is told where the backup is.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.db.backup import BackupInfo, backup_file, rotate_backups
from app.db.engine import APPLICATION_ID, folder_writable, make_engine
from app.db.inspect import (
    RESTORE_HINT,
    FileState,
    damaged,
    damaged_read_only,
    inspect_profile_file,
)
from app.db.migrate import UpgradeFailed, UpgradeResult, run_upgrade
from app.db.open_check import note_sound, problems_on_open
from app.db.revisions import known_revisions
from app.db.schema_template import create_from_template
from app.errors import FolderNotWritable, ProfileFileRefused, UserError

if TYPE_CHECKING:  # the ORM loads with the first session: not before the window's first paint
    from sqlalchemy.orm import Session


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

    # Set by `open`: why this database gives out no write session (damaged, or in a folder that
    # cannot be written); None when it can be written. Its engine is read-only then too.
    read_only: UserError | None = None
    # SQLite's findings when the check on open found damage (see `app.db.open_check`).
    damaged: tuple[str, ...] = ()

    @classmethod
    def open(cls, db_file: Path, backups_dir: Path, *, create: bool = False) -> ProfileDatabase:
        """Open (or with `create`, make) a profile file and bring it to the newest schema.

        Raises ProfileFileRefused for a foreign or newer file, a failed upgrade, or one that
        cannot be opened at all (ProfileDamaged: cut short, unreadable); the file is then exactly
        as it was. A file that fails SQLite's check on open (`app.db.open_check`), or lies in a
        folder that cannot be written, is opened read-only: `read_only` says why, and
        `write_session` and `backup` raise it. Such a file that would need an upgrade is
        refused.
        """
        head = known_revisions().head
        new_file = create and not db_file.exists()
        refusal: UserError | None = None
        problems: list[str] = []
        if new_file:
            try:
                db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                create_from_template(db_file, head)
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                raise FolderNotWritable(db_file.parent, error.strerror or str(error)) from None
            state = FileState(db_file, head, head)
        else:
            state = inspect_profile_file(db_file)
            problems = problems_on_open(db_file)
            if problems:
                if state.revision != head:  # an upgrade would write into it
                    raise damaged(db_file, problems[0], tuple(problems))
                refusal = damaged_read_only(db_file, problems)
            elif not folder_writable(db_file.parent):
                if state.revision != head:
                    raise UserError(
                        f"Study Desk cannot write in {db_file.parent}: the folder is read-only, "
                        "and this version of Study Desk must upgrade the profile before it can "
                        "read it. Make the folder writable, then open the profile again."
                    )
                refusal = FolderNotWritable(db_file.parent, "the folder is read-only")
            elif not os.access(db_file, os.W_OK):
                refusal = FolderNotWritable(db_file, "the file is read-only")
                if state.revision != head:
                    raise refusal
        database = cls(db_file, backups_dir, make_engine(db_file, read_only=refusal is not None))
        if refusal is not None:
            database.read_only = refusal
            database.damaged = tuple(problems)
            database._check_readable()
            return database
        if new_file:
            with database.engine.connect():  # the first connection puts the new file in WAL mode
                pass
            database.last_upgrade = UpgradeResult(None, head, None)
        elif state.revision != head:
            database.last_upgrade = database._upgrade(state.revision, head)
        elif not state.marked:
            with database.engine.connect() as connection:
                connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                connection.commit()
        return database

    def refuse_writes(self) -> None:
        """Raise why this database takes no writes (`read_only`), if it takes none."""
        if self.read_only is not None:
            raise self.read_only.with_traceback(None)

    def _check_readable(self) -> None:
        """A read-only engine in a folder that cannot be written cannot read a file whose -wal
        holds changes without its -shm (`app.db.engine.connect_raw`): say so now, once."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchone()
        except OperationalError as error:
            self.engine.dispose()
            if folder_writable(self.db_file.parent):
                raise ProfileFileRefused(
                    f"{self.db_file} could not be opened ({error.orig}). {RESTORE_HINT}"
                ) from None
            raise UserError(
                f"Study Desk cannot write in {self.db_file.parent}, and the latest changes of "
                f"{self.db_file.name} are still in its -wal file, which SQLite can only read in "
                "a folder it can write. Make the folder writable, then open the profile again."
            ) from None

    def closed_cleanly(self) -> None:
        """Note the closed file as sound, so the next open skips the check (`open_check`);
        only for a file that was checked or written by this build and takes writes."""
        if self.read_only is None and self.db_file.exists():
            note_sound(self.db_file)

    def _upgrade(self, revision: str | None, head: str) -> UpgradeResult:
        backup = None
        if revision is not None:
            backup = backup_file(self.db_file, self.backups_dir, f"before-upgrade-{head}").path
        try:
            run_upgrade(self.engine, FileState(self.db_file, revision, head))
        except UpgradeFailed as error:
            self.engine.dispose()
            where = f" A backup from before the attempt is at {backup}." if backup else ""
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else "failed"
            raise ProfileFileRefused(
                f"Study Desk could not upgrade {self.db_file} ({first_line}). The file was left "
                f"as it was.{where} Please report this with the log file."
            ) from error
        return UpgradeResult(revision, head, backup)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading; rolled back on exit (it never writes)."""
        from sqlalchemy.orm import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session inside `BEGIN IMMEDIATE`: committed on normal exit, rolled back on error.

        Raises `read_only` (ProfileDamaged, FolderNotWritable) before anything is written."""
        self.refuse_writes()
        from sqlalchemy.orm import Session

        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session
        self._changed.set()

    @property
    def changed_since_backup(self) -> bool:
        return self._changed.is_set()

    def mark_changed(self) -> None:
        # Already set: nothing to wake (Event.set takes a lock and notifies; an answer pays it).
        # A backup that clears it meanwhile copies after this commit, so it is in that copy.
        if not self._changed.is_set():
            self._changed.set()

    def mark_clean(self) -> None:
        """Forget the changes so far: they need no backup (a brand-new profile's first rows)."""
        self._changed.clear()

    def backup(self, reason: str, now: datetime | None = None) -> BackupInfo:
        """A verified backup of the file and its media as committed now, then rotation of the
        older ones. `reason`: "manual", "auto", "on-close", or a `before-...` safety reason
        (`app.db.backup.BEFORE_IMPORT`...). Raises `read_only` for a damaged profile (a backup
        of it would fail its check, and must never push good backups out) or one in a folder
        that cannot be written."""
        self.refuse_writes()
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
        self.closed_cleanly()
