"""The push and the pull on PostgreSQL from the event loop: psycopg's async connections, with
the device's sign-in checked by the same statement that does the work (one round trip, no
thread, no SQLAlchemy on the way).

Nothing is cached: each statement finds the token's device live (not revoked), its account
enabled and the sha256 of the token's secret equal to the one stored, in the same snapshot as
the work, so a revoked token or a disabled account is refused by its next request, exactly as
`accounts.authenticate` refuses it. Every row read or written is that user's. The statements
are built from the same steps as `Store.push` and `Store.pull` on PostgreSQL (postgres_sql.py,
whose statements serve the other callers): a push numbers the operations not stored yet after
the head its UPDATE locks and moves, so several server processes on one database give the
same results as one.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import psycopg
from psycopg import pq
from psycopg.types.numeric import Int8
from sqlalchemy.engine import make_url

from app.sync_server.postgres_sql import newest_of, page_after, push_steps
from app.sync_server.records import Auth, OpRow, Page, page_of
from app.sync_server.store import Store

_ENCODE = msgspec.json.Encoder()
# Connections per server process for the push and the pull: about two per core, as
# PostgreSQL's own advice goes (more only queue inside it, and cost it CPU to switch between:
# 4 instead of 16 on 2 cores took 10 % less of the database's CPU and the 200-device p95 from
# 261-290 to 234-256 ms). The server cannot see the database's machine, so it counts its own.
POOL_SIZE = max(4, 2 * (os.cpu_count() or 2))

_WHO = """
    who AS (  -- the token's device and its user, when the token is live
        SELECT d.user_id, u.name, d.id, d.device_id, u.dataset, d.last_seen, u.head
        FROM devices d JOIN users u ON u.id = d.user_id
        WHERE d.id = %(public_id)s AND d.token_hash = %(token_hash)s
            AND d.revoked_at IS NULL AND NOT u.disabled
    )"""

_PUSH = f"""
WITH {_WHO},
incoming AS (
    SELECT e->>0 AS op_id, e->>1 AS clock, e->>2 AS tbl, e->>3 AS row_key, e->>4 AS body, ord
    FROM jsonb_array_elements(%(ops)s::jsonb) WITH ORDINALITY AS t(e, ord)
),
{push_steps("(SELECT user_id FROM who)", "%(dataset)s", "%(device)s")}
SELECT w.user_id, w.name, w.id, w.device_id, w.dataset, w.last_seen,
       (SELECT head FROM bump), (SELECT count(*) FROM stored)
FROM (VALUES (1)) AS one(x) LEFT JOIN who w ON true
"""

# A pull: who, and the page after the cursor (when the account holds the dataset asked for).
_PULL = f"""
WITH {_WHO}
SELECT w.user_id, w.name, w.id, w.device_id, w.dataset, w.last_seen, w.head,
       o.seq, o.device, o.body, NULL, NULL
FROM (VALUES (1)) AS one(x)
LEFT JOIN who w ON true
{page_after("w.user_id", "%(cursor)s", "%(limit)s", "w.dataset = %(dataset)s")}
ORDER BY o.seq
"""

# The same, asked for (`own`) a device's newest operation after the cursor too.
_PULL_OWN = f"""
WITH {_WHO}
SELECT w.user_id, w.name, w.id, w.device_id, w.dataset, w.last_seen, w.head,
       o.seq, o.device, o.body, n.seq, n.clock
