"""How a note's versions are stored: compactly, and read back whole.

Every save keeps a version (SYNC.md: none is ever dropped, any can be restored), so an hour of
autosaves of a 100 KB note would be hundreds of megabytes stored whole. A version is stored
instead (revision 0012) as one of:

- a *snapshot*: its whole text, zlib-compressed (`data`, `base_id` NULL);
- a *delta*: the changes from an earlier version of the same note (`base_id`, at the time the
  head the save was made on), compressed: copies of ranges of that text and inserted text;
- its whole text in `body` (versions written by imports, by sync's merges and before 0012).

A delta's base is never more than `SNAPSHOT_EVERY - 1` deltas from a snapshot (or a whole
`body`), so reading any version reads at most `SNAPSHOT_EVERY` rows. Each stored form starts
with a header holding the text's length and CRC-32, which is checked once the text is rebuilt
(a missing or damaged base is said, never shown as the text) and lets a save know the note's
current text is its head's without rebuilding it.

The stored form is written once, with the row, and never rewritten; it travels with the row
when syncing (a delta's base is an earlier version of the same note, which syncs too).
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import UserError

SNAPSHOT_EVERY = 32  # a snapshot at least every this many versions along a chain of deltas
LEVEL = 6  # zlib's compression level
_SNAPSHOT, _DELTA = b"S", b"D"
_HEADER = struct.Struct(">cII")  # kind, CRC-32 of the UTF-8 text, length in characters
HEADER_BYTES = _HEADER.size
_LINE_DIFF_FROM = 2048  # characters changed in the middle before lines are matched
_LINE_DIFF_UP_TO = 20_000  # lines: above, the middle is stored as inserted text


class VersionUnreadable(UserError):
    """A version whose stored text cannot be rebuilt (its base is missing or damaged)."""


@dataclass(frozen=True)
class Stored:
    """The columns a version's text is stored in."""

    body: str | None
    data: bytes | None
    base_id: str | None
    size: int


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def checksum(text: str) -> int:
    return zlib.crc32(_utf8(text))


def header_of(data: bytes) -> tuple[bytes, int, int]:
    """(kind, crc, size) of a stored form."""
    kind, crc, size = _HEADER.unpack_from(data)
    return kind, crc, size


def holds(data_header: bytes | None, text: str) -> bool:
    """Whether a stored form (or its first HEADER_BYTES) is of exactly this text."""
    if data_header is None or len(data_header) < HEADER_BYTES:
        return False
    _kind, crc, size = header_of(data_header)
    return size == len(text) and crc == checksum(text)


def snapshot(text: str) -> Stored:
    data = _HEADER.pack(_SNAPSHOT, checksum(text), len(text)) + zlib.compress(_utf8(text), LEVEL)
    return Stored(None, data, None, len(text))


# --- deltas -------------------------------------------------------------------------------------


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # the first `low` characters are the same
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, most: int) -> int:
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


Op = list[int] | str  # [start, end]: a range of the base's text; a string: inserted text


def delta_ops(base: str, text: str) -> list[Op]:
    """Ops that make `text` from `base`: the common start and end are copied, the middle
    matched line by line when it is long (several edits apart), else inserted."""
    start = _common_prefix(base, text)
    end = _common_suffix(base, text, min(len(base), len(text)) - start)
    old, new = base[start : len(base) - end], text[start : len(text) - end]
    ops: list[Op] = [[0, start]] if start else []
    if new:
        ops.extend(_middle_ops(old, new, start))
    if end:
        ops.append([len(base) - end, len(base)])
    return _joined(ops)


def _middle_ops(old: str, new: str, offset: int) -> list[Op]:
    if len(old) < _LINE_DIFF_FROM or len(new) < _LINE_DIFF_FROM:
        return [new]
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if max(len(old_lines), len(new_lines)) > _LINE_DIFF_UP_TO:
        return [new]
    starts = [offset]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append([starts[i1], starts[i2]])
        elif j2 > j1:
            ops.append("".join(new_lines[j1:j2]))
    return ops


def _joined(ops: list[Op]) -> list[Op]:
    out: list[Op] = []
    for op in ops:
        last = out[-1] if out else None
        if isinstance(op, list):
            if op[1] <= op[0]:
                continue
            if isinstance(last, list) and last[1] == op[0]:
                last[1] = op[1]
                continue
        elif not op:
            continue
        elif isinstance(last, str):
            out[-1] = last + op
            continue
        out.append(op)
    return out


