"""Pushes arriving together on PostgreSQL are stored together (group commit: one statement for
all the pushes waiting for a connection), and each push still gets exactly its own answer: its
operations stored once and numbered after its account's head in the order they came, an
operation pushed twice in the same batch counted once, a refused token or another dataset
refused for that push alone, and a push PostgreSQL cannot store failing alone."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import psycopg
import pytest
from server_helpers import Postgres
from sqlalchemy import select

from app.sync.clock import stamp_text
from app.sync_server.postgres_direct import Direct
from app.sync_server.records import Auth, OpRow
from app.sync_server.schema import ops as ops_table
from app.sync_server.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _rows(device: str, start: int, count: int) -> list[OpRow]:
    return [
        OpRow(f"{device}-{n}", stamp_text(1_780_000_000_000 + n, 0, device), "tags", f"k{n}", "{}")
        for n in range(start, start + count)
    ]


def _device(store: Store, user: int, name: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"secret-{name}".encode()).hexdigest()
    store.add_device(user, f"pub-{name}", name, name, digest)
    return (f"pub-{name}", digest)


def test_pushes_waiting_together_are_stored_in_one_statement_each_with_its_own_answer(
    postgres: Postgres,
) -> None:
    store = Store.open(postgres.new_database())
    accounts = {}
    for name in ("ada", "bob", "cy"):
        accounts[name] = store.add_user(name, "not a password hash")
        store.claim_dataset(accounts[name], f"{name}-data")
    tokens = {
        f"{user}{n}": _device(store, accounts[user], f"{user}{n}")
        for user in ("ada", "bob", "cy")
        for n in (1, 2)
    }
    store.revoke_device(accounts["cy"], "pub-cy2")
    statements: list[int] = []

    async def run() -> list[Any]:
        direct = Direct(store, size=1)  # one connection: whatever waits goes in one batch
        await direct.open()
        run_one = direct._run

        async def counted(*args: Any) -> list[Any]:
            statements.append(1)
            return await run_one(*args)

        direct._run = counted  # type: ignore[method-assign]
        try:
            pushes = [
                direct.push(tokens["ada1"], "ada-data", "ada1", _rows("ada1", 0, 20)),
                direct.push(tokens["ada2"], "ada-data", "ada2", _rows("ada2", 0, 20)),
                direct.push(tokens["bob1"], "bob-data", "bob1", _rows("bob1", 0, 20)),
                # the same operations again in the same batch (a retry): stored once
                direct.push(tokens["ada1"], "ada-data", "ada1", _rows("ada1", 0, 20)),
                direct.push(tokens["cy2"], "cy-data", "cy2", _rows("cy2", 0, 5)),  # revoked
                direct.push(tokens["cy1"], "bob-data", "cy1", _rows("cy1", 0, 5)),  # not cy's
                direct.push(tokens["bob2"], "bob-data", "bob2", _rows("bob2", 0, 20)),
                direct.push(tokens["ada2"], "ada-data", "ada2", _rows("ada2", 20, 10)),
            ]
            return await asyncio.gather(*pushes)
        finally:
            await direct.close()

    answers = asyncio.run(run())
    # the first push found the connection free; all the others waited and went together
    assert len(statements) == 2
    heads = [done and done[2] for _auth, done in answers]
    assert [done and done[:2] for _auth, done in answers] == [
        (20, 0), (20, 0), (20, 0), (0, 20), None, None, (20, 0), (10, 0)
    ]  # fmt: skip
    assert heads[0] == 20 and heads[1] == heads[3] == heads[7] == 50
    assert heads[2] == heads[6] == 40  # the head after the batch
    refused, other = answers[4][0], answers[5][0]
    assert refused is None
    assert isinstance(other, Auth) and other.user == "cy" and other.dataset == "cy-data"
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(
                ops_table.c.user_id, ops_table.c.seq, ops_table.c.op_id, ops_table.c.device
            ).order_by(ops_table.c.user_id, ops_table.c.seq)
        ).all()
    for name, expected in (
        ("ada", [f"ada1-{n}" for n in range(20)] + [f"ada2-{n}" for n in range(30)]),
        ("bob", [f"bob1-{n}" for n in range(20)] + [f"bob2-{n}" for n in range(20)]),
        ("cy", []),
    ):
        mine = [row for row in stored if row[0] == accounts[name]]
        assert [row[1] for row in mine] == list(range(1, len(expected) + 1))
        assert [row[2] for row in mine] == expected
        assert all(row[2].startswith(row[3]) for row in mine)  # stored as its device's
    assert store.state(accounts["ada"]) == ("ada-data", 50)
    store.close()


def test_a_push_postgresql_cannot_store_fails_alone_and_the_rest_of_its_batch_is_stored(
    postgres: Postgres,
) -> None:
    store = Store.open(postgres.new_database())
    user = store.add_user("ada", "not a password hash")
    store.claim_dataset(user, "data")
    tokens = [_device(store, user, f"d{n}") for n in range(4)]
    bad = [OpRow("bad-0", stamp_text(1_780_000_000_000, 0, "d2"), "tags", "k\x00", "{}")]

    async def run() -> list[Any]:
        direct = Direct(store, size=1)
        await direct.open()
        try:
            return await asyncio.gather(
                *(
                    direct.push(token, "data", f"d{n}", bad if n == 2 else _rows(f"d{n}", 0, 3))
                    for n, token in enumerate(tokens)
                ),
                return_exceptions=True,
            )
        finally:
            await direct.close()

    answers = asyncio.run(run())
    assert isinstance(answers[2], psycopg.Error)
    assert [answers[n][1][:2] for n in (0, 1, 3)] == [(3, 0), (3, 0), (3, 0)]
    assert store.state(user) == ("data", 9)
    store.close()


def test_a_push_that_found_no_connection_is_not_stored_later_by_another(
    postgres: Postgres,
) -> None:
    store = Store.open(postgres.new_database())
    user = store.add_user("ada", "not a password hash")
    store.claim_dataset(user, "data")
    token = _device(store, user, "d1")

    async def run() -> tuple[Any, Any]:
        direct = Direct(store, size=1)
        reachable = direct.conninfo
        direct.conninfo = reachable.replace(f":{postgres.port}/", ":1/")  # nothing listens there
        with pytest.raises(psycopg.OperationalError):
            await direct.push(token, "data", "d1", _rows("d1", 0, 5))
        direct.conninfo = reachable
        try:
            return await direct.push(token, "data", "d1", _rows("d1", 5, 3))
        finally:
            await direct.close()

    _auth, done = asyncio.run(run())
    assert done == (3, 0, 3)  # the refused push answered with an error, and not stored after
    assert store.state(user) == ("data", 3)
    store.close()
