"""Pushes at once to one account: every operation stored once, numbered 1..N with no gap, each
device's operations in the order it sent them, whichever way a push took (PostgreSQL's one
statement, or the locked way after a clash of the same operation pushed twice at once)."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from app.sync.clock import stamp_text
from app.sync_server.accounts import hash_password
from app.sync_server.schema import ops as ops_table
from app.sync_server.store import Store
from app.sync_server.wire import make_op_rows


def _ops(device: str, start: int, count: int) -> list[dict[str, object]]:
    return [
        {"c": stamp_text(1_780_000_000_000 + n, n, device), "t": "tags", "k": f"{device}-{n}",
         "v": {"name": f"{device} {n}"}, "i": 1}
        for n in range(start, start + count)
    ]  # fmt: skip


def test_pushes_at_once_store_each_operation_once_in_one_sequence(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        user = store.add_user("ada", hash_password("correct horse battery"))
        store.claim_dataset(user, "data")
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def device(index: int) -> None:
            name = f"dev{index % 4}"  # two threads per device: the same pushes twice at once
            try:
                barrier.wait()
                for round_ in range(5):
                    store.push(user, "data", name, make_op_rows(_ops(name, round_ * 10, 10)))
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=device, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.state(user) == ("data", 200)
        with store.engine.connect() as conn:
            stored = conn.execute(
                select(ops_table.c.seq, ops_table.c.device, ops_table.c.body)
                .where(ops_table.c.user_id == user)
                .order_by(ops_table.c.seq)
            ).all()
        assert [row[0] for row in stored] == list(range(1, 201))
        for name in ("dev0", "dev1", "dev2", "dev3"):
            keys = [json.loads(body)["k"] for _seq, dev, body in stored if dev == name]
            assert keys == [f"{name}-{n}" for n in range(50)]
        again = store.push(user, "data", "dev0", make_op_rows(_ops("dev0", 0, 10)))
        assert again == (0, 10, 200)
    finally:
        store.close()
