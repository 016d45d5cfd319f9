"""The push and the pulls on PostgreSQL find their rows by index however much the log has grown
since their plans were made. A server makes them once per connection, at its start; made while
PostgreSQL's statistics said the log was tiny, a plan read the whole log to look for the pushed
ids, which was cheap then and kept each push of that account slower the more it held (2 ms of
the database's time after 60,000 operations, 10 ms after 240,000, until the next ANALYZE)."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest
from psycopg import sql
from server_helpers import Postgres
from sqlalchemy import text

from app.sync_server import postgres_direct
from app.sync_server.postgres_direct import Direct
from app.sync_server.records import OpRow
from app.sync_server.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def _plans(direct: Direct, batches: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The plan each prepared statement runs with, for a batch (label: (statement, batch))."""
    plans = {}
    async with direct.connection() as conn:
        rows = await (
            await conn.execute("SELECT name, statement FROM pg_prepared_statements")
        ).fetchall()
        by_text = {str(statement): str(name) for name, statement in rows}
        for label, (statement, batch) in batches.items():
            literal = sql.Literal(batch).as_string(conn)
            explain = f"EXPLAIN EXECUTE {by_text[statement]}({literal})"
            found = await (await conn.execute(explain)).fetchall()
            plans[label] = "\n".join(str(row[0]) for row in found)
    return plans


def test_push_and_pull_plans_made_on_an_empty_log_use_the_indexes(postgres: Postgres) -> None:
    store = Store.open(postgres.new_database())
    user = store.add_user("ada", "not a password hash")
    store.claim_dataset(user, "ds")
    store.add_device(user, "pub1", "laptop", "dev1", hashlib.sha256(b"secret").hexdigest())
    token = ("pub1", hashlib.sha256(b"secret").hexdigest())

    def grow(first: int, last: int) -> None:
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ops (user_id, seq, op_id, device, clock, tbl, row_key, body)"
                    " SELECT :user, n, md5(n::text), 'dev1', 'c', 'cards', 'k', '{}'"
                    " FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) n"
                ),
                {"user": user, "first": first, "last": last},
            )
            conn.execute(
                text("UPDATE users SET head = :last WHERE id = :user"), {"user": user, "last": last}
            )

    async def run() -> dict[str, str]:
        grow(1, 20)  # a new account's first sync, which PostgreSQL's statistics have seen
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        direct = Direct(store, size=1)
        await direct.open()  # the plans are made here, on a small log
        try:
            grow(21, 40_000)  # the log grows
            rows = [
                OpRow(f"new{n}", "1765000000000-0000000001-dev1", "cards", "k", "{}")
                for n in range(3)
            ]
            found, done = await direct.push(token, "ds", "dev1", rows)
            assert found is not None and done == (3, 0, 40003)
            signed = [token[0], token[1], "ds"]
            pull = json.dumps([[*signed, 39000, 5000, None]])
            return await _plans(
                direct,
                {
                    "push": (
                        postgres_direct._PUSHES,
                        json.dumps([[*signed, "dev1", [["x", "c", "t", "k", "{}"]]]]),
                    ),
                    "pull": (postgres_direct._PULLS, pull),
                    "pull own": (
                        postgres_direct._PULLS,
                        json.dumps([[*signed, 39000, 5000, "dev1"]]),
                    ),
                },
            )
        finally:
            await direct.close()

    plans = asyncio.run(run())
    store.close()
    for label, plan in plans.items():
        assert "Seq Scan on ops" not in plan, f"{label}:\n{plan}"
    # the pushed ids are looked up in the (user, id) index, not among all the account's rows
    lookups = [line for line in plans["push"].splitlines() if "Index Cond" in line]
    assert any("op_id" in line for line in lookups), plans["push"]
