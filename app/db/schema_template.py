"""New profile files are copies of one empty database at the newest schema.

Running every Alembic revision for each new profile costs ~60 ms; an import that brings in a
hundred learners makes a hundred profiles. The first new profile in a process builds the empty
head-schema database once (through the same upgrade path as any file) and later ones copy its
bytes (~1 ms). The template lives in a private temporary folder removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

from app.db.engine import create_file_owner_only, make_engine
from app.db.inspect import FileState
from app.db.migrate import run_upgrade
from app.paths import alembic_dir

_lock = threading.Lock()
_templates: dict[tuple[str, str], Path] = {}


def _build(head: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="studydesk-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / f"head-{head}.sqlite3"
    create_file_owner_only(path)
    engine = make_engine(path)
    try:
        run_upgrade(engine, FileState(path, None, head))
    finally:
        engine.dispose()
    # One self-contained file: no WAL beside it to copy.
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return path


def template_for(head: str) -> Path:
    """The empty database at `head` for the current migration scripts, built on first use."""
    key = (str(alembic_dir()), head)
    with _lock:
        path = _templates.get(key)
        if path is None or not path.is_file():
            path = _templates[key] = _build(head)
        return path


def create_from_template(db_file: Path, head: str) -> None:
    """Write a new owner-only profile file holding the empty schema at `head`.

    Raises FileExistsError rather than overwrite anything.
    """
    data = template_for(head).read_bytes()
    fd = os.open(db_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        db_file.unlink(missing_ok=True)
        raise
