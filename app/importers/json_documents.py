"""TinyDB files parsed quickly: msgspec splits the file into documents, then reads each one.

The standard library's `json.loads` of a 200 MB export builds every lesson body as nested dicts
and lists (twice the size of the text), only for the importer to write each body back out as
JSON. Here the file is split into tables and documents without building them, each document is
read on its own, and the body of a lesson content document is kept as the JSON text it was
written as (`JsonText`, a view of the file's bytes), which is what gets stored.

This is a fast path, not a second reading of JSON: it is taken only when its result is exactly
what `json_values.loads_marked` would give (`json.loads`, with numbers JSON cannot carry marked).
Whatever it cannot vouch for returns None, and the caller reads the file with the standard
library as before (with its error messages): text that is not UTF-8 or starts with a byte-order
mark, escapes of lone surrogates, `NaN` / `Infinity`, integers too long for `int()`, malformed
JSON, a top level that is not an object. A value msgspec will not build but `json.loads` reads
(`1e400`) is read by `loads_marked`: an `OddNumber`, and `read_tables_marked` says there was one.
"""

from __future__ import annotations

import codecs
import re
import sys
from typing import Any

import msgspec

from app.importers.json_values import loads_marked
from app.importers.legacy_records import JsonText
from app.importers.techtree import classify


class _LessonContent(msgspec.Struct, forbid_unknown_fields=True):
    """The one document shape of TechTree's `lesson_content` table (the bulk of an export)."""

    content: msgspec.Raw
    module_index: Any
    lesson_index: Any
    lesson_id: Any = msgspec.UNSET
    syllabus_id: Any = msgspec.UNSET
    created_at: Any = msgspec.UNSET
    updated_at: Any = msgspec.UNSET


_FIELDS = msgspec.json.Decoder(dict[str, msgspec.Raw])  # an object's members, each unread
_CONTENT_TABLE = msgspec.json.Decoder(dict[str, _LessonContent])
_VALUE = msgspec.json.Decoder()
_BODY_KINDS = {"content", "engine_content"}  # documents whose "content" is a lesson body
_DIGIT = frozenset(b"0123456789")


def read_tables(raw: bytes) -> dict[str, Any] | None:
    """The TinyDB object in `raw` with each document read, or None to read it the usual way.

    Lesson bodies come back as `JsonText`; everything else as `loads_marked` would give it.
    """
    return read_tables_marked(raw)[0]


def read_tables_marked(raw: bytes) -> tuple[dict[str, Any] | None, bool]:
    """`read_tables(raw)`, and whether a number JSON cannot carry was read (as an OddNumber)."""
    if raw.startswith(codecs.BOM_UTF8) or not _is_utf8(raw) or _has_long_integer(raw):
        return None, False
    if lone_surrogate_escape(raw):
        return None, False
    marked = _Marked()
    try:
        tables = {name: _table(table, marked) for name, table in _FIELDS.decode(raw).items()}
    except (msgspec.DecodeError, ValueError, RecursionError):  # ValidationError is a DecodeError
        return None, False
    return tables, marked.seen


class _Marked:
    """Whether any value read so far held a number JSON cannot carry."""

    def __init__(self) -> None:
        self.seen = False


def _table(raw: msgspec.Raw, marked: _Marked) -> Any:
    """A table read; a TinyDB table (documents by number) document by document."""
    try:
        return _content_table(raw, marked)
    except msgspec.ValidationError:  # documents of other shapes: read one by one
        pass
    try:
        docs = _FIELDS.decode(raw)
    except msgspec.ValidationError:  # not an object
        return _value(raw, marked)
    if not all(str(key).isdigit() for key in docs):  # not a TinyDB table: kept whole, read
        return {key: _value(doc, marked) for key, doc in docs.items()}
    return {doc_id: _document(doc, marked) for doc_id, doc in docs.items()}


