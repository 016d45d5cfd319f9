"""Typed models, one module per domain. Importing this package registers every table."""

from app.db.models.imports import ImportSource, LegacyDocument
from app.db.models.settings import ProfileSetting

__all__ = ["ImportSource", "LegacyDocument", "ProfileSetting"]
