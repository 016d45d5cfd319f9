"""Column types and value makers shared by every model: UUIDv7 keys and UTC timestamps."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_COUNTER_BITS = 42  # rand_a's 12 bits and the first 30 of rand_b (RFC 9562, 6.2 method 1)
_id_lock = threading.Lock()
_last_ms = 0
_counter = 0
# The random bits of ids: a generator seeded from the system's (os.urandom), one call per id
# instead of a system call or two; a forked child seeds its own again (never its parent's bits).
_random = random.Random()
os.register_at_fork(after_in_child=_random.seed)


def new_id() -> str:
    """A client-generated UUIDv7 as text: unique across devices, sorts by creation time.

    Within one millisecond the ids count up (a 42-bit counter, started at a random value in its
    lower half), so every id of this process sorts after the one before, also when the clock
    steps back, and its time stays the clock's however many ids are made: taking the next
    millisecond instead (as `uuid6.uuid7` does) put the ids of a big import minutes ahead of the
    clock. Thread-safe. The last 32 bits are random (from one draw with the counter's start).
    """
    global _last_ms, _counter
    now_ms = time.time_ns() // 1_000_000
    bits = _random.getrandbits(_COUNTER_BITS - 1 + 32)
    with _id_lock:
        if now_ms > _last_ms:
            _last_ms, _counter = now_ms, bits >> 32
        else:
            _counter += 1
            if _counter >> _COUNTER_BITS:  # 2**41 ids in one millisecond: never in practice
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    value = (
        (ms & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76  # version 7
        | (counter >> 30) << 64
        | 0b10 << 62  # the RFC 9562 variant
        | (counter & 0x3FFF_FFFF) << 32
        | (bits & 0xFFFF_FFFF)
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def db_time(value: datetime) -> str:
    """The stored text of an aware datetime, for raw SQL that compares with UTCDateTime columns."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give it a time zone before storing")
    # isoformat, unlike strftime("%Y"), pads years below 1000 to four digits (fixed width).
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db_time(value: str) -> datetime:
    """The aware UTC datetime of a stored UTCDateTime text."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as ISO-8601 UTC text (`2026-11-21T22:26:46.123456Z`).

    Text in one fixed width sorts in time order, reads the same from any SQLite tool and travels
    through sync unchanged. Naive datetimes are refused: every caller must know its time zone.
    """

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else db_time(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return from_db_time(str(value))