def _content_table(raw: msgspec.Raw, marked: _Marked) -> dict[str, Any]:
    """A table of lesson contents of the usual shape, in one call; ValidationError otherwise.

    Such a document is of the kind "content" (`classify`): it has no other keys.
    """
    docs = _CONTENT_TABLE.decode(raw)
    if not all(str(key).isdigit() for key in docs):
        raise msgspec.ValidationError("not a TinyDB table")
    fields = _LessonContent.__struct_fields__
    table = {}
    for doc_id, doc in docs.items():
        values = {name: getattr(doc, name) for name in fields}
        table[doc_id] = {
            name: _body(value, marked) if name == "content" else value
            for name, value in values.items()
            if value is not msgspec.UNSET
        }
    return table


def _document(raw: msgspec.Raw, marked: _Marked) -> Any:
    text = memoryview(raw).tobytes()
    if b'"content"' not in text:  # no lesson body to keep as text (a key written with escapes
        return _value(raw, marked)  # would be missed: its body is then read, as others are)
    try:
        fields = _FIELDS.decode(raw)
    except msgspec.ValidationError:  # not an object
        return _value(raw, marked)
    if classify(fields) not in _BODY_KINDS:
        return _value(raw, marked)
    return {
        key: _body(value, marked) if key == "content" else _value(value, marked)
        for key, value in fields.items()
    }


def _body(raw: msgspec.Raw, marked: _Marked) -> Any:
    """A lesson body: an object stays text (valid JSON, checked when the file was split).

    One holding a number too large for a float (1e999) is read instead, as `_value` reads it:
    such a number is refused by msgspec when it builds the body, which is quick (a body at a
    time, let go at once: 200 MB of bodies in a tenth of a second).
    """
    if memoryview(raw)[0] != 0x7B:  # 0x7B: "{"
        return _value(raw, marked)
    try:
        _VALUE.decode(raw)
    except msgspec.ValidationError:
        return _value(raw, marked)
    return JsonText(raw)


def _value(raw: msgspec.Raw, marked: _Marked) -> Any:
    try:
        return _VALUE.decode(raw)
    except msgspec.ValidationError:  # e.g. 1e400, which json.loads reads as inf
        value, odd = loads_marked(memoryview(raw).tobytes())
        marked.seen = marked.seen or odd
        return value


def _is_utf8(raw: bytes, block: int = 1 << 24) -> bool:
    """Checked a block at a time, so that no second copy of a large file is made."""
    if raw.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), block):
            decoder.decode(view[start : start + block], final=start + block >= len(raw))
    except UnicodeDecodeError:
        return False
    return True


def _has_long_integer(raw: bytes) -> bool:
    """Whether `raw` has a run of more digits than `int()` reads (json.loads refuses such a number).

    Such a run covers a whole aligned block of `limit // 2` bytes, so only blocks whose first
    byte is a digit are looked at, and only a block of digits is measured.
    """
    limit = sys.get_int_max_str_digits()
    if limit == 0 or len(raw) <= limit:
        return False
    block = limit // 2
    for index, byte in enumerate(raw[::block]):
        start = index * block
        if byte in _DIGIT and raw[start : start + block].isdigit():
            end = start + block
            while start > 0 and raw[start - 1] in _DIGIT:
                start -= 1
            while end < len(raw) and raw[end] in _DIGIT:
                end += 1
            if end - start > limit:
                return True
    return False


_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPE_START = re.compile(rb"\\u[dD][89a-fA-F]")


def lone_surrogate_escape(raw: bytes) -> bool:
    """Whether a \\uD800-\\uDFFF escape in the JSON text is not part of a pair.

    JSON writers escape emoji as pairs; one alone is valid JSON but not text SQLite can store.
    """
    if _ESCAPE_START.search(raw) is None:
        return False
    expect_low_at = -1  # where the low half of a pair must start, after a high half
    for match in _ESCAPE.finditer(raw):
        low = match.group()[3:4].lower() in b"cdef"
        paired = match.start() == expect_low_at
        if (expect_low_at != -1 and not paired) or low != paired:
            return True
        expect_low_at = -1 if low else match.end()
    return expect_low_at != -1
