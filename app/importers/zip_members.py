"""Reading zip archives (course packs, Anki packages) so that any damage becomes a refusal.

`zipfile` reports a damaged or unusual archive in many ways besides `BadZipFile`:
`NotImplementedError` for a compression method it cannot read (Deflate64, PPMd, AES...),
`zlib.error`, `lzma.LZMAError`, `OSError("Invalid data stream")` and `EOFError` from the
decompressors, `IndexError` for a member whose name is empty, `OSError` for a directory that
points before the start of the file, `RuntimeError` for an encrypted member. Here:

- `open_zip` opens an archive, raising `ZipDamaged` for anything that is not a readable zip
  (a missing file, a folder or a permission problem stay `OSError`, for the caller to word);
- `member_problem` says, from the archive's directory alone, what makes a member unreadable
  (no name, a compression method zipfile lacks, encryption) before anything is decompressed;
- `reading(what)` turns whatever escapes while a member is read into `ZipDamaged`.

`ZipDamaged`'s message says what is wrong without the file's name; each importer puts it into
its own refusal, which names the file.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READABLE_METHODS = {
    zipfile.ZIP_STORED: "no compression",
    zipfile.ZIP_DEFLATED: "Deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
METHOD_NAMES = {1: "Shrink", 6: "Implode", 9: "Deflate64", 12: "bzip2", 14: "LZMA",
                19: "LZ77", 93: "Zstandard", 95: "XZ", 97: "WavPack", 98: "PPMd",
                99: "AES encryption"}  # fmt: skip
# What zipfile and its decompressors raise for damaged data (see the module's docstring).
DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    OSError,
    RuntimeError,
    ValueError,
    IndexError,
    KeyError,
    struct.error,
    OverflowError,
)


NOT_A_ZIP = "it is another kind of file renamed, or a damaged or incomplete copy"


class ZipDamaged(Exception):
    """An archive, or a member of one, that cannot be read; `str()` says why."""


def open_zip(path: Path) -> zipfile.ZipFile:
    """The archive at `path`, open for reading. Raises ZipDamaged when it is not a readable zip;
    FileNotFoundError, IsADirectoryError and PermissionError as they are."""
    try:
        return zipfile.ZipFile(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except zipfile.BadZipFile as error:
        if str(error) == "File is not a zip file":  # no zip directory at all
            raise ZipDamaged(NOT_A_ZIP) from None
        raise ZipDamaged(f"it is not a zip file, or a damaged one ({_why(error)})") from None
    except DAMAGE as error:
        raise ZipDamaged(f"it is not a zip file, or a damaged one ({_why(error)})") from None


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why the member cannot be read, from the archive's directory alone; None if it can be."""
    if not info.filename:
        return "a file with no name (the archive is damaged)"
    if info.compress_type not in READABLE_METHODS:
        method = METHOD_NAMES.get(info.compress_type, "an unknown method")
        return (
            f"{info.filename}: compressed with {method} (method {info.compress_type}), which "
            "Study Desk cannot read; make the archive again with ordinary (Deflate) compression"
        )
    if info.flag_bits & 0x1:
        return f"{info.filename}: encrypted"
    return None


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Whatever the zip layer raises inside becomes ZipDamaged("<what> is damaged (...)")."""
    try:
        yield
    except DAMAGE as error:
        raise ZipDamaged(f"{what} is damaged ({_why(error)})") from None


def _why(error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return "it uses a compression method Study Desk cannot read"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip()
    return text[:200] if text else type(error).__name__
