"""Sync runs: set a profile up on a folder target, sync it (pull and merge, then push), and
report its status. What the CLI (and later the window) call; each step owns its transaction.

A sync: (1) the device's id and capture triggers checked (`capture.prepare`); (2) the other
devices' segments read, verified and taken in causal order, applied in transactions that also
advance the cursors and the clock; (3) media named by them fetched from the blobs; (4) the
outbox pushed as this device's next segment(s), its media as blobs, and the pushed entries
removed in the transaction that records the segment. A crash anywhere leaves either the old
state or a segment that is pushed again (harmless: every merge is idempotent).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.db.database import ProfileDatabase
from app.db.merge_rules import synced_rules
from app.db.types import utcnow
from app.errors import UserError
from app.sync.apply import ApplyReport, apply_ops, driver
from app.sync.capture import (
    DEVICE,
    ENABLED,
    baseline,
    get_state,
    install_triggers,
    prepare,
    rotate_device,
    set_state,
)
from app.sync.clock import ClockAhead, check_not_ahead
from app.sync.folder import SHA256, FolderTarget, Segment
from app.sync.ops import MEDIA, Op, collect, fold_stamps, read_outbox

DATASET = "dataset"
TARGET = "target"
LAST_SYNC = "last_sync"
PUSHED = "pushed_segment"
SEGMENT_OPS = 20_000  # outbox entries per pushed segment
APPLY_OPS = 50_000  # operations per apply transaction
_MEDIA_DONE = "INSERT OR REPLACE INTO sync_media (name, sha256, size, mtime_ns) VALUES (?, ?, ?, ?)"
_MEDIA_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}(/[A-Za-z0-9._-]{1,200}){0,3}$")


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
    skipped: list[str] = field(default_factory=list)  # segments left for next time, and why
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SyncStatus:
    enabled: bool
    target: dict[str, Any] | None
    device_id: str | None
    dataset: str | None
    last_sync: str | None
    pending_operations: int
    waiting_operations: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def _raw(database: ProfileDatabase) -> Iterator[sqlite3.Connection]:
    """A write transaction on a raw connection (BEGIN IMMEDIATE, committed on exit)."""
    with database.write_session() as session:
        yield driver(session)


def _read(database: ProfileDatabase, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    with database.read_session() as session:
        return list(driver(session).execute(sql, params).fetchall())


def _state(database: ProfileDatabase, key: str) -> str | None:
    rows = _read(database, "SELECT value FROM sync_state WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


def has_own_data(database: ProfileDatabase) -> bool:
    with database.read_session() as session:
        conn = driver(session)
        for rule in synced_rules():
            if conn.execute(f'SELECT 1 FROM "{rule.table}" LIMIT 1').fetchone():
                return True
    return False


# Setting up
def setup_folder(
    database: ProfileDatabase,
    folder: Path,
    *,
    passphrase: str | None = None,
    passphrase_env: str | None = None,
    merge: bool = False,
    adopt: bool = False,
) -> str:
    """Point this profile at a sync folder (made if new); returns the dataset id. A folder
    holding another profile's data is refused (nothing changed) unless this profile has no data
    of its own (it then comes down at the first sync) or `merge` keeps the union of both.

    `adopt`: this profile was made moments ago on a new computer to receive the learner's
    (the first launch's "I already use Study Desk"): what it holds (defaults, removed samples)
    is not sent, so the learner's own settings and content win everywhere."""
    folder = folder.expanduser().resolve()
    meta = FolderTarget.read_meta(folder) if folder.is_dir() else None
    ours = _state(database, DATASET)
    if meta is None:
        dataset = ours or str(uuid.uuid4())
        FolderTarget.create(folder, dataset, passphrase)
    else:
        FolderTarget.open(folder, passphrase)  # refuses a wrong passphrase
        dataset = str(meta["dataset"])
        if ours is not None and ours != dataset:
            raise UserError(
                f"The sync folder {folder} holds another profile's data (dataset {dataset}, "
                f"this profile's is {ours}). Nothing was changed: choose this profile's folder."
            )
        if ours is None and not merge and not adopt and has_own_data(database):
            raise UserError(
                f"The sync folder {folder} holds another profile's data, and this profile has "
                "its own. Nothing was changed. To keep the union of both, run it again with "
                "--merge; or set up this profile on an empty folder."
            )
    target = {"kind": "folder", "path": str(folder), "passphrase_env": passphrase_env}
    with _raw(database) as conn:
        first = get_state(conn, ENABLED) != "1"
        set_state(conn, DATASET, dataset)
        set_state(conn, TARGET, json.dumps(target))
        set_state(conn, ENABLED, "1")
        prepare(conn, database.db_file)
        if first and not (adopt and meta is not None):
            baseline(conn)
    return dataset


def disable(database: ProfileDatabase) -> None:
    from app.sync.capture import remove_triggers

    with _raw(database) as conn:
        set_state(conn, ENABLED, "0")
        remove_triggers(conn)


def status(database: ProfileDatabase) -> SyncStatus:
    rows = dict(_read(database, "SELECT key, value FROM sync_state"))
    pending = _read(database, "SELECT count(*) FROM sync_outbox")[0][0]
    waiting = _read(database, "SELECT count(*) FROM sync_pending")[0][0]
    target = json.loads(rows[TARGET]) if TARGET in rows else None
    return SyncStatus(
        enabled=rows.get(ENABLED) == "1",
        target=target,
        device_id=rows.get(DEVICE),
        dataset=rows.get(DATASET),
        last_sync=rows.get(LAST_SYNC),
        pending_operations=int(pending),
        waiting_operations=int(waiting),
    )


def open_target(database: ProfileDatabase, passphrase: str | None) -> FolderTarget:
    info = status(database)
    if not info.enabled or info.target is None:
        raise UserError("Sync is not set up for this profile: run `studydesk sync setup` first.")
    if info.target.get("kind") != "folder":
        raise UserError(f"This version cannot sync to a {info.target.get('kind')} target.")
    if passphrase is None and info.target.get("passphrase_env"):
        passphrase = os.environ.get(str(info.target["passphrase_env"]))
    target = FolderTarget.open(Path(info.target["path"]), passphrase)
    if target.dataset != info.dataset:
        raise UserError(
            f"The sync folder {target.root} now holds another profile's data (dataset "
            f"{target.dataset}, this profile's is {info.dataset}). Nothing was changed."
        )
    return target


# Syncing
def sync(
    database: ProfileDatabase,
    media_dir: Path | None = None,
    *,
    passphrase: str | None = None,
    target: FolderTarget | None = None,
) -> SyncResult:
    """Pull and merge every other device's new segments, then push this device's changes."""
    if target is None and (status(database).target or {}).get("kind") == "server":
        from app.sync.server_sync import sync_with_server

        return sync_with_server(database, media_dir)
    started = time.perf_counter()
    result = SyncResult()
    target = target or open_target(database, passphrase)
    with _raw(database) as conn:
        device = prepare(conn, database.db_file)
        if device is not None and _stale(conn, target, device):
            device = rotate_device(conn, database.db_file)
    if device is None:
        raise UserError("Sync is not set up for this profile: run `studydesk sync setup` first.")
    media_ops = pull(database, target, device, result)
    if media_dir is not None:
        fetch_media(database, target, media_dir, media_ops, result)
    push(database, target, device, media_dir, result)
    with _raw(database) as conn:
        set_state(conn, LAST_SYNC, utcnow().isoformat(timespec="seconds"))
        result.pending = conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _stale(conn: sqlite3.Connection, target: FolderTarget, device: str) -> bool:
    """Whether the folder holds segments of this device id that this file never wrote: the
    file is a copy, or a backup restored in place (same path and inode), of one that went on
    syncing. It must then become a new device, and read those segments as another's."""
    written = int(get_state(conn, f"{PUSHED}:{device}") or 0)
    return any(number > written for number in target.numbers(device))


def _cursors(database: ProfileDatabase) -> dict[str, int]:
    rows = _read(database, "SELECT source, position FROM sync_cursors")
    return {str(source): int(position) for source, position in rows}


def choose_segments(
    target: FolderTarget, device: str, cursors: dict[str, int], result: SyncResult
) -> list[Segment]:
    """The verified segments to apply now, in an order where each comes after every segment
    its writer had applied (`seen`); others wait for next time."""
    position = dict(cursors)
    queues: dict[str, list[int]] = {}
    for other in target.devices():
        if other == device:
            continue
        queues[other] = [n for n in target.numbers(other) if n > position.get(other, 0)]
    chosen: list[Segment] = []
    blocked: set[str] = set()
    progress = True
    while progress:
        progress = False
        for other, numbers in queues.items():
            if other in blocked or not numbers:
                continue
            number = numbers[0]
            if number != position.get(other, 0) + 1:
                result.skipped.append(f"{other}/{position.get(other, 0) + 1}: not here yet")
                blocked.add(other)
                continue
            segment = target.read_segment(other, number)
            if segment is None:
                result.skipped.append(f"{other}/{number}: incomplete or damaged, left for later")
                blocked.add(other)
                continue
            try:
                check_not_ahead(segment.max_ms, f"device {other}")
            except ClockAhead as error:
                result.skipped.append(f"{other}/{number}: {error}")
                blocked.add(other)
                continue
            needs = {d: n for d, n in segment.seen.items() if d != device}
            if any(position.get(d, 0) < n for d, n in needs.items()):
                continue  # after a segment not here yet: next round, or next time
            chosen.append(segment)
            position[other] = number
            numbers.pop(0)
            progress = True
    return chosen


def pull(
    database: ProfileDatabase, target: FolderTarget, device: str, result: SyncResult
) -> list[Op]:
    segments = choose_segments(target, device, _cursors(database), result)
    media: list[Op] = []
    batch: list[Segment] = []
    count = 0
    for segment in segments:
        batch.append(segment)
        count += len(segment.ops)
        if count >= APPLY_OPS:
            media += _apply_batch(database, device, batch, result)
            batch, count = [], 0
    if batch:
        media += _apply_batch(database, device, batch, result)
    elif not segments and _read(database, "SELECT 1 FROM sync_pending LIMIT 1"):
        # Nothing new, but operations wait (for an upgrade, a row, a blob): try them again.
        media += _apply_batch(database, device, [], result)
    return media


def apply_remote(
    database: ProfileDatabase, device: str, ops: list[Op], positions: dict[str, int]
) -> ApplyReport:
    """Merge other devices' operations and advance the cursors (`positions`: source -> how far
    these operations reach) in one transaction, the clock with them. Any transport's pull."""
    with database.write_session() as session:
        report = apply_ops(session, ops, device)
        conn = driver(session)
        now = utcnow().isoformat()
        conn.executemany(
            "INSERT INTO sync_cursors (source, position, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET position = max(position, excluded.position), "
            "updated_at = excluded.updated_at",
            [(source, position, now) for source, position in positions.items()],
        )
    return report


def _apply_batch(
    database: ProfileDatabase, device: str, batch: list[Segment], result: SyncResult
) -> list[Op]:
    ops = [op for segment in batch for op in segment.ops]
    positions: dict[str, int] = {}
    for segment in batch:
        positions[segment.device] = max(positions.get(segment.device, 0), segment.number)
    report = apply_remote(database, device, ops, positions)
    result.segments_read += len(batch)
    result.pulled += len(ops)
    result.applied += report.applied
    result.merged_versions += report.merged_versions
    result.kept_both += report.kept_both
    result.cycles_broken += report.cycles_broken
    return report.media


# Media
def _media_files(media_dir: Path) -> Iterator[tuple[str, Path]]:
    """The profile's media files (as backups list them) whose names can travel."""
    from app.db.backup_media import media_files

    for path in media_files(media_dir):
        relative = path.relative_to(media_dir).as_posix()
        if _MEDIA_NAME.match(relative) and ".." not in relative.split("/"):
            yield relative, path


def safe_media_path(media_dir: Path, name: str) -> Path:
    """Where a received media file goes; UserError for a name that would leave the folder."""
    if not isinstance(name, str) or not _MEDIA_NAME.match(name) or ".." in name.split("/"):
        raise UserError(f"Refused a media file name from the sync folder: {str(name)[:80]!r}")
    path = (media_dir / name).resolve()
    if not path.is_relative_to(media_dir.resolve()):
        raise UserError(f"Refused a media file name from the sync folder: {name[:80]!r}")
    return path


def fetch_media(
    database: ProfileDatabase,
    target: FolderTarget,
    media_dir: Path,
    ops: list[Op],
    result: SyncResult,
) -> None:
    from app.sync.folder import write_atomic

    waiting: list[Op] = []
    received: list[tuple[str, str, int, int]] = []
    for op in ops:
        name, sha = op.get("k"), (op.get("v") or {}).get("sha256")
        try:
            path = safe_media_path(media_dir, str(name))
            if not isinstance(sha, str) or not SHA256.match(sha):
                raise UserError(f"Refused a media blob name: {str(sha)[:80]!r}")
        except UserError as error:
            result.skipped.append(str(error))
            continue
        if path.exists():
            continue
        try:
            data = target.get_blob(sha)
        except UserError:
            data = None
        if data is None:
            waiting.append(op)
            continue
        write_atomic(path, data)
        info = path.stat()
        received.append((str(name), sha, info.st_size, info.st_mtime_ns))
        result.blobs_received += 1
    if waiting or received:
        with _raw(database) as conn:
            for op in waiting:
                conn.execute(
                    "INSERT INTO sync_pending (clock, op, reason) VALUES (?, ?, ?)",
                    (str(op.get("c")), json.dumps(op, sort_keys=True), "media blob not here yet"),
                )
            conn.executemany(
                _MEDIA_DONE,
                received,
            )


def _new_media(database: ProfileDatabase, media_dir: Path) -> list[tuple[str, Path, int, int]]:
    known = {
        str(name): (int(size), int(mtime))
        for name, size, mtime in _read(database, "SELECT name, size, mtime_ns FROM sync_media")
    }
    found = []
    for name, path in _media_files(media_dir):
        info = path.stat()
        if known.get(name) != (info.st_size, info.st_mtime_ns):
            found.append((name, path, info.st_size, info.st_mtime_ns))
    return found


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
        with database.write_session() as session:
            conn = driver(session)
            install_triggers(conn)
            entries = read_outbox(conn, SEGMENT_OPS)
            ops = collect(conn, entries, device) + (extra or [])
            extra = None
            if ops:
                send(conn, ops)
                sent += len(ops)
            if entries:
                fold_stamps(conn, entries, device)
                conn.execute("DELETE FROM sync_outbox WHERE seq <= ?", (entries[-1].seq,))
                conn.execute(
                    "UPDATE sync_clock SET floor_ms = max(floor_ms, ?) WHERE id = 1",
                    (max(e.ms for e in entries) + 1,),
                )
        if len(entries) < SEGMENT_OPS:
            return sent


def media_ops(
    device: str, files: list[tuple[str, Path, int, int]], put: Callable[[str, bytes], bool]
) -> tuple[list[Op], list[tuple[str, str, int, int]], int]:
    """Operations naming new media files by content, each stored by `put(sha256, data)` (True
    if it was not there yet); with the rows for `sync_media` and how many blobs were new."""
    ops: list[Op] = []
    done: list[tuple[str, str, int, int]] = []
    new = 0
    for name, path, size, mtime in files:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        new += bool(put(sha, data))
        stamp = f"{int(time.time() * 1000):013d}-{0:010d}-{device}"
        ops.append({"c": stamp, "t": MEDIA, "k": name, "v": {"sha256": sha, "size": size}})
        done.append((name, sha, size, mtime))
    return ops, done, new


def push(
    database: ProfileDatabase,
    target: FolderTarget,
    device: str,
    media_dir: Path | None,
    result: SyncResult,
) -> None:
    files = _new_media(database, media_dir) if media_dir is not None else []
    extra, done, new = media_ops(device, files, target.put_blob)
    result.blobs_sent += new

    def send(conn: sqlite3.Connection, ops: list[Op]) -> None:
        cursors = dict(conn.execute("SELECT source, position FROM sync_cursors").fetchall())
        last = int(get_state(conn, f"{PUSHED}:{device}") or 0)
        max_ms = max(int(op["c"][:13]) for op in ops)
        number = target.write_segment(device, {"seen": cursors, "max_ms": max_ms}, ops, last + 1)
        set_state(conn, f"{PUSHED}:{device}", str(number))
        result.segments_written += 1

    result.pushed += push_outbox(database, device, send, extra=extra)
    if done:
        with _raw(database) as conn:
            conn.executemany(_MEDIA_DONE, done)
