"""Alembic environment of the sync server's database (not the profile's: see /alembic).

`app.sync_server.database.Database.upgrade` runs it with an open connection in
`config.attributes`.
"""

from __future__ import annotations

from alembic import context

from app.sync_server.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("The sync server's migrations run through `studydesk serve-sync`.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    version_table="studydesk_sync_version",
)
with context.begin_transaction():
    context.run_migrations()
