"""Read-only checks of a profile file before anything opens it for writing.

Everything here opens the file with `mode=ro` (or reads raw bytes), so a refused file is left
byte-for-byte as it was. Each refusal is a `ProfileFileRefused` naming the file and what to do.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

from app.db.engine import APPLICATION_ID, connect_raw
from app.db.revisions import known_revisions
from app.errors import ProfileFileRefused

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = "Restore a backup (File > Restore backup, or `studydesk db restore`)."


@dataclass(frozen=True)
class FileState:
    """What a profile file holds: `revision` is None for a file with no Study Desk tables yet."""

    path: Path
    revision: str | None
    head: str

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


def check_header(path: Path) -> None:
    """Refuse files that are unreadable, empty, not SQLite, or shorter than their header says."""
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
        raise ProfileFileRefused(f"The profile file {path} is damaged (cut short). {RESTORE_HINT}")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    # The in-header page count is valid only when the change counters match (SQLite >= 3.7.0).
    counters_match = header[24:28] == header[92:96]
    if counters_match and page_count and size < page_size * page_count:
        raise ProfileFileRefused(
            f"The profile file {path} is damaged: it is {size} bytes but should be "
            f"{page_size * page_count}. It was left untouched. {RESTORE_HINT}"
        )


def inspect_profile_file(path: Path) -> FileState:
    """Check a profile file without changing it and report its schema revision.

    Raises ProfileFileRefused for a file that is missing, empty, not SQLite, damaged, not a Study
    Desk file, or written by a newer Study Desk.
    """
    check_header(path)
    chain = known_revisions()
    try:
        conn = connect_raw(path, read_only=True)
    except sqlite3.Error as error:
        raise ProfileFileRefused(f"{path} could not be opened ({error}). {RESTORE_HINT}") from None
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = {row[0] for row in rows}
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as error:
        raise ProfileFileRefused(
            f"The profile file {path} is damaged ({error}). It was left untouched. {RESTORE_HINT}"
        ) from None
    finally:
        conn.close()
    if app_id not in (0, APPLICATION_ID) or (tables and revision is None and app_id == 0):
        raise ProfileFileRefused(
            f"{path} is an SQLite database of another program, not a Study Desk profile. "
            "It was left untouched."
        )
    if revision is not None and not chain.knows(revision):
        raise ProfileFileRefused(
            f"The profile file {path} was written by a newer version of Study Desk (schema "
            f"{revision}). Update Study Desk to open it; the file was left untouched."
        )
    return FileState(path=path, revision=revision, head=chain.head)


def integrity_problems(path: Path, *, quick: bool = False) -> list[str]:
    """SQLite's own consistency check, read-only; an empty list means the file is sound."""
    conn = connect_raw(path, read_only=True)
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        conn.close()
    if rows == ["ok"]:
        return []
    # SQLite may put many problems in one row, under a "*** in database main ***" heading;
    # one problem per item keeps messages that quote the first one to a single line.
    lines = (line.strip() for row in rows for line in row.splitlines())
    problems = [line for line in lines if line and not line.startswith("*** in database")]
    return problems or rows
