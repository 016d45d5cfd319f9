"""Column types and value makers shared by every model: UUIDv7 keys and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    """A client-generated UUIDv7 as text: unique across devices, sorts by creation time."""
    return str(uuid6.uuid7())


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