def apply_ops(base: str, ops: Iterable[Op]) -> str:
    return "".join(base[op[0] : op[1]] if isinstance(op, list) else op for op in ops)


def delta(base_id: str, base: str, text: str) -> Stored | None:
    """The text as changes from `base` (the text of the version `base_id`), or None when the
    changes are most of the text (a snapshot is as small and reads faster)."""
    ops = delta_ops(base, text)
    inserted = sum(len(op) for op in ops if isinstance(op, str))
    if inserted > max(4096, len(text) // 3):
        return None
    payload = _utf8(json.dumps(ops, ensure_ascii=False, separators=(",", ":")))
    data = _HEADER.pack(_DELTA, checksum(text), len(text)) + zlib.compress(payload, LEVEL)
    return Stored(None, data, base_id, len(text))


def store(base_id: str | None, base: str | None, text: str, depth: int) -> Stored:
    """How to store `text`, saved on the version `base_id` whose text is `base` and which is
    `depth` deltas from a snapshot (no base: a snapshot)."""
    if base_id is None or base is None or depth + 1 >= SNAPSHOT_EVERY:
        return snapshot(text)
    return delta(base_id, base, text) or snapshot(text)


# --- reading ------------------------------------------------------------------------------------

_ROW = "SELECT body, data, base_id FROM note_versions WHERE id = ?"
_DEPTH = (
    "WITH RECURSIVE chain(id, base_id, n) AS ("
    "SELECT id, base_id, 0 FROM note_versions WHERE id = ? UNION ALL "
    "SELECT v.id, v.base_id, c.n + 1 FROM note_versions v JOIN chain c ON v.id = c.base_id "
    f"WHERE c.n < {SNAPSHOT_EVERY * 4}) SELECT max(n) FROM chain"
)


def depth(connection: sqlite3.Connection, version_id: str) -> int:
    """How many deltas the version's text is from a snapshot or whole text (0: it is one)."""
    found = connection.execute(_DEPTH, (version_id,)).fetchone()
    return int(found[0] or 0) if found else 0


def _unreadable(version_id: str, why: str) -> VersionUnreadable:
    return VersionUnreadable(
        f"This version's text cannot be read ({why}); the note's other versions are "
        f"unaffected. (version {version_id})"
    )


def decode(version_id: str, body: str | None, data: bytes | None, base: str | None) -> str:
    """The text of one stored form (`base`: its base's text, for a delta)."""
    if data is None:
        if body is None:
            raise _unreadable(version_id, "no text stored")
        return body
    try:
        kind, crc, size = header_of(data)
        payload = zlib.decompress(data[HEADER_BYTES:]).decode("utf-8", "surrogatepass")
        if kind == _SNAPSHOT:
            text = payload
        elif kind == _DELTA and base is not None:
            text = apply_ops(base, json.loads(payload))
        else:
            raise ValueError(f"stored form {kind!r}")
    except (struct.error, zlib.error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise _unreadable(version_id, "its stored form is damaged") from error
    if len(text) != size or checksum(text) != crc:
        raise _unreadable(version_id, "it does not match its checksum")
    return text


def read_text(connection: sqlite3.Connection, version_id: str) -> str:
    """The whole text of a version. Raises VersionUnreadable for a version not there or whose
    base is missing (a sync not finished) or damaged."""
    chain: list[tuple[str, str | None, bytes | None]] = []
    current: str | None = version_id
    while current is not None:
        row = connection.execute(_ROW, (current,)).fetchone()
        if row is None:
            why = "it is not in this profile" if not chain else "an earlier version is missing"
            raise _unreadable(version_id, why)
        body, data, base_id = row
        chain.append((current, body, data))
        if data is None or base_id is None:
            break
        if len(chain) > SNAPSHOT_EVERY * 4:
            raise _unreadable(version_id, "its chain of changes does not end")
        current = base_id
    text: str | None = None
    for row_id, body, data in reversed(chain):
        text = decode(row_id, body, data, text)
    assert text is not None
    return text


def read_texts(connection: sqlite3.Connection, version_ids: Iterable[str]) -> dict[str, str]:
    """The whole texts of several versions (e.g. the heads and common ancestor a sync merges)."""
    return {version_id: read_text(connection, version_id) for version_id in version_ids}
