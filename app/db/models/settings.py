"""Settings that belong to the learner's profile and follow it to their other devices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import utcnow


class ProfileSetting(Base):
    """One named profile setting (daily goals, sample-content state, ...).

    Keyed by its name rather than a UUID: the same setting made on two devices is one setting,
    merged last-writer-wins. Device-only settings (window state, theme) live outside the database.
    """

    __tablename__ = "profile_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
