"""The import ledger and the verbatim store for legacy documents no typed table holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncedRow


class ImportSource(SyncedRow, Base):
    """One file that was imported: where it was, how big, its checksum and what came of it.

    Re-importing a file whose size and sha256 are already here does nothing.
    """

    __tablename__ = "import_sources"
    __table_args__ = (Index(None, "sha256"),)

    kind: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    report: Mapped[Any] = mapped_column(JSON, default=dict)


class LegacyDocument(SyncedRow, Base):
    """A document from an older app kept exactly as it was, with the reason it was set aside."""

    __tablename__ = "legacy_documents"
    __table_args__ = (Index(None, "table_name", "doc_id"),)

    source_id: Mapped[str] = mapped_column(ForeignKey("import_sources.id"))
    table_name: Mapped[str] = mapped_column(String(200))
    doc_id: Mapped[str] = mapped_column(String(200))
    body: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
