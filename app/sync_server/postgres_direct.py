"""The push and the pull on PostgreSQL from the event loop: psycopg's async connections, with
the device's sign-in checked by the same statement that does the work (one round trip, no
thread, no SQLAlchemy on the way), and the requests arriving together done together (group
commit: the pushes, or the pulls, waiting for a connection when one comes free go in one
statement, and each request gets its own answer).

Nothing is cached: each statement finds the token's device live (not revoked), its account
enabled and the sha256 of the token's secret equal to the one stored, in the same snapshot as
the work, so a revoked token or a disabled account is refused by its next request, exactly as
`accounts.authenticate` refuses it. Every row read or written is that request's user's. The
statements take the steps of `Store.push` and `Store.pull` on PostgreSQL (postgres_sql.py,
whose statements serve the other callers; the pulls are built from its own) for each request
of a batch: a push numbers the operations not stored yet after the head its UPDATE locks and
moves, so several server processes on one database give the same results as one.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import psycopg
from psycopg import pq
from sqlalchemy.engine import make_url

from app.sync_server.postgres_sql import newest_of, page_after
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

# The requests waiting when a connection comes free, taken together: one statement and one
# commit for all of them, in the database and in this process (on 2 cores, 200 devices at
# once: the database's CPU a request 0.40-0.53 -> 0.32-0.41 ms with the pushes batched). A
# request arriving alone goes alone, at once.
BATCH_MAX = 32

# The columns of the token's device and user each statement gives first (after the slot):
# user id, user name, device's public id, sync device id, dataset, last seen.
_WHO = """
    who AS (  -- each request's device and user, when its token is live (looked up by id)
        SELECT s.slot, t.* FROM batch s CROSS JOIN LATERAL (
            SELECT d.user_id, u.name, d.id, d.device_id, u.dataset, d.last_seen, u.head
            FROM devices d JOIN users u ON u.id = d.user_id
            WHERE d.id = s.public_id AND d.token_hash = s.token_hash
                AND d.revoked_at IS NULL AND NOT u.disabled
            LIMIT 1  -- (one at most: the id is the key) kept a lookup, never made a join
        ) t
    )"""

# Pushes in one statement ($1: a JSON array of [device's public id, token's sha256, dataset,
# device, [[op_id, clock, tbl, row_key, body], ...]]), a row for each, by its place (`slot`):
# who its token is, and when live and its account holds its dataset, the account's head after
# the batch and how many of its operations were new. The steps of `postgres_sql.push_steps`
# for several accounts: the accounts are locked in the order of their ids (batches on several
# connections, or several server processes, never wait for each other in a circle), an id
# pushed twice in the batch is stored once (the first push's), and each account's new rows are
# numbered after the head its UPDATE moves, in the order of the pushes and their operations.
_PUSHES = f"""
WITH batch AS (
    SELECT b.ord AS slot, b.e->>0 AS public_id, b.e->>1 AS token_hash, b.e->>2 AS dataset,
           b.e->>3 AS device, b.e->4 AS ops
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(e, ord)
),
{_WHO},
locked AS MATERIALIZED (
    SELECT u.id, u.dataset FROM users u
    WHERE u.id IN (SELECT w.user_id FROM who w JOIN batch s ON s.slot = w.slot
                   WHERE w.dataset = s.dataset)
    ORDER BY u.id
    FOR UPDATE
),
pushing AS (  -- the pushes whose account holds their dataset still, under its lock
    SELECT s.slot, w.user_id, s.device, s.ops
    FROM batch s JOIN who w ON w.slot = s.slot
    JOIN locked l ON l.id = w.user_id AND l.dataset = s.dataset
),
incoming AS (
    SELECT p.slot, p.user_id, p.device, e->>0 AS op_id, e->>1 AS clock, e->>2 AS tbl,
           e->>3 AS row_key, e->>4 AS body, o.ord
    FROM pushing p CROSS JOIN LATERAL jsonb_array_elements(p.ops) WITH ORDINALITY AS o(e, ord)
),
known AS (  -- each id looked up in the (user_id, op_id) index, never among all the rows
    SELECT i.user_id, i.op_id FROM incoming i
    CROSS JOIN LATERAL (
        SELECT 1 FROM ops WHERE ops.user_id = i.user_id AND ops.op_id = i.op_id LIMIT 1
    ) found
),
fresh AS (
    SELECT DISTINCT ON (i.user_id, i.op_id) i.* FROM incoming i
    WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.user_id = i.user_id AND k.op_id = i.op_id)
    ORDER BY i.user_id, i.op_id, i.slot, i.ord
),
counts AS MATERIALIZED (  -- each account's new operations (none: its head stays)
    SELECT l.id, count(f.user_id) AS n FROM locked l LEFT JOIN fresh f ON f.user_id = l.id
    GROUP BY l.id
),
by_push AS (SELECT slot, count(*) AS n FROM fresh GROUP BY slot),
bump AS (
    UPDATE users u SET head = u.head + c.n FROM counts c WHERE u.id = c.id
    RETURNING u.id, u.head, c.n
),
stored AS (
    INSERT INTO ops (user_id, seq, op_id, device, clock, tbl, row_key, body)
    SELECT f.user_id,
           b.head - b.n + row_number() OVER (PARTITION BY f.user_id ORDER BY f.slot, f.ord),
           f.op_id, f.device, f.clock, f.tbl, f.row_key, f.body
    FROM fresh f JOIN bump b ON b.id = f.user_id
    RETURNING 1
)
SELECT s.slot, w.user_id, w.name, w.id, w.device_id, w.dataset, w.last_seen, b.head,
       coalesce(n.n, 0)
