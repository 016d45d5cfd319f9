"""The declarative base, the constraint naming convention and the row shapes SYNC.md requires."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.types import UTCDateTime, new_id, utcnow

# Every constraint gets a predictable name, so Alembic batch migrations can find and change it.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Tables that revisions make but no model describes: FTS5 indexes and their shadow tables
# (`cards_fts`, `cards_fts_data`, ...), and the search documents the triggers of revision 0007
# keep (`search_docs`, `search_text`, `search_trigram`...). Autogenerate and schema comparisons
# skip them.
UNMODELLED_TABLE_PREFIXES = ("cards_fts", "search_docs", "search_text", "search_trigram")


def is_unmodelled_table(name: str | None) -> bool:
    return name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES)


def include_in_comparison(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object` hook: leave the unmodelled (FTS5) tables out."""
    return not (type_ == "table" and is_unmodelled_table(name))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class SyncedRow:
    """Columns of every row that syncs between devices.

    The key is a UUIDv7 made on the device (never autoincrement); a delete sets `deleted_at`
    (a tombstone that syncs) instead of removing the row.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class LogRow:
    """Columns of an append-only log row (reviews, attempts, completions).

    Log rows are never updated or deleted; the state derived from them is recomputed.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
