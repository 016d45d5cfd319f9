"""The bundled sample content as actions and reads: whether the profile still holds it, what it
holds, removing it (Today's "Remove Sample Content") and undoing that.

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


def describe_sample_content(database: ProfileDatabase) -> tuple[str, ...]:
    """What removing the samples would take away, a phrase per kind (the confirmation names it)."""
    with database.read_session() as session:
        return samples.describe_sample_content(session)


def remove_sample_content(database: ProfileDatabase) -> samples.SamplesRemoved:
    """Soft-delete every sample row (courses, decks, ...) in one write transaction; the
    learner's own rows stay, and a removed sample never comes back unless this is undone."""
    with database.write_session() as session:
        return samples.remove_sample_content(session)


def undo_sample_removal(database: ProfileDatabase, removed: samples.SamplesRemoved) -> Change:
    """Bring back what `remove_sample_content` took away, in one write transaction."""
    with database.write_session() as session:
        return samples.restore_sample_content(session, removed)
