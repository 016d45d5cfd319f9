"""Reading a legacy file once, safely: bytes, checksum, JSON, with a clear reason when it fails.

The file is read into memory in one go and parsed from those bytes, so the checksum recorded in
the import ledger is exactly what was imported; a file that changes while it is read is refused.
The source is opened read-only and never modified.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    sha256: str
    data: Any  # the parsed JSON; None for an empty (0-byte) file


def read_source(path: Path) -> SourceFile:
    """Read and parse one JSON file. Raises UserError naming the file and what is wrong."""
    try:
        before = path.stat()
        with path.open("rb") as handle:
            raw = handle.read()
        after = path.stat()
    except FileNotFoundError:
        raise UserError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; name the .json file inside it.") from None
    except PermissionError:
        raise UserError(
            f"Study Desk is not allowed to read {path}. Give your account read permission on it."
        ) from None
    except OSError as error:
        raise UserError(f"{path} could not be read ({error.strerror}).") from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        raw
    ) != after.st_size:
        raise UserError(
            f"{path} changed while it was being read (is the old app still running?). "
            "Close the other program and import again; nothing was imported."
        )
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return SourceFile(path, len(raw), digest, None)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path} is not UTF-8 text (bad byte at position {error.start}); it is not a file "
            "from the older apps, or it is damaged. Nothing was imported."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        cut = error.pos >= len(text.rstrip()) - 1
        why = "it ends too early (cut off?)" if cut else f"{error.msg}"
        raise UserError(
            f"{path} is not valid JSON: {why} at line {error.lineno}, column {error.colno}. "
            "Nothing was imported."
        ) from None
    return SourceFile(path, len(raw), digest, data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def is_readable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.R_OK)