FROM batch s
LEFT JOIN who w ON w.slot = s.slot
LEFT JOIN pushing p ON p.slot = s.slot
LEFT JOIN bump b ON b.id = p.user_id
LEFT JOIN by_push n ON n.slot = s.slot
"""

# Pulls in one statement, in one snapshot ($1: a JSON array of [device's public id, token's
# sha256, dataset, cursor, limit, own device or null]), rows by slot (in no order): who, the
# account's head,
# the page after the cursor (when the account holds the dataset asked for) and, asked for
# (`own`), that device's newest operation after the cursor (`Page.own`; not looked for when
# not asked: the condition is checked before the log is read).
_PULLS = f"""
WITH batch AS (
    SELECT b.ord AS slot, b.e->>0 AS public_id, b.e->>1 AS token_hash, b.e->>2 AS dataset,
           (b.e->>3)::bigint AS cursor, (b.e->>4)::bigint AS lim, b.e->>5 AS own
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(e, ord)
),
{_WHO}
SELECT s.slot, w.user_id, w.name, w.id, w.device_id, w.dataset, w.last_seen, w.head,
       o.seq, o.device, o.body, n.seq, n.clock
FROM batch s
LEFT JOIN who w ON w.slot = s.slot
{newest_of("w.user_id", "s.cursor", "s.own", "s.own IS NOT NULL AND w.dataset = s.dataset")}
{page_after("w.user_id", "s.cursor", "s.lim", "w.dataset = s.dataset")}
"""


def _auth(row: Any) -> Auth | None:
    """Who a statement's row (slot first) says the token is."""
    if row[1] is None:
        return None
    return Auth(int(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5], int(row[6]))


def _element(values: list[Any]) -> str:
    """A request's element of its batch's JSON array."""
    try:
        return _ENCODE.encode(values).decode()
    except UnicodeEncodeError:  # a lone surrogate: written as an escape
        return json.dumps(values, ensure_ascii=False)


# What a push answers: who its token is, and (accepted, duplicates, head) when stored.
PushAnswer = tuple[Auth | None, tuple[int, int, int] | None]
# What a pull answers: who its token is, and the page when the account holds the dataset.
PullAnswer = tuple[Auth | None, Page | None]


class _Waiting:
    """A request waiting to be done: its element of the batch's JSON array, how its answer is
    read from its rows of the statement, and the answer."""

    __slots__ = ("answer", "read", "taken", "text")

    def __init__(self, text: str, read: Callable[[list[Any]], Any]) -> None:
        self.text, self.read = text, read
        self.answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.taken = False

    def give(self, rows: list[Any]) -> None:
        if self.answer.done():  # its request has gone
            return
        try:
            self.answer.set_result(self.read(rows))
        except Exception as error:
            self.answer.set_exception(error)

    def fail(self, error: BaseException) -> None:
        if not isinstance(error, Exception):  # the task doing the batch was stopped
            error = RuntimeError("The server stopped while doing this request.")
        if not self.answer.done():
            self.answer.set_exception(error)


def _joined(batch: list[_Waiting]) -> str:
    return "[" + ",".join(waiting.text for waiting in batch) + "]"


