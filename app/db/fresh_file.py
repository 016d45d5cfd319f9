"""A new profile file built whole out of sight, then synced once and moved into place.

An import that makes a profile writes tens of thousands of rows into a file nobody else can see
yet. Going through the write-ahead log with a sync per commit would write every page twice and
wait for the disk each time, for no gain: a half-built file is worthless whatever state it is in.
So the file is built with its journal in memory and no syncs (`make_engine(building=True)`),
then put in WAL mode like every profile file, synced to disk once, and only then renamed to its
final name and its folder synced. A crash, a kill or an error before the rename leaves no profile
file (an error deletes the half-built one; a leftover from a kill is removed by the next build in
that folder, see `building_path`); after it, the whole file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.atomic_file import sync_folder
from app.db.database import ProfileDatabase
from app.db.engine import make_engine
from app.db.open_check import STAMP_SUFFIX, stamp_path
from app.db.revisions import known_revisions
from app.db.schema_template import create_from_template

BUILDING_SUFFIX = ".building"
_SIDE_FILES = ("-journal", "-wal", "-shm")


def building_path(db_file: Path) -> Path:
    """Where `db_file` is built before it is moved into place."""
    return db_file.with_name(db_file.name + BUILDING_SUFFIX)


@contextmanager
def build_database(path: Path, backups_dir: Path) -> Iterator[ProfileDatabase]:
    """A new profile database at `path`, which must not exist, at the newest schema.

    On normal exit the file is complete, in WAL mode and synced to disk, but not yet in place
    (`move_into_place`); on an error it is deleted.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_from_template(path, known_revisions().head, sync=False)
    database = ProfileDatabase(path, backups_dir, make_engine(path, building=True))
    try:
        yield database
        _finish(database)
    except BaseException:
        database.close()
        remove_database(path)
        raise


def _finish(database: ProfileDatabase) -> None:
    """Put the built file in WAL mode (as every profile file is), close it, sync it to disk."""
    connection = database.engine.raw_connection()  # the one the rows were written on
    try:
        cursor = connection.cursor()
        mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        cursor.close()
    finally:
        connection.close()
    database.close()
    if str(mode).lower() != "wal":
        raise OSError(f"{database.db_file} could not be put in WAL mode ({mode})")
    sync_file(database.db_file)


def move_into_place(built: Path, final: Path) -> None:
    """Rename a built (and synced) file to its final name, then sync the folder's entry. The note
    that it closed sound goes with it (`app.db.open_check`)."""
    os.replace(built, final)
    if stamp_path(built).exists():
        os.replace(stamp_path(built), stamp_path(final))
    sync_folder(final.parent)


def remove_database(path: Path) -> None:
    """Delete a database file and any journal or WAL beside it."""
    for suffix in ("", *_SIDE_FILES, STAMP_SUFFIX):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
