"""A file written whole or not at all: to a temporary name beside it, then renamed over it.

Readers never see half a file under its name, and a failed write leaves the old file (or no
file) as it was. Qt-free and standard library only, so storage (app/db), domain (app/core),
sync and the importers all write files through it.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

BinaryWriter = Callable[[BinaryIO], object]
TextWriter = Callable[[TextIO], object]


def write_atomically(
    target: Path,
    content: bytes | BinaryWriter,
    *,
    fsync: bool = True,
    fsync_folder: bool = False,
    mode: int = 0o600,
    exclusive: bool = False,
) -> None:
    """Write `content` (bytes, or a function writing to the open binary file) as `target`.

    The bytes go to a hidden temporary file in `target`'s folder, which must exist. With
    `fsync` they are on disk before the temporary file takes `target`'s name (a crash leaves the
    old file or the new one, never half of one); `fsync_folder` also syncs the folder, so the new
    name itself survives a crash. `mode` is the new file's permissions (before the umask): the
    default keeps it to its owner. With `exclusive`, a `target` that already exists raises
    FileExistsError rather than being replaced (checked before writing and again before the
    rename). Whatever fails (the writer, a full disk, the rename), the temporary file is removed
    and the error raised; `target` is then untouched.
    """
    if exclusive and target.exists():
        raise FileExistsError(f"{target} exists")
    temp = target.with_name(f".{target.name[:80]}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if exclusive and target.exists():
            raise FileExistsError(f"{target} exists")
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if fsync_folder:
        sync_folder(target.parent)


def write_text_atomically(
    target: Path,
    content: str | TextWriter,
    *,
    newline: str | None = None,
    fsync: bool = True,
    fsync_folder: bool = False,
    mode: int = 0o600,
) -> None:
    """`write_atomically` for UTF-8 text: a string, or a function writing to the open text
    file (`newline` as for `open`: "" writes line endings as given, for CSV)."""

    def write(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline=newline)
        try:
            if isinstance(content, str):
                text.write(content)
            else:
                content(text)
            text.flush()
        finally:
            text.detach()  # the binary file stays open for the sync and is closed by its owner

    write_atomically(target, write, fsync=fsync, fsync_folder=fsync_folder, mode=mode)


def sync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable. Windows has no directory fsync (NTFS
    journals its metadata), so there this does nothing."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