class Direct:
    """The push and the pull of one server process, on its own few connections (made when
    first needed, in the event loop serving the requests)."""

    def __init__(self, store: Store, size: int = POOL_SIZE) -> None:
        url = make_url(store.engine.url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.size = size
        self._idle: list[psycopg.AsyncRawCursor[Any]] = []  # one kept per connection
        # the requests waiting for a connection, in their order, by statement
        self._waiting: dict[str, list[_Waiting]] = {_PUSHES: [], _PULLS: []}
        self._free: asyncio.Semaphore | None = None
        self._usable: bool | None = None

    def usable(self) -> bool:
        """psycopg's async connections need a selector event loop (not Windows' proactor)."""
        if self._usable is None:
            proactor = getattr(asyncio, "ProactorEventLoop", None)
            self._usable = proactor is None or not isinstance(asyncio.get_running_loop(), proactor)
        return self._usable

    async def _connect(self) -> psycopg.AsyncRawCursor[Any]:
        # The same two statements on every connection: prepared on their first use and
        # planned once (generic plans), always by their indexes (postgres_sql.INDEXED): a plan
        # made while the log was small must not read the whole log once it has grown. No JIT:
        # a batch's plan is estimated as large (a hundred requests, each a page of the log)
        # and compiling it took 25 ms of a 3 ms statement.
        conn = await psycopg.AsyncConnection.connect(
            self.conninfo,
            autocommit=True,
            options="-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off",
        )
        conn.prepare_threshold = 0
        return psycopg.AsyncRawCursor(conn)

    async def _run(
        self, cursor: psycopg.AsyncRawCursor[Any], statement: str, batch: str
    ) -> list[Any]:
        await cursor.execute(statement, (batch,), prepare=True)
        return await cursor.fetchall()

    async def _warm(self, cursor: psycopg.AsyncRawCursor[Any]) -> None:
        """Prepare and plan the push and the pull on `cursor`'s connection (with no request:
        nothing is read or written), so the first requests after a start do not pay for it."""
        for statement in (_PUSHES, _PULLS):
            await self._run(cursor, statement, "[]")

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

    async def _done(self, statement: str, waiting: _Waiting) -> Any:
        """`waiting`'s answer: it waits with the others for a connection, and whichever gets
        one takes every request waiting for the same statement (up to BATCH_MAX, in their
        order) into one statement."""
        queue = self._waiting[statement]
        queue.append(waiting)
        try:
            while not waiting.taken:
                async with self.connection() as kept:
                    if not waiting.taken:
                        batch = queue[:BATCH_MAX]
                        del queue[: len(batch)]
                        await self._batch(kept, statement, batch)
        except BaseException:  # no connection, or the request gone: not done later either
            if not waiting.taken:
                queue.remove(waiting)
            raise
        return await waiting.answer

    async def _batch(
        self, kept: psycopg.AsyncRawCursor[Any], statement: str, batch: list[_Waiting]
    ) -> None:
        """Do `batch` in one statement and answer each request from its rows; when the
        statement fails (an operation stored meanwhile, a value PostgreSQL refuses), each
        request again on its own, so that only the one at fault fails."""
        for waiting in batch:
            waiting.taken = True
        try:
            try:
                found = await self._run(kept, statement, _joined(batch))
            except psycopg.Error:
                if len(batch) == 1 or kept.connection.closed:
                    raise
                for waiting in batch:
                    try:
                        alone = await self._run(kept, statement, _joined([waiting]))
                    except psycopg.Error as error:
                        waiting.fail(error)
                    else:
                        waiting.give(alone)
            else:
                rows: list[list[Any]] = [[] for _ in batch]
                for row in found:
                    rows[row[0] - 1].append(row)
                for waiting, mine in zip(batch, rows, strict=True):
                    waiting.give(mine)
        except BaseException as error:  # every request of the batch answered, come what may
            for waiting in batch:
                waiting.fail(error)
            raise

    async def push(
        self, token: tuple[str, str], dataset: str, device: str, rows: list[OpRow]
    ) -> PushAnswer:
        """Who the token is (None: refused) and, when it is live and the account holds
        `dataset`, (accepted, duplicates, head: the account's head after the push's batch).
        psycopg.errors.UniqueViolation if one of the operations was stored by a push this one
        waited for (nothing stored: try the slow way)."""
        table = [[r.op_id, r.clock, r.tbl, r.row_key, r.body] for r in rows]

        def read(found: list[Any]) -> PushAnswer:
            (row,) = found
            auth = _auth(row)
            if auth is None or row[7] is None:
                return auth, None
            accepted = int(row[8])
            return auth, (accepted, len(rows) - accepted, int(row[7]))

        waiting = _Waiting(_element([*token, dataset, device, table]), read)
        answer: PushAnswer = await self._done(_PUSHES, waiting)
        return answer

    async def pull(
        self,
        token: tuple[str, str],
        dataset: str,
        cursor: int,
        limit: int,
        exclude: str | None,
        own: str | None = None,
    ) -> PullAnswer:
        """Who the token is and, when the account holds `dataset`, its operations after
        `cursor` with its head (and `own`'s newest one: `Page.own`), read in one snapshot
        (as `Store.pull`)."""

        def read(found: list[Any]) -> PullAnswer:
            first = found[0]
            auth = _auth(first)
            if auth is None or auth.dataset != dataset:
                return auth, None
            # in the order of the log (the statement leaves them as its index gives them: no
            # sort of every page of the batch in the database)
            page = sorted((row[8], row[9], row[10]) for row in found if row[8] is not None)
            newest = (int(first[11]), str(first[12])) if first[11] is not None else None
            return auth, page_of(page, cursor, limit, exclude, int(first[7]), newest)

        waiting = _Waiting(_element([*token, dataset, cursor, limit, own]), read)
        answer: PullAnswer = await self._done(_PULLS, waiting)
        return answer
