"""Tags shared by questions, notes and (later) cards.

A tag's id is derived from its folded name, so the same tag made on two devices is one tag.
"""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncedRow

TAG_NAMESPACE = uuid.UUID("0f8c1d2e-6a3b-4e5f-8a9b-1c2d3e4f5a6b")


def tag_id(name: str) -> str:
    return str(uuid.uuid5(TAG_NAMESPACE, name.strip().casefold()))


class Tag(SyncedRow, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(200), unique=True)
