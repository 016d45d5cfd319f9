"""A sync run against any target (`app.sync.target.Target`: the folder, the server account):
what the CLI and the window call. Each step owns its transaction.

A sync: (1) the device's id and capture triggers checked (`capture.prepare`), the device made
new if the target holds writes of its id this file never made; (2) the target's batches of
other devices' operations applied, each in a transaction that also advances the cursors and the
clock, and the tables they changed turned into `Change` flags; (3) media named by them fetched
from the blobs (`media.py`); (4) the outbox pushed (`push_outbox`), its media as blobs, and the
pushed entries removed in the transaction that gave them to the target. A crash anywhere leaves
either the old state or operations that are pushed again (harmless: every merge is
idempotent).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.core.changes import Change
from app.db.database import ProfileDatabase
from app.db.types import utcnow
from app.errors import UserError
from app.sync import media
from app.sync.apply import ApplyReport, apply_ops, driver
from app.sync.bulk_index import page_cache
from app.sync.capture import baseline, install_triggers, prepare, rotate_device, set_state
from app.sync.changes import MEDIA_CHANGES, change_names, changes_of_tables
from app.sync.folder_setup import open_folder, setup_folder
from app.sync.ops import Op, collect, fold_stamps, no_cycle_collection, read_outbox
from app.sync.rebuild import rebuild_recorded
from app.sync.state import (
    DATASET,
    LAST_SYNC,
    TARGET,
    SyncStatus,
    cursors,
    disable,
    has_own_data,
    has_waiting,
    read,
    settings,
    status,
    target_of,
    transaction,
)
from app.sync.target import Batch, Target

__all__ = [
    "DATASET",
    "LAST_SYNC",
    "TARGET",
    "SyncResult",
    "SyncStatus",
    "apply_remote",
    "disable",
    "has_own_data",
    "open_target",
    "push_outbox",
    "setup_folder",
    "status",
    "sync",
]

SEGMENT_OPS = 20_000  # outbox entries per pushed batch
APPLY_OPS = 50_000  # operations per apply transaction
REBUILD_ROWS = 5_000  # derived rows (cards) rebuilt per transaction after the batches


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    pending: int = 0
    merged_versions: int = 0
    kept_both: int = 0
    cycles_broken: int = 0
    blobs_sent: int = 0
    blobs_received: int = 0
    segments_written: int = 0
    segments_read: int = 0
    skipped: list[str] = field(default_factory=list)  # what is left for next time, and why
    seconds: float = 0.0
    changes: Change = Change.NONE  # what the merges changed here, for the views

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "changes": change_names(self.changes)}


def open_target(database: ProfileDatabase, passphrase: str | None = None) -> Target:
    """The target this profile is set up to sync with (its settings read once)."""
    rows = settings(database)
    target = target_of(rows)
    if target is None:
        raise UserError("Sync is not set up for this profile: run `studydesk sync setup` first.")
    kind = target.get("kind")
    if kind == "server":
        from app.sync.server_setup import open_server_target
        from app.sync.server_sync import ServerAccount

        return ServerAccount(open_server_target(database, settings=rows), database, rows)
    if kind != "folder":
        raise UserError(f"This version cannot sync to a {kind} target.")
    return open_folder(target, rows.get(DATASET), passphrase)


def sync(
    database: ProfileDatabase,
    media_dir: Path | None = None,
    *,
    passphrase: str | None = None,
    target: Target | None = None,
) -> SyncResult:
    """Pull and merge what other devices sent, then push this device's changes."""
    started = time.perf_counter()
    result = SyncResult()
    target = target or open_target(database, passphrase)
    with transaction(database) as conn:
        device = prepare(conn, database.db_file)
        if device is not None and target.stale(conn, device):
            device = rotate_device(conn, database.db_file)
    if device is None:
        raise UserError("Sync is not set up for this profile: run `studydesk sync setup` first.")
    media_ops = pull(database, target, device, result)
    if media_dir is not None and media_ops:
        received = media.fetch_media(database, target, media_dir, media_ops)
        result.blobs_received += received.count
        result.skipped += received.skipped
        if received.count:
            result.changes |= MEDIA_CHANGES
    push(database, target, device, media_dir, result)
    with transaction(database) as conn:
        set_state(conn, LAST_SYNC, utcnow().isoformat(timespec="seconds"))
        result.pending = conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


