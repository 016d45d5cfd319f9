"""Repair a damaged profile: every row SQLite can still read goes into a new file; the damaged
file is kept, never deleted.

SQLite's own recovery (`.recover` in the `sqlite3` shell) is not in Python's module, and the
shell cannot be relied on either: Debian 12's `sqlite3` 3.40.1 is built without the
`sqlite_dbpage` table `.recover` needs and fails with "SQL logic error" on any file. So the repair
reads through SQLite itself: each table in rowid order, in batches; where a batch meets a damaged
page it goes row by row, and past the damage it seeks forward (doubling, then halving the step)
to the first row SQLite can read again. A damaged leaf page costs the rows on it; a damaged
interior page the rows below it.

The new file is built at the damaged file's own schema revision (from the same migrations) with
foreign keys off; rows whose parent row was lost are then moved to `leftovers.sqlite3` until
`foreign_key_check` is empty, the full-text index is rebuilt, and the file must pass
`integrity_check` with Study Desk's application_id and revision before it replaces the damaged
one. Everything lands in `<profile>/repairs/<time>/`: `damaged.sqlite3` (the damaged file, with
its -wal if it had one), `leftovers.sqlite3` (if any). The caller holds the profile's lock and has
closed its database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.atomic_file import sync_folder
from app.db.base import is_unmodelled_table
from app.db.engine import (
    APPLICATION_ID,
    create_file_owner_only,
    make_engine,
    side_file,
    sqlite_uri,
)
from app.db.fresh_file import sync_file
from app.db.inspect import RESTORE_HINT, FileState, inspect_profile_file, reading
from app.db.migrate import run_upgrade
from app.db.open_check import forget, note_sound
from app.db.revisions import known_revisions
from app.db.schema_template import create_from_template
from app.errors import ProfileDamaged, UserError

REPAIRS_DIR = "repairs"
BATCH = 2000
_MAX_ROWID = 2**63 - 1
_MIN_ROWID = -(2**63)  # taken as "before every row" (SQLite never gives it out)


@dataclass(frozen=True)
class RepairResult:
    """What a repair made: `rows` per table in the repaired profile, `set_aside` per table in
    `leftovers` (rows read whole but whose parent row was lost), `damaged_spots` per table
    (places where rows could not be read)."""

    db_file: Path
    damaged_copy: Path
    leftovers: Path | None
    revision: str
    rows: dict[str, int]
    set_aside: dict[str, int] = field(default_factory=dict)
    damaged_spots: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """One or two sentences for the learner."""
        total = sum(self.rows.values())
        text = f"Repaired {self.db_file.name}: {total:,} rows kept"
        if self.damaged_spots:
            text += f"; {sum(self.damaged_spots.values())} damaged places could not be read"
        if self.set_aside and self.leftovers is not None:
            text += (
                f"; {sum(self.set_aside.values()):,} rows whose parent was lost are in "
                f"{self.leftovers}"
            )
        return f"{text}. The damaged file is kept as {self.damaged_copy}."


def repair_profile(db_file: Path, now: datetime | None = None) -> RepairResult:
    """Rebuild `db_file` from what can be read of it (see the module docstring).

    Raises UserError when the file is not a Study Desk profile, when nothing of its schema can
    be read (restore a backup then), or when the repaired file fails its check (the profile is
    then left exactly as it was).
    """
    revision = _revision_of(db_file)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = db_file.parent / REPAIRS_DIR / stamp
    try:
        folder.mkdir(mode=0o700, parents=True)
    except OSError as error:
        raise UserError(
            f"Study Desk cannot write in {db_file.parent} ({error.strerror}), so it cannot "
            "repair the profile there."
        ) from None
    target = folder / "repaired.sqlite3"
    leftovers = folder / "leftovers.sqlite3"
    _build_empty(target, revision)
    salvage = _Salvage(target, db_file, leftovers)
    try:
        salvage.copy_everything()
        salvage.verify(revision)
    finally:
        salvage.close()
    sync_file(target)
    if salvage.set_aside:
        sync_file(leftovers)
    else:
        leftovers.unlink(missing_ok=True)
    kept = _swap(db_file, target, folder)
    return RepairResult(
        db_file=db_file,
        damaged_copy=kept,
        leftovers=leftovers if salvage.set_aside else None,
        revision=revision,
        rows=salvage.rows,
        set_aside=dict(salvage.set_aside),
        damaged_spots=dict(salvage.damaged_spots),
    )


def _revision_of(db_file: Path) -> str:
    """The damaged file's schema revision; refuses another program's or a newer file."""
    try:
        return inspect_profile_file(db_file).revision or known_revisions().head
    except ProfileDamaged:
        pass  # cut short or schema pages damaged: read what can be read
    try:
        with reading(db_file) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        app_id, row = None, None
    if app_id != APPLICATION_ID or row is None or not known_revisions().knows(str(row[0])):
        raise UserError(
            f"The damage to {db_file} reaches the part that says what the file holds, so "
            f"Study Desk cannot repair it. {RESTORE_HINT}"
        )
    return str(row[0])


def _build_empty(target: Path, revision: str) -> None:
    """An empty profile at `revision`, from the same migrations as every profile."""
    head = known_revisions().head
    if revision == head:
        create_from_template(target, head, sync=False)
        return
    create_file_owner_only(target)
    engine = make_engine(target, building=True)
    try:
        run_upgrade(engine, FileState(target, None, revision), to=revision)
    finally:
        engine.dispose()


class _Salvage:
    """The copy from the damaged file (attached read-only as `damaged`) into the new one."""

    def __init__(self, target: Path, damaged: Path, leftovers: Path) -> None:
        self.conn = sqlite3.connect(sqlite_uri(target), uri=True, isolation_level=None)
        for pragma in ("foreign_keys=OFF", "journal_mode=MEMORY", "synchronous=OFF"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("ATTACH DATABASE ? AS damaged", (sqlite_uri(damaged, read_only=True),))
        self.conn.execute("ATTACH DATABASE ? AS leftovers", (sqlite_uri(leftovers),))
        for pragma in ("journal_mode=MEMORY", "synchronous=OFF"):  # synced whole at the end
            self.conn.execute(f"PRAGMA leftovers.{pragma}")
        self.rows: dict[str, int] = {}
        self.set_aside: dict[str, int] = {}
        self.damaged_spots: dict[str, int] = {}

    def close(self) -> None:
        self.conn.close()

    def _tables(self) -> list[tuple[str, str]]:
        found = self.conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type='table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        virtual = [name for name, sql in found if sql.upper().startswith("CREATE VIRTUAL")]
        return [
            (name, sql)
            for name, sql in found
            if name != "alembic_version"
            and name not in virtual
            and not any(name.startswith(f"{table}_") for table in virtual)
            and not is_unmodelled_table(name)  # search_docs: its triggers remake it as rows come
        ]

    def _columns(self, schema: str, table: str) -> list[str]:
        return [str(row[1]) for row in self.conn.execute(f'PRAGMA {schema}.table_info("{table}")')]

    def copy_everything(self) -> None:
        tables = self._tables()
        try:
            readable = {
                str(row[0])
                for row in self.conn.execute(
                    "SELECT name FROM damaged.sqlite_master WHERE type='table'"
                )
            }
        except sqlite3.DatabaseError:
            readable = set()
        if not readable:
            raise UserError(
                "The list of tables in the damaged profile cannot be read, so nothing could be "
                f"repaired. {RESTORE_HINT}"
            )
        # No transaction around it all: after SQLite meets a damaged page it refuses every read
        # of that file until the read transaction ends, so each statement is its own (the new
        # file is private, its journal in memory, unsynced until it is whole).
        for table, sql in tables:
            if table not in readable:
                self.damaged_spots[table] = self.damaged_spots.get(table, 0) + 1
                continue
            try:
                source = set(self._columns("damaged", table))
            except sqlite3.DatabaseError:
                self.damaged_spots[table] = self.damaged_spots.get(table, 0) + 1
                continue
            columns = [c for c in self._columns("main", table) if c in source]
            if "WITHOUT ROWID" in sql.upper():
                self._copy_whole(table, columns)
            else:
                _RowidCopy(self, table, columns).run()
        self._move_orphans()
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type='table'"
        ).fetchall():
            if sql.upper().startswith("CREATE VIRTUAL") and "FTS5" in sql.upper():
                self.conn.execute(f'INSERT INTO main."{name}"("{name}") VALUES (\'rebuild\')')
        self.rows = {
            table: int(self.conn.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0])
            for table, _sql in tables
        }

    def _copy_whole(self, table: str, columns: list[str]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        try:
            self.conn.execute(
                f'INSERT OR IGNORE INTO main."{table}" ({names}) SELECT {names} FROM '
                f'damaged."{table}"'
            )
        except sqlite3.DatabaseError:
            self.damaged_spots[table] = self.damaged_spots.get(table, 0) + 1

    def leftovers_table(self, table: str) -> str:
        columns = ", ".join(f'"{c}"' for c in self._columns("main", table))
        self.conn.execute(
            f'CREATE TABLE IF NOT EXISTS leftovers."{table}" AS SELECT rowid AS source_rowid, '
            f'{columns} FROM main."{table}" WHERE 0'
        )
        return f'leftovers."{table}"'

    def _move_orphans(self) -> None:
        """Rows whose parent row was lost go to the leftovers until no reference is broken
        (moving a row can orphan rows that refer to it in turn)."""
        while True:
            broken = self.conn.execute("PRAGMA main.foreign_key_check").fetchall()
            by_table: dict[str, set[int]] = {}
            for table, rowid, _parent, _key in broken:
                if rowid is not None:
                    by_table.setdefault(str(table), set()).add(int(rowid))
            if not by_table:
                return
            self.conn.execute("BEGIN")  # reads only the new file: one transaction is safe
            for table, rowids in by_table.items():
                aside = self.leftovers_table(table)
                moving = [(rowid,) for rowid in sorted(rowids)]
                self.conn.executemany(
                    f'INSERT INTO {aside} SELECT rowid, * FROM main."{table}" WHERE rowid = ?',
                    moving,
                )
                self.conn.executemany(f'DELETE FROM main."{table}" WHERE rowid = ?', moving)
                self.set_aside[table] = self.set_aside.get(table, 0) + len(moving)
            self.conn.execute("COMMIT")

    def verify(self, revision: str) -> None:
        problems = [str(row[0]) for row in self.conn.execute("PRAGMA main.integrity_check")]
        broken = self.conn.execute("PRAGMA main.foreign_key_check").fetchall()
        found = self.conn.execute("SELECT version_num FROM main.alembic_version").fetchall()
        app_id = self.conn.execute("PRAGMA main.application_id").fetchone()[0]
        if problems != ["ok"] or broken or found != [(revision,)] or app_id != APPLICATION_ID:
            raise UserError(
                "The repaired copy did not pass its check "
                f"({problems[0] if problems != ['ok'] else 'references or version'}); the "
                f"profile was left as it was. {RESTORE_HINT}"
            )
        self.conn.execute("DETACH DATABASE damaged")
        self.conn.execute("DETACH DATABASE leftovers")
        self.conn.execute("PRAGMA journal_mode=WAL")


class _RowidCopy:
    """One rowid table copied in rowid order, stepping over what cannot be read."""

    def __init__(self, salvage: _Salvage, table: str, columns: list[str]) -> None:
        self.salvage = salvage
        self.conn = salvage.conn
        self.table = table
        names = ", ".join(f'"{c}"' for c in columns)
        self.insert = (
            f'INSERT INTO main."{table}" (rowid, {names}) SELECT rowid, {names} '
            f'FROM damaged."{table}"'
        )
        self.names = names

    def run(self) -> None:
        """Copy from rowid `start` on: a batch at a time; where a batch meets damage, smaller
        ones down to a single row; past a row that cannot be read, the next one that can.

        Every seek is `rowid >= start` with `start` one past a row that was read: SQLite finds
        `rowid > x` by seeking x, which lands back on the damaged page when x is on it."""
        start, size = _MIN_ROWID, BATCH
        while True:
            try:
                batch = self._rowids_from(start, size)
            except sqlite3.DatabaseError:
                batch = None
            if batch == []:
                return
            if batch is not None and (size == 1 or self._copy_range(start, batch[-1])):
                if size == 1:
                    self._copy_one(batch[0])
                start, size = batch[-1] + 1, min(size * 2, BATCH)
                continue
            if size > 1:
                size //= 2
                continue
            self.salvage.damaged_spots[self.table] = (
                self.salvage.damaged_spots.get(self.table, 0) + 1
            )
            resume = self._first_readable_from(start)
            if resume is None:
                return
            start, size = resume, 1

    def _rowids_from(self, start: int, limit: int) -> list[int]:
        rows = self.conn.execute(
            f'SELECT rowid FROM damaged."{self.table}" WHERE rowid >= ? ORDER BY rowid LIMIT ?',
            (start, limit),
        ).fetchall()
        found = [int(row[0]) for row in rows]
        if found != sorted(found) or any(rowid < start for rowid in found):
            raise sqlite3.DatabaseError("rowids out of order")  # a damaged page's nonsense
        return found

    def _copy_range(self, start: int, last: int) -> bool:
        """Copy the rows in [start, last] in one statement (all or none of them)."""
        try:
            self.conn.execute(self.insert + " WHERE rowid >= ? AND rowid <= ?", (start, last))
        except sqlite3.DatabaseError:
            return False
        return True

    def _copy_one(self, rowid: int) -> None:
        try:
            self.conn.execute(self.insert + " WHERE rowid = ?", (rowid,))
            return
        except sqlite3.IntegrityError:
            pass  # a duplicate key or a broken constraint: kept aside, not lost
        except sqlite3.DatabaseError:
            self.salvage.damaged_spots[self.table] = (
                self.salvage.damaged_spots.get(self.table, 0) + 1
            )
            return
        aside = self.salvage.leftovers_table(self.table)
        try:
            self.conn.execute(
                f'INSERT INTO {aside} SELECT rowid, {self.names} FROM damaged."{self.table}" '
                "WHERE rowid = ?",
                (rowid,),
            )
        except sqlite3.DatabaseError:
            return
        self.salvage.set_aside[self.table] = self.salvage.set_aside.get(self.table, 0) + 1

    def _first_readable_from(self, start: int) -> int | None:
        """The first rowid after the damage at `start` that can be read, or None.

        Seeks `start + 1, + 2, + 4, ...` until one succeeds, then halves the gap to the
        smallest seek that does: the rows from there on are on pages that can be read."""

        def seek(at: int) -> tuple[bool, int | None]:
            try:
                found = self._rowids_from(at, 1)
            except sqlite3.DatabaseError:
                return False, None
            return True, (found[0] if found else None)

        failing, step = start, 1
        while True:
            probe = start + step
            if probe > _MAX_ROWID:
                return None
            if seek(probe)[0]:
                break
            failing, step = probe, step * 2
        readable = probe
        while readable - failing > 1:
            middle = (failing + readable) // 2
            if seek(middle)[0]:
                readable = middle
            else:
                failing = middle
        return seek(readable)[1]


def _swap(db_file: Path, repaired: Path, folder: Path) -> Path:
    """Keep the damaged file (hard link, or a byte copy) and its -wal in `folder`, then put the
    repaired file in its place in one rename."""
    forget(db_file)
    kept = folder / "damaged.sqlite3"
    for suffix in ("-wal", "-shm"):
        if side_file(db_file, suffix).exists():
            os.replace(side_file(db_file, suffix), side_file(kept, suffix))
    _keep(db_file, kept)
    os.replace(repaired, db_file)
    sync_folder(db_file.parent)
    note_sound(db_file)
    return kept


def _keep(db_file: Path, kept: Path) -> None:
    try:
        os.link(db_file, kept)
    except OSError:  # a file system without hard links
        shutil.copyfile(db_file, kept)
        sync_file(kept)