FROM (VALUES (1)) AS one(x)
LEFT JOIN who w ON true
{newest_of("w.user_id", "%(cursor)s", "%(own)s", "w.dataset = %(dataset)s")}
{page_after("w.user_id", "%(cursor)s", "%(limit)s", "w.dataset = %(dataset)s")}
ORDER BY o.seq
"""


def _positional(statement: str) -> tuple[str, tuple[str, ...]]:
    """`statement` with its `%(name)s` parameters as PostgreSQL's own `$1`, `$2` (one number
    per name) and the names in that order: what a raw cursor runs, without psycopg turning
    the names into numbers again on every request."""
    names: list[str] = []

    def number(found: re.Match[str]) -> str:
        if found[1] not in names:
            names.append(found[1])
        return f"${names.index(found[1]) + 1}"

    return re.sub(r"%\((\w+)\)s", number, statement), tuple(names)


_PUSH_STATEMENT = _positional(_PUSH)
_PULL_STATEMENT = _positional(_PULL)
_PULL_OWN_STATEMENT = _positional(_PULL_OWN)


def _values(names: tuple[str, ...], params: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(params[name] for name in names)


def _auth(row: Any) -> Auth | None:
    if row[0] is None:
        return None
    return Auth(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], int(row[5]))


class Direct:
    """The push and the pull of one server process, on its own few connections (made when
    first needed, in the event loop serving the requests)."""

    def __init__(self, store: Store, size: int = POOL_SIZE) -> None:
        url = make_url(store.engine.url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.size = size
        self._idle: list[psycopg.AsyncRawCursor[Any]] = []  # one kept per connection
        self._free: asyncio.Semaphore | None = None
        self._usable: bool | None = None

    def usable(self) -> bool:
        """psycopg's async connections need a selector event loop (not Windows' proactor)."""
        if self._usable is None:
            proactor = getattr(asyncio, "ProactorEventLoop", None)
            self._usable = proactor is None or not isinstance(asyncio.get_running_loop(), proactor)
        return self._usable

    async def _connect(self) -> psycopg.AsyncRawCursor[Any]:
        # The same few statements on every connection: prepared on their first use and
        # planned once (generic plans), always by their indexes (postgres_sql.INDEXED): a plan
        # made while the log was small must not read the whole log once it has grown.
        conn = await psycopg.AsyncConnection.connect(
            self.conninfo,
            autocommit=True,
            options="-c plan_cache_mode=force_generic_plan -c enable_seqscan=off",
        )
        conn.prepare_threshold = 0
        return psycopg.AsyncRawCursor(conn)

    async def _run(
        self,
        cursor: psycopg.AsyncRawCursor[Any],
        statement: tuple[str, tuple[str, ...]],
        params: Mapping[str, Any],
    ) -> list[Any]:
        await cursor.execute(statement[0], _values(statement[1], params), prepare=True)
        return await cursor.fetchall()

    async def _warm(self, cursor: psycopg.AsyncRawCursor[Any]) -> None:
        """Prepare and plan the push and the pulls on `cursor`'s connection with a token no
        device has, so the first requests after a start do not pay for it (nothing is read or
        written)."""
        nobody = {"public_id": "", "token_hash": "", "dataset": "", "device": "", "own": ""}
        await self._run(cursor, _PUSH_STATEMENT, {**nobody, "ops": "[]"})
        for statement in (_PULL_STATEMENT, _PULL_OWN_STATEMENT):
            await self._run(cursor, statement, {**nobody, "cursor": Int8(0), "limit": Int8(1)})

    async def open(self) -> None:
        """Make the connections now (a server starting), not in its first requests."""
        if self.usable():
            made = await asyncio.gather(*(self._connect() for _ in range(self.size)))
            await asyncio.gather(*(self._warm(cursor) for cursor in made))
            self._idle.extend(made)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncRawCursor[Any]]:
        """A connection's kept cursor, the connection idle again afterwards (else closed)."""
        if self._free is None:
            self._free = asyncio.Semaphore(self.size)
        async with self._free:
            cursor = self._idle.pop() if self._idle else await self._connect()
            try:
                yield cursor
            finally:
                conn = cursor.connection
                idle = conn.info.transaction_status == pq.TransactionStatus.IDLE
                if conn.closed or not idle:
                    await conn.close()
                else:
                    self._idle.append(cursor)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for cursor in idle:
            await cursor.connection.close()

    async def push(
        self, token: tuple[str, str], dataset: str, device: str, rows: list[OpRow]
    ) -> tuple[Auth | None, tuple[int, int, int] | None]:
        """Who the token is (None: refused) and, when it is live and the account holds
        `dataset`, (accepted, duplicates, head). psycopg.errors.UniqueViolation if one of the
        operations was stored by a push this one waited for (nothing stored: try the slow
        way)."""
        table = [[r.op_id, r.clock, r.tbl, r.row_key, r.body] for r in rows]
        try:
            ops = _ENCODE.encode(table).decode()
        except UnicodeEncodeError:  # a lone surrogate: written as an escape
            ops = json.dumps(table, ensure_ascii=False)
        params = {
            "public_id": token[0],
            "token_hash": token[1],
            "dataset": dataset,
            "device": device,
            "ops": ops,
        }
        async with self.connection() as kept:
            (row,) = await self._run(kept, _PUSH_STATEMENT, params)
        auth = _auth(row)
        if auth is None or row[6] is None:
            return auth, None
        accepted = int(row[7])
        return auth, (accepted, len(rows) - accepted, int(row[6]))

    async def pull(
        self,
        token: tuple[str, str],
        dataset: str,
        cursor: int,
        limit: int,
        exclude: str | None,
        own: str | None = None,
    ) -> tuple[Auth | None, Page | None]:
        """Who the token is and, when the account holds `dataset`, its operations after
        `cursor` with its head (and `own`'s newest one: `Page.own`), read in one snapshot
        (as `Store.pull`)."""
        params = {
            "public_id": token[0],
            "token_hash": token[1],
            "dataset": dataset,
            "cursor": Int8(cursor),  # one type whatever the value: one prepared statement
            "limit": Int8(limit),
            "own": own,
        }
        async with self.connection() as kept:
            statement = _PULL_STATEMENT if own is None else _PULL_OWN_STATEMENT
            found = await self._run(kept, statement, params)
        auth = _auth(found[0])
        if auth is None or auth.dataset != dataset:
            return auth, None
        page = [(row[7], row[8], row[9]) for row in found if row[7] is not None]
        newest = (int(found[0][10]), str(found[0][11])) if found[0][10] is not None else None
        return auth, page_of(page, cursor, limit, exclude, int(found[0][6]), newest)
