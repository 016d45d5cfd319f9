"""The .apkg container: a zip holding an Anki collection, a media map and numbered media files.

Three generations are understood, newest first when a package holds several (current Anki
writes a stub `collection.anki2` that only says "please update" next to the real one):

- `collection.anki21b`: zstd-compressed SQLite (schema 18); `media` is zstd-compressed protobuf
  (`MediaEntries`), and each media file is zstd-compressed too.
- `collection.anki21` / `collection.anki2`: plain SQLite; `media` is JSON `{"0": "name.jpg"}`.

The zip is checked before anything is read: no absolute or `..` paths, no nameless or encrypted
members, no compression method zipfile cannot read, and size limits on the whole and on each
member read (checked while reading too, since a zip header can lie); damaged compressed data is a
refusal too (`zip_members`). The source file is never modified; the collection is read from a
temporary copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import zstandard

from app.core.flashcards.media import MAX_IMAGE_BYTES
from app.errors import UserError
from app.importers.file_problems import not_read
from app.importers.zip_members import ZipDamaged, member_problem, open_zip, reading

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_TOTAL_BYTES = 8 * 2**30  # everything in the zip, uncompressed
MAX_COLLECTION_BYTES = 2 * 2**30
MAX_MEDIA_BYTES = MAX_IMAGE_BYTES
MAX_MEMBERS = 500_000
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class PackageError(ValueError):
    """The protobuf or zstd data is malformed."""


# What to do about a package that is not one, in every message that refuses it.
EXPORT_AGAIN = (
    "In Anki, export the deck again (File > Export…, as an Anki Deck Package) and import the "
    "new file. Nothing was imported."
)


class AnkiPackage:
    """An open, checked .apkg. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = open_zip(path)
        except OSError as error:
            raise not_read(path, error) from None
        except ZipDamaged as damaged:
            why = "it is empty (0 bytes)" if path.stat().st_size == 0 else str(damaged)
            raise UserError(
                f"{path} is not an Anki package (.apkg): {why}. {EXPORT_AGAIN}"
            ) from None
        try:
            self.members = {info.filename: info for info in self._zip.infolist()}
            self._check()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> AnkiPackage:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._zip.close()

    def _check(self) -> None:
        if len(self.members) > MAX_MEMBERS:
            raise UserError(f"{self.path} holds more than {MAX_MEMBERS:,} files; not imported.")
        total = 0
        for name, info in self.members.items():
            unreadable = member_problem(info)
            if unreadable is not None:
                raise UserError(f"{self.path} holds {unreadable}; it was not imported.")
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise UserError(
                    f"{self.path} holds a file whose path leads outside the package ({name!r}); "
                    "it may be malicious and was not imported."
                )
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UserError(
                f"{self.path} would unpack to {total / 2**30:.1f} GB, more than the "
                f"{MAX_TOTAL_BYTES // 2**30} GB Study Desk accepts; not imported."
            )

    @property
    def collection_name(self) -> str:
        for name in COLLECTIONS:
            if name in self.members:
                return name
        raise UserError(
            f"{self.path} holds no Anki collection (collection.anki21b, .anki21 or .anki2): "
            f"it is incomplete or not an Anki deck package. {EXPORT_AGAIN}"
        )

    def read(self, name: str, limit: int, what: str) -> bytes:
        """A member's bytes (zstd-decompressed if compressed); UserError if above `limit`."""
        info = self.members[name]
        if info.file_size > limit:
            raise _too_big(self.path, what, info.file_size, limit)
        try:
            with reading(what), self._zip.open(info) as handle:
                data = handle.read(limit + 1)
            if data.startswith(ZSTD_MAGIC):
                reader = zstandard.ZstdDecompressor().stream_reader(data)
                data = reader.read(limit + 1)
        except ZipDamaged as error:
            raise UserError(f"{self.path}: {error}.") from None
        except zstandard.ZstdError as error:
            raise UserError(f"{self.path}: {what} is damaged ({error}).") from None
        if len(data) > limit:
            raise _too_big(self.path, what, len(data), limit)
        return data

    def extract_collection(self, folder: Path) -> Path:
        """The collection as a plain SQLite file in `folder` (a temporary folder)."""
        name = self.collection_name
        target = folder / "collection.sqlite3"
        info = self.members[name]
        what = f"the collection ({name})"
        if info.file_size > MAX_COLLECTION_BYTES and not name.endswith("b"):
            raise _too_big(self.path, what, info.file_size, MAX_COLLECTION_BYTES)
        try:
            with target.open("wb") as out, reading(what), self._zip.open(info) as handle:
                if name.endswith("b"):
                    reader = zstandard.ZstdDecompressor().stream_reader(handle)
                    _copy_limited(reader, out, MAX_COLLECTION_BYTES, self.path, what)
                else:
                    _copy_limited(handle, out, MAX_COLLECTION_BYTES, self.path, what)
        except ZipDamaged as error:
            raise UserError(f"{self.path}: {error}.") from None
        except zstandard.ZstdError as error:
            raise UserError(f"{self.path}: {what} is damaged ({error}).") from None
        return target

    def media_map(self) -> dict[str, str]:
        """Anki's file name of each numbered media member: {"0": "cat.jpg"}."""
        if "media" not in self.members:
            return {}
        data = self.read("media", 64 * 2**20, "the media list")
        try:
            if self.collection_name.endswith("b") or not data.lstrip().startswith(b"{"):
                return _media_entries(data)
            loaded = json.loads(data.decode("utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError("not a JSON object")
            return {str(key): str(value) for key, value in loaded.items()}
        except (ValueError, PackageError) as error:
            raise UserError(f"{self.path}: the media list is damaged ({error}).") from None


def _too_big(path: Path, what: str, size: int, limit: int) -> UserError:
    return UserError(
        f"{path}: {what} is {size / 2**20:.1f} MB, more than the {limit / 2**20:.0f} MB "
        "Study Desk accepts; nothing was imported."
    )


def _copy_limited(source: object, out: object, limit: int, path: Path, what: str) -> None:
    copied = 0
    read = source.read  # type: ignore[attr-defined]
    write = out.write  # type: ignore[attr-defined]
    while chunk := read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise _too_big(path, what, copied, limit)
        try:
            write(chunk)
        except OSError as error:  # the temporary copy, not the package
            raise UserError(
                f"Study Desk cannot make a temporary copy of {what} from {path} "
                f"({error.strerror or error})."
            ) from None


def varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise PackageError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def proto_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of each field of a protobuf message: ints for varints and fixed
    widths, bytes for length-delimited fields."""
    position = 0
    while position < len(data):
        key, position = varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = varint(data, position)
            yield number, value
        elif wire == 2:
            length, position = varint(data, position)
            if position + length > len(data):
                raise PackageError("truncated field")
            yield number, data[position : position + length]
            position += length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            yield number, int.from_bytes(data[position : position + width], "little")
            position += width
        else:
            raise PackageError(f"unsupported wire type {wire}")


def proto_dict(data: bytes) -> dict[int, int | bytes]:
    """The last value of each field (enough for the scalar fields read here)."""
    return dict(proto_fields(data))


def _media_entries(data: bytes) -> dict[str, str]:
    if data.startswith(ZSTD_MAGIC):
        data = zstandard.ZstdDecompressor().stream_reader(data).read(64 * 2**20)
    names: dict[str, str] = {}
    index = 0
    for number, entry in proto_fields(data):
        if number != 1 or not isinstance(entry, bytes):
            continue
        fields = proto_dict(entry)
        name = fields.get(1, b"")
        member = fields.get(255, index)
        if isinstance(name, bytes) and name:
            names[str(member)] = name.decode("utf-8", "replace")
        index += 1
    return names
