"""Alembic environment for Study Desk profile databases.

The app runs upgrades itself (app/db/migrate.py) and hands over an open connection inside a
transaction with foreign keys off; this file only configures the migration context for it.
For writing a new revision, see `python -m app.db.revise --help`.
"""

from __future__ import annotations

from alembic import context

import app.db.models  # noqa: F401  (registers every table on Base.metadata)
from app.db.base import Base, include_in_comparison

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Study Desk migrations run through the app (`studydesk db upgrade`) or "
        "`python -m app.db.revise`, which pass a connection."
    )


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write UTC timestamps as plain strings so a revision never imports app code."""
    from app.db.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.String(length=27)"
    return False


context.configure(
    connection=connection,
    render_item=render_item,
    include_object=include_in_comparison,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
