"""Reading a legacy file once, safely: bytes, checksum, JSON, with a clear reason when it fails.

Its first bytes are looked at first: a file they show is not JSON (a picture, a video, a table
renamed .json) is refused from them, in the words the whole file would get, without reading the
rest. Otherwise the file is read into memory in one go and parsed from those bytes, so the
checksum recorded in the import ledger is exactly what was imported; a file that changes while
it is read is refused. Where the file is says what to do with a damaged one: a copy is copied
again, the older app's own file (in its folder) can only come back from a backup.
The source is opened read-only and never modified. A TinyDB file is parsed document by document
(`json_documents`) when that gives what `json.loads` gives; anything else by `json.loads`. Either
way numbers JSON cannot carry (NaN, Infinity, 1e999) are read as `OddNumber` text
(`json_values`), and a file that may hold them, NUL characters or lone surrogates is marked
`odd_text`: its documents are each looked at, and one holding any is kept aside as it was.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.importers.discovery import KNOWN_NAMES, usual_places
from app.importers.file_problems import not_read
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
    """Read and parse one JSON file. Raises UserError naming the file and what is wrong.

    A file larger than its first `HEAD` bytes is refused from them when they already show it
    is not the older apps' JSON (not UTF-8 text, not JSON from its first character), with the
    words the whole file would have been refused with; only then is the rest read.
    """
    try:
        before = path.stat()
        with path.open("rb", buffering=0) as handle:  # unbuffered: no second copy of the file
            head = handle.read(HEAD)
            if len(head) == HEAD and before.st_size > HEAD:
                _refuse_from_head(path, head)
            del head
            handle.seek(0)
            raw = handle.readall()
        after = path.stat()
    except OSError as error:
        raise not_read(path, error) from None
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
        raise _not_utf8(path, error) from None
    del raw  # the bytes and the text together would double the peak memory of a large file
    try:
        data, odd_numbers = loads_marked(text)
    except json.JSONDecodeError as error:
        # A string left open runs to the end of the file: cut off there too.
        cut = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string")
        raise (_cut_off(path, error) if cut else _not_json(path, error)) from None
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

# The first bytes of a file, read before the rest: enough to tell a picture, a video, a table
# or a document renamed .json from JSON, too few to cost anything.
HEAD = 1 << 16
# A JSON error this close to the end of the head may come from the head's own end (a number or a
# word cut in two) rather than from the file: such a file is read whole.
_HEAD_MARGIN = 16


def _refuse_from_head(path: Path, head: bytes) -> None:
    """Raise what reading the whole file would raise, when `head` (its first bytes) shows it."""
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as error:  # the same byte, at the same position, as in the file
        raise _not_utf8(path, error) from None
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        # Further on, the whole file goes as its head went: the same error, at the same place.
        # A string open at the head's end may close later; an error at its very end may be a
        # number or a word cut in two.
        if error.pos < len(text) - _HEAD_MARGIN and not error.msg.startswith("Unterminated"):
            raise _not_json(path, error) from None
    except (RecursionError, ValueError):  # read whole, and said as the whole file says it
        return


def _is_in_older_apps_folder(path: Path) -> bool:
    """Whether `path` is where an older app kept its own file (where first launch looks for
    it), not a copy the learner made elsewhere."""
    folder = path.absolute().parent
    return path.name in KNOWN_NAMES and any(folder == place.absolute() for place in usual_places())


def _what_to_do_with_damaged(path: Path) -> str:
    if _is_in_older_apps_folder(path):
        return (
            "This is the older app's own file, in its folder, so a new copy from there would be "
            "damaged too: if you have a backup of it (a backup disk, a synced folder), import "
            "that copy instead. Nothing was imported."
        )
    return "Copy it again from the older app's folder and import the copy. Nothing was imported."


def _not_utf8(path: Path, error: UnicodeDecodeError) -> UserError:
    return UserError(
        f"{path} is not UTF-8 text (an odd byte at position {error.start:,}), so it is not a "
        f"file from the older apps, or it is damaged. {_check_the_file(path)}"
    )


def _not_json(path: Path, error: json.JSONDecodeError) -> UserError:
    where = f"line {error.lineno:,}, column {error.colno:,}"
    return UserError(
        f"{path} is not valid JSON (the first problem is at {where}), so it is not a file from "
        f"the older apps, or it is damaged. {_check_the_file(path)}"
    )


def _check_the_file(path: Path) -> str:
    if _is_in_older_apps_folder(path):  # not chosen by the learner: found where the app kept it
        return _what_to_do_with_damaged(path)
    return (
        "Check that you chose the right file: the older apps saved .json files. "
        "Nothing was imported."
    )


def _cut_off(path: Path, error: json.JSONDecodeError) -> UserError:
    where = f"line {error.lineno:,}, column {error.colno:,}"
    return UserError(
        f"{path} is not valid JSON: it ends too early ({where}), as if it was cut off while "
        f"being copied or saved. {_what_to_do_with_damaged(path)}"
    )


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