# Pulling
def pull(database: ProfileDatabase, target: Target, device: str, result: SyncResult) -> list[Op]:
    """Apply the target's batches; returns the media operations among them."""
    found: list[Op] = []
    applied = False
    for batch in target.batches(cursors(database), device, result.skipped, APPLY_OPS):
        if batch.refill is not None:
            with transaction(database) as conn:
                conn.execute("DELETE FROM sync_cursors WHERE source = ?", (batch.refill,))
                baseline(conn)
        if batch.ops or batch.upto:
            found += _apply(database, device, batch, result)
            applied = True
    if not applied and has_waiting(database):
        # Nothing new, but operations wait (for an upgrade, a row, a blob): try them again.
        found += _apply(database, device, Batch([], {}, segments=0), result)
    rebuild(database, result)
    return found


def rebuild(database: ProfileDatabase, result: SyncResult) -> None:
    """Rebuild the derived rows the batches left (each card replayed once, however many
    batches touched it), a chunk a transaction; what a stopped sync left is done now."""
    if not read(database, "SELECT 1 FROM sync_rebuilds LIMIT 1"):
        return  # nothing to rebuild: no write transaction
    while True:
        with database.write_session() as session, page_cache(driver(session)):
            tables = rebuild_recorded(session, REBUILD_ROWS)
        if not tables:
            return
        result.changes |= changes_of_tables(tables)


def apply_remote(
    database: ProfileDatabase,
    device: str,
    ops: list[Op],
    positions: dict[str, int],
    *,
    defer_rebuild: bool = False,
) -> ApplyReport:
    """Merge other devices' operations and advance the cursors (`positions`: source -> how far
    these operations reach) in one transaction, the clock with them. `defer_rebuild`: the
    derived rows are left for `rebuild`."""
    with database.write_session() as session:
        report = apply_ops(session, ops, device, defer_rebuild=defer_rebuild)
        conn = driver(session)
        now = utcnow().isoformat()
        conn.executemany(
            "INSERT INTO sync_cursors (source, position, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET position = max(position, excluded.position), "
            "updated_at = excluded.updated_at",
            [(source, position, now) for source, position in positions.items()],
        )
    return report


def _apply(database: ProfileDatabase, device: str, batch: Batch, result: SyncResult) -> list[Op]:
    report = apply_remote(database, device, batch.ops, batch.upto, defer_rebuild=True)
    result.segments_read += batch.segments
    result.pulled += len(batch.ops)
    result.applied += report.applied
    result.merged_versions += report.merged_versions
    result.kept_both += report.kept_both
    result.cycles_broken += report.cycles_broken
    result.changes |= changes_of_tables(report.tables)
    return report.media


# Pushing
Send = Callable[[sqlite3.Connection, list[Op]], None]


def push_outbox(
    database: ProfileDatabase, device: str, send: Send, *, extra: list[Op] | None = None
) -> int:
    """Push the outbox in batches, any transport: `send(conn, ops)` must store the operations
    durably (or raise) inside the write transaction that then removes them from the outbox and
    folds their stamps (a crash between the two pushes them again: harmless). `extra`:
    operations sent with the first batch (media). Returns how many operations were sent."""
    sent = 0
    while True:
        with no_cycle_collection():
            count, read = _push_batch(database, device, send, extra)
        sent += count
        extra = None
        if read < SEGMENT_OPS:
            return sent


def _push_batch(
    database: ProfileDatabase, device: str, send: Send, extra: list[Op] | None
) -> tuple[int, int]:
    """One batch of `push_outbox`: how many operations were sent, how many entries read."""
    with database.write_session() as session:
        conn = driver(session)
        install_triggers(conn)
        entries = read_outbox(conn, SEGMENT_OPS)
        ops = collect(conn, entries, device) + (extra or [])
        if ops:
            send(conn, ops)
        if entries:
            fold_stamps(conn, entries, device)
            conn.execute("DELETE FROM sync_outbox WHERE seq <= ?", (entries[-1].seq,))
            conn.execute(
                "UPDATE sync_clock SET floor_ms = max(floor_ms, ?) WHERE id = 1",
                (max(e.ms for e in entries) + 1,),
            )
    return len(ops), len(entries)


def push(
    database: ProfileDatabase,
    target: Target,
    device: str,
    media_dir: Path | None,
    result: SyncResult,
) -> None:
    files = media.new_media(database, media_dir) if media_dir is not None else []
    extra, done, new = media.media_ops(device, files, target.put_blob)
    result.blobs_sent += new

    def send(conn: sqlite3.Connection, ops: list[Op]) -> None:
        target.push_batch(conn, device, ops)
        result.segments_written += 1

    result.pushed += push_outbox(database, device, send, extra=extra)
    if done:
        with transaction(database) as conn:
            media.record(conn, done)
