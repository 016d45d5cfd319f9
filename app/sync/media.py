"""Media in sync: the profile's media files (card images, note attachments, thumbnails) travel
as content-addressed blobs of any target, named by operations of the pseudo-table `MEDIA`
(file name -> sha256). `sync_media` remembers which files were exchanged (name, hash, size,
mtime), so only new or changed files are sent. A received name is checked before anything is
written: none may leave the media folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.db.database import ProfileDatabase
from app.errors import UserError
from app.sync.folder import SHA256, write_atomic
from app.sync.ops import MEDIA, Op
from app.sync.state import read, transaction
from app.sync.target import Target

_DONE = "INSERT OR REPLACE INTO sync_media (name, sha256, size, mtime_ns) VALUES (?, ?, ?, ?)"
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}(/[A-Za-z0-9._-]{1,200}){0,3}$")

MediaRow = tuple[str, str, int, int]  # sync_media: name, sha256, size, mtime_ns
MediaFile = tuple[str, Path, int, int]  # name, path, size, mtime_ns


@dataclass
class Received:
    count: int = 0
    skipped: list[str] = field(default_factory=list)  # refused names, and why


def media_files(media_dir: Path) -> Iterator[tuple[str, Path]]:
    """The profile's media files whose names can travel: those backups list
    (`app.db.backup_media.media_files`: regular files, no symlinks, nothing hidden), in the
    same order."""
    for name, path, _info in _scan(media_dir):
        yield name, Path(path)


def _scan(media_dir: Path) -> Iterator[tuple[str, str, os.stat_result]]:
    """`media_files` with each file's stat: one directory read per folder and one lstat per
    file (a sync reads the whole media folder each time)."""
    if not media_dir.is_dir():
        return
    folders = [(str(media_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        inner = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    inner.append((entry.path, prefix + entry.name + "/"))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue  # a symlink, a device
                relative = prefix + entry.name
                if _NAME.match(relative) and ".." not in relative.split("/"):
                    yield relative, entry.path, entry.stat(follow_symlinks=False)
            except OSError:
                continue
        folders += reversed(inner)


def safe_media_path(media_dir: Path, name: str) -> Path:
    """Where a received media file goes; UserError for a name that would leave the folder."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name.split("/"):
        raise UserError(f"Refused a media file name from the sync folder: {str(name)[:80]!r}")
    path = (media_dir / name).resolve()
    if not path.is_relative_to(media_dir.resolve()):
        raise UserError(f"Refused a media file name from the sync folder: {name[:80]!r}")
    return path


def fetch_media(
    database: ProfileDatabase, target: Target, media_dir: Path, ops: list[Op]
) -> Received:
    """The files these operations name, from the target's blobs; one not there yet waits in
    `sync_pending` for a later sync."""
    report = Received()
    waiting: list[Op] = []
    received: list[MediaRow] = []
    for op in ops:
        name, sha = op.get("k"), (op.get("v") or {}).get("sha256")
        try:
            path = safe_media_path(media_dir, str(name))
            if not isinstance(sha, str) or not SHA256.match(sha):
                raise UserError(f"Refused a media blob name: {str(sha)[:80]!r}")
        except UserError as error:
            report.skipped.append(str(error))
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
        report.count += 1
    if waiting or received:
        with transaction(database) as conn:
            for op in waiting:
                conn.execute(
                    "INSERT INTO sync_pending (clock, op, reason) VALUES (?, ?, ?)",
                    (str(op.get("c")), json.dumps(op, sort_keys=True), "media blob not here yet"),
                )
            record(conn, received)
    return report


def new_media(database: ProfileDatabase, media_dir: Path) -> list[MediaFile]:
    """The media files not sent yet, or changed since."""
    known = {
        str(name): (int(size), int(mtime))
        for name, size, mtime in read(database, "SELECT name, size, mtime_ns FROM sync_media")
    }
    found = []
    for name, path, info in _scan(media_dir):
        if known.get(name) != (info.st_size, info.st_mtime_ns):
            found.append((name, Path(path), info.st_size, info.st_mtime_ns))
    return found


def media_ops(
    device: str, files: list[MediaFile], put: Callable[[str, bytes], bool]
) -> tuple[list[Op], list[MediaRow], int]:
    """Operations naming new media files by content, each stored by `put(sha256, data)` (True
    if it was not there yet); with the rows for `sync_media` and how many blobs were new."""
    ops: list[Op] = []
    done: list[MediaRow] = []
    new = 0
    for name, path, size, mtime in files:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        new += bool(put(sha, data))
        stamp = f"{int(time.time() * 1000):013d}-{0:010d}-{device}"
        ops.append({"c": stamp, "t": MEDIA, "k": name, "v": {"sha256": sha, "size": size}})
        done.append((name, sha, size, mtime))
    return ops, done, new


def record(conn: sqlite3.Connection, rows: list[MediaRow]) -> None:
    """Remember these files as exchanged."""
    conn.executemany(_DONE, rows)
