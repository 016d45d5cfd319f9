"""The push and the pulls on PostgreSQL find their rows by index however much the log has grown
since their plans were made. A server makes them once per connection, at its start; made while
PostgreSQL's statistics said the log was tiny, a plan read the whole log to look for the pushed
ids, which was cheap then and kept each push of that account slower the more it held (2 ms of
the database's time after 60,000 operations, 10 ms after 240,000, until the next ANALYZE)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Any

import pytest
from psycopg import sql
from psycopg.types.numeric import Int8
from server_helpers import Postgres
from sqlalchemy import text

from app.sync_server import postgres_direct
from app.sync_server.postgres_direct import Direct
from app.sync_server.records import OpRow
from app.sync_server.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _numbered(statement: str) -> tuple[list[str], str]:
    """The parameters' names in their order, and the text psycopg prepares ($1, $2...)."""
    names: list[str] = []
    for name in re.findall(r"%\((\w+)\)s", statement):
        if name not in names:
            names.append(name)
    return names, re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", statement)


async def _plans(direct: Direct, params: dict[str, Any]) -> dict[str, str]:
    plans = {}
    async with direct.connection() as conn:
        rows = await (
            await conn.execute("SELECT name, statement FROM pg_prepared_statements")
        ).fetchall()
        by_text = {str(statement): str(name) for name, statement in rows}
        for label, statement in (
            ("push", postgres_direct._PUSH),
            ("pull", postgres_direct._PULL),
            ("pull own", postgres_direct._PULL_OWN),
        ):
            names, numbered = _numbered(statement)
            prepared = by_text[numbered]
            literals = ", ".join(sql.Literal(params[name]).as_string(conn) for name in names)
            found = await (await conn.execute(f"EXPLAIN EXECUTE {prepared}({literals})")).fetchall()
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
            params = {
                "public_id": token[0],
                "token_hash": token[1],
                "dataset": "ds",
                "device": "dev1",
                "own": "dev1",
                "ops": "[]",
                "cursor": Int8(39000),
                "limit": Int8(5000),
            }
            return await _plans(direct, params)
        finally:
            await direct.close()

    plans = asyncio.run(run())
    store.close()
    for label, plan in plans.items():
        assert "Seq Scan on ops" not in plan, f"{label}:\n{plan}"
    # the pushed ids are looked up in the (user, id) index, not among all the account's rows
    lookups = [line for line in plans["push"].splitlines() if "Index Cond" in line]
    assert any("op_id" in line for line in lookups), plans["push"]
