"""New profile files are copies of one empty database at the newest schema.

Importing Alembic and running every revision costs a quarter of a second; a first launch makes
one profile and an import of a hundred learners makes a hundred. So the app ships the empty
head-schema database (`resources/schema/empty-profile.sqlite3`), used only when its revision is
the scripts' head, and otherwise builds one per process through the same upgrade path as any
file. A test checks the shipped file against a fresh migration; after adding a revision, run

    python -m app.db.schema_template

to write it again.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

from app.atomic_file import write_atomically
from app.db.engine import connect_raw, create_file_owner_only, make_engine
from app.db.inspect import FileState
from app.db.migrate import run_upgrade
from app.paths import alembic_dir, resources_dir

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


def shipped_template() -> Path:
    return resources_dir() / "schema" / "empty-profile.sqlite3"


def revision_of(path: Path) -> str | None:
    try:
        conn = connect_raw(path, read_only=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def template_for(head: str) -> Path:
    """The empty database at `head` for the current migration scripts."""
    key = (str(alembic_dir()), head)
    with _lock:
        path = _templates.get(key)
        if path is None or not path.is_file():
            shipped = shipped_template()
            usable = shipped.is_file() and revision_of(shipped) == head
            path = _templates[key] = shipped if usable else _build(head)
        return path


def create_from_template(db_file: Path, head: str, *, sync: bool = True) -> None:
    """Write a new owner-only profile file holding the empty schema at `head`.

    Raises FileExistsError rather than overwrite anything. Written whole under a temporary
    name first, so a crash never leaves half a schema under `db_file`. `sync=False` for a file
    that is synced later as a whole (`app.db.fresh_file`).
    """
    data = template_for(head).read_bytes()
    write_atomically(db_file, data, fsync=sync, exclusive=True)


def write_shipped_template() -> Path:
    """Rebuild `resources/schema/empty-profile.sqlite3` at the scripts' head."""
    from app.db.revisions import known_revisions

    built = _build(known_revisions().head)
    target = shipped_template()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, target)
    return target


if __name__ == "__main__":
    print(write_shipped_template())
