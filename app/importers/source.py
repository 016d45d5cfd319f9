"""Reading a legacy file once, safely: bytes, checksum, JSON, with a clear reason when it fails.

The file is read into memory in one go and parsed from those bytes, so the checksum recorded in
the import ledger is exactly what was imported; a file that changes while it is read is refused.
The source is opened read-only and never modified. A TinyDB file is parsed document by document
(`json_documents`) when that gives what `json.loads` gives; anything else by `json.loads`. Either
way numbers JSON cannot carry (NaN, Infinity, 1e999) are read as `OddNumber` text
(`json_values`), and a file that may hold them, NUL characters or lone surrogates is marked
`odd_text`: its documents are each looked at, and one holding any is kept aside as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.importers.json_documents import lone_surrogate_escape, read_tables_marked
from app.importers.json_values import loads_marked


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    sha256: str
    data: Any  # the parsed JSON (lesson bodies may be JsonText); None for an empty (0-byte) file
    # It may hold values that cannot be stored as they are: lone surrogates (escapes like \ud800
    # with no pair), NUL characters (\u0000), numbers JSON cannot carry (NaN, 1e999).
    odd_text: bool = False


def read_source(path: Path) -> SourceFile:
    """Read and parse one JSON file. Raises UserError naming the file and what is wrong."""
    try:
        before = path.stat()
        with path.open("rb") as handle:
            raw = handle.read()
        after = path.stat()
    except FileNotFoundError:
        raise UserError(
            f"{path} is not there (moved, renamed or deleted?). Find the file and import it "
            "from where it is now. Nothing was imported."
        ) from None
    except IsADirectoryError:
        raise UserError(
            f"{path} is a folder, not a file. Open the folder and choose the .json file inside "
            "it. Nothing was imported."
        ) from None
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
    size = len(raw)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # hashlib lets go of Python's lock: the checksum is made while the text is parsed.
        hashing = pool.submit(_sha256, raw)
        empty = not raw or raw.isspace()
        tables, odd_numbers = (None, False) if empty else read_tables_marked(raw)
        digest = hashing.result()
    if empty:  # not raw.strip(): that copies a large file ending in "\n"
        return SourceFile(path, size, digest, None)
    nul = _NUL_ESCAPE in raw
    if tables is not None:
        return SourceFile(path, size, digest, tables, odd_numbers or nul)
    odd_text = nul or lone_surrogate_escape(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path} is not UTF-8 text (an odd byte at position {error.start:,}), so it is not a "
            "file from the older apps, or it is damaged. Check that you chose the right file: "
            "the older apps saved .json files. Nothing was imported."
        ) from None
    del raw  # the bytes and the text together would double the peak memory of a large file
    try:
        data, odd_numbers = loads_marked(text)
    except json.JSONDecodeError as error:
        # A string left open runs to the end of the file: cut off there too.
        cut = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string")
        where = f"line {error.lineno:,}, column {error.colno:,}"
        if cut:
            raise UserError(
                f"{path} is not valid JSON: it ends too early ({where}), as if it was cut off "
                "while being copied or saved. Copy it again from the older app's folder and "
                "import the copy. Nothing was imported."
            ) from None
        raise UserError(
            f"{path} is not valid JSON (the first problem is at {where}), so it is not a file "
            "from the older apps, or it is damaged. Check that you chose the right file: the "
            "older apps saved .json files. Nothing was imported."
        ) from None
    except RecursionError:
        raise UserError(
            f"{path} is JSON nested too deeply to be data from the older apps. "
            "Nothing was imported."
        ) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        why = str(error).split(";")[0]
        raise UserError(f"{path} cannot be read as data ({why}). Nothing was imported.") from None
    return SourceFile(path, size, digest, data, odd_text or odd_numbers)


_NUL_ESCAPE = b"\\u0000"  # JSON text cannot hold a raw NUL byte: only this escape


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


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
