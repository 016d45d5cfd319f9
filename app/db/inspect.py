"""Read-only checks of a profile file before anything opens it for writing.

Everything here opens the file read-only (or reads raw bytes), so a refused file is left
byte-for-byte as it was. Each refusal is a `ProfileFileRefused` naming the file and what to do.

What makes a file Study Desk's: its SQLite `application_id` (set by revision 0001 and after every
upgrade). A file with tables and another mark, or no mark, is another program's, with one
exception: an unmarked file holding Study Desk's own first tables at a revision this build knows
(a profile from before files were marked; it is marked when next opened for writing). A file
with nothing in it at all (no tables, no marks) may become a profile.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.db.engine import APPLICATION_ID, connect_raw, side_file, wal_has_changes
from app.db.revisions import known_revisions
from app.errors import ProfileDamaged, ProfileFileRefused

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = "Restore a backup (File > Restore from Backup…, or `studydesk db restore`)."
REPAIR_HINT = (
    "Repair it (File > Repair Profile…, or `studydesk db repair`), which keeps the damaged "
    "file, or restore a backup (File > Restore from Backup…, or `studydesk db restore`)."
)
# The tables of revision 0001, which every Study Desk profile has.
FOUNDATION_TABLES = frozenset({"alembic_version", "import_sources", "profile_settings"})


@dataclass(frozen=True)
class FileState:
    """What a profile file holds: `revision` is None for a file with no Study Desk tables yet;
    `marked` is False for a profile that does not carry Study Desk's application_id yet."""

    path: Path
    revision: str | None
    head: str
    marked: bool = True

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


def damaged(path: Path, what: str, problems: tuple[str, ...] = ()) -> ProfileDamaged:
    return ProfileDamaged(
        f"The profile file {path} is damaged ({what}). It was left untouched. {REPAIR_HINT}",
        problems or (what,),
    )


def damaged_read_only(path: Path, problems: list[str]) -> ProfileDamaged:
    """What every write to a damaged profile that was opened read-only raises."""
    return ProfileDamaged(
        f"The profile file {path} is damaged ({problems[0]}). Study Desk opened it read-only and "
        f"writes nothing into it. {REPAIR_HINT}",
        tuple(problems),
    )


def check_header(path: Path) -> None:
    """Refuse files that are unreadable, empty, not SQLite, or shorter than their header says.

    A file shorter than its header says is whole if its -wal holds the rest: a kill while SQLite
    copies the log back into the file leaves exactly that, and SQLite finishes the copy when it
    next opens the file. Then SQLite's own reading decides (`inspect_profile_file`, and the
    check on open).
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProfileFileRefused(f"The profile file {path} is missing. {RESTORE_HINT}") from None
    except PermissionError:
        raise ProfileFileRefused(
            f"Study Desk is not allowed to read {path}. Give your user account read and write "
            "permission on it, then open the profile again."
        ) from None
    except OSError as error:
        raise ProfileFileRefused(f"{path} could not be read ({error.strerror}).") from None
    if size == 0:
        raise ProfileFileRefused(
            f"The profile file {path} is empty (0 bytes): its data is not there. {RESTORE_HINT}"
        )
    if not header.startswith(SQLITE_HEADER):
        raise ProfileFileRefused(
            f"{path} is not a Study Desk profile (it is not an SQLite database). It was left "
            f"untouched. {RESTORE_HINT}"
        )
    if len(header) < 100:
        raise damaged(path, "cut short")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    # The in-header page count is valid only when the change counters match (SQLite >= 3.7.0).
    counters_match = header[24:28] == header[92:96]
    if counters_match and page_count and size < page_size * page_count:
        if wal_has_changes(path):
            return
        raise damaged(path, f"it is {size} bytes but should be {page_size * page_count}")


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection on `path`, wherever it lies.

    In a folder SQLite cannot write, a file whose -wal holds changes cannot be opened without
    its -shm; then the file and its -wal are copied to a private temporary folder and read there
    (SQLite applies the log to the copy; the originals are not touched).
    """
    scratch: tempfile.TemporaryDirectory[str] | None = None
    try:
        conn = _connect_read_only(path)
    except sqlite3.OperationalError:
        if not wal_has_changes(path):
            raise
        scratch = tempfile.TemporaryDirectory(prefix="studydesk-read-")
        copy = Path(scratch.name) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(side_file(path, "-wal"), side_file(copy, "-wal"))
        conn = connect_raw(copy)
    try:
        yield conn
    finally:
        conn.close()
        if scratch is not None:
            scratch.cleanup()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    conn = connect_raw(path, read_only=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        raise
    except sqlite3.DatabaseError:
        pass  # damage: the caller's own statements meet it and say so
    return conn


def inspect_profile_file(path: Path) -> FileState:
    """Check a profile file without changing it and report its schema revision.

    Raises ProfileFileRefused for a file that is missing, empty, not SQLite, not a Study Desk
    file, without its schema version, or written by a newer Study Desk; ProfileDamaged (a kind
    of ProfileFileRefused) for one SQLite cannot read.
    """
    check_header(path)
    chain = known_revisions()
    try:
        with reading(path) as conn:
            objects = [tuple(row) for row in conn.execute("SELECT type, name FROM sqlite_master")]
            tables = {name for kind, name in objects if kind == "table"}
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
    except sqlite3.DatabaseError as error:
        if "unable to open" in str(error):
            raise ProfileFileRefused(
                f"{path} could not be opened ({error}). {RESTORE_HINT}"
            ) from None
        raise damaged(path, str(error).splitlines()[0]) from None
    ours = app_id == APPLICATION_ID
    blank = not objects and app_id == 0 and user_version == 0
    unmarked_profile = (
        app_id == 0
        and tables >= FOUNDATION_TABLES
        and revision is not None
        and chain.knows(revision)
    )
    if not (ours or blank or unmarked_profile):
        raise ProfileFileRefused(
            f"{path} is an SQLite database of another program, not a Study Desk profile. "
            "It was left untouched."
        )
    if ours and tables and revision is None:
        raise ProfileFileRefused(
            f"The profile file {path} has lost its schema version (the alembic_version table "
            f"is {'empty' if 'alembic_version' in tables else 'missing'}), so Study Desk cannot "
            f"tell how to read it. It was left untouched. {RESTORE_HINT}"
        )
    if revision is not None and not chain.knows(revision):
        raise ProfileFileRefused(
            f"The profile file {path} was written by a newer version of Study Desk (schema "
            f"{revision}). Update Study Desk to open it; the file was left untouched."
        )
    return FileState(path=path, revision=revision, head=chain.head, marked=ours)


def integrity_problems(path: Path, *, quick: bool = False) -> list[str]:
    """SQLite's own consistency check, read-only; an empty list means the file is sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        with reading(path) as conn:
            rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    if rows == ["ok"]:
        return []
    # SQLite may put many problems in one row, under a "*** in database main ***" heading;
    # one problem per item keeps messages that quote the first one to a single line.
    lines = (line.strip() for row in rows for line in row.splitlines())
    problems = [line for line in lines if line and not line.startswith("*** in database")]
    return problems or rows
