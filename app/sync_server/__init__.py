"""The sync server, `studydesk serve-sync` (shared/docs/SYNC.md, "Transports").

An ASGI app (Starlette under uvicorn) over SQLAlchemy Core: SQLite by default in the platform
data dir, PostgreSQL (psycopg 3) for many users, its schema kept by its own Alembic
migrations (`migrations/`, not the profile's). The server is generic: it stores each user's
operations as the devices send them (stamp, table, key, the operation's JSON) in one
append-only log with a per-user sequence, so a change of the app's schema needs no server
migration.

- `protocol`: limits and the operation id (no third-party imports: the client reads it too)
- `schema`: the tables; `database`: the engine, migrations and transactions; `store`: every
  query, each scoped to one user (`records`: what it hands out; `postgres_sql`: its
  one-statement push and pull on PostgreSQL); `postgres_direct`: on PostgreSQL, the push and
  the pull from the event loop, each one statement that checks the device's token too, the
  pushes (or pulls) waiting together done in one statement (group commit); `http_writes`:
  each answer's head and body sent to the device in one send;
  `accounts`: passwords and device tokens; `compaction`: what a snapshot leaves out
  (operations later ones superseded); `app`: the HTTP endpoints; `admin`: running it
  (`--workers` processes) and managing users.
"""
