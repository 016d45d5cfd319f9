"""The bundled sample content as an action and a read: whether the profile still holds it, and
removing it (Today's "Remove sample content").

Each takes the open profile database first and opens its own session; the rules (which kinds
were loaded, what removing them soft-deletes) are `app.core.samples`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core import samples
from app.core.changes import Change

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase


def has_sample_content(database: ProfileDatabase) -> bool:
    """Whether sample content was loaded into the profile and not removed since."""
    with database.read_session() as session:
        return samples.has_sample_content(session)


def remove_sample_content(database: ProfileDatabase) -> Change:
    """Soft-delete every sample row (courses, decks, ...) in one write transaction; the
    learner's own rows stay, and a removed sample never comes back."""
    with database.write_session() as session:
        return samples.remove_sample_content(session)
