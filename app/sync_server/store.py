"""Every query of the sync server, each scoped to one user (SQLAlchemy Core), on the database
`database` opens: users, devices (tokens), the dataset and the operation log, snapshots, blobs.

SQLite (the default) or PostgreSQL (psycopg 3). A push assigns the user's next sequence
numbers while holding the user's counter row: `SELECT ... FOR UPDATE` on PostgreSQL, SQLite's
write lock (BEGIN IMMEDIATE) there; so commit order is sequence order, and a device that has
pulled up to N never misses an operation numbered below N. Several server processes on one
PostgreSQL database therefore give the same results as one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.sync_server import postgres_sql
from app.sync_server.compaction import compactable_tables, superseded
from app.sync_server.database import Database
from app.sync_server.records import Auth, DatasetMismatch, OpRow, Page, now_ms, page_of
from app.sync_server.schema import blobs, devices, ops, users

_CHUNK = 500


class Store(Database):
    """The queries; `Store.open(url)` opens the database at `url` (`Database.open`)."""

    # Users
    def add_user(self, name: str, password_hash: str) -> int:
        try:
            with self.write() as conn:
                result = conn.execute(
                    insert(users).values(
                        name=name,
                        password_hash=password_hash,
                        disabled=False,
                        created_at=now_ms(),
                        head=0,
                        failed_logins=0,
                        failed_at=0,
                    )
                )
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError:
            raise KeyError(name) from None

    def list_users(self) -> list[dict[str, Any]]:
        count = (
            select(func.count())
            .select_from(devices)
            .where(devices.c.user_id == users.c.id, devices.c.revoked_at.is_(None))
            .scalar_subquery()
        )
        query = select(
            users.c.name, users.c.disabled, users.c.dataset, users.c.head, count.label("devices")
        ).order_by(users.c.name)
        with self.engine.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def user(self, name: str) -> dict[str, Any] | None:
        with self.engine.begin() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        return None if row is None else dict(row._mapping)

    def set_user(self, name: str, **values: Any) -> bool:
        with self.write() as conn:
            result = conn.execute(update(users).where(users.c.name == name).values(**values))
            return bool(result.rowcount)

    def login_failed(self, user_id: int) -> None:
        with self.write() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(failed_logins=users.c.failed_logins + 1, failed_at=now_ms())
            )

    # Devices (tokens)
    def add_device(
        self, user_id: int, public_id: str, name: str, device_id: str, token_hash: str
    ) -> None:
        now = now_ms()
        with self.write() as conn:
            conn.execute(
                insert(devices).values(
                    id=public_id,
                    user_id=user_id,
                    name=name,
                    device_id=device_id,
                    token_hash=token_hash,
                    created_at=now,
                    last_seen=now,
                )
            )
            conn.execute(
                update(users).where(users.c.id == user_id).values(failed_logins=0, failed_at=0)
            )

    def device_token(self, public_id: str) -> tuple[str, Auth] | None:
        """The token hash and who it is of a live device of an enabled user; None otherwise."""
        query = (
            select(
                devices.c.token_hash,
                devices.c.user_id,
                users.c.name,
                devices.c.id,
                devices.c.device_id,
                users.c.dataset,
                devices.c.last_seen,
            )
            .join(users, users.c.id == devices.c.user_id)
            .where(
                devices.c.id == public_id,
                devices.c.revoked_at.is_(None),
                users.c.disabled.is_(False),
            )
        )
        with self.reader.begin() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        auth = Auth(int(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5], int(row[6]))
        return str(row[0]), auth

    def touch_device(self, user_id: int, public_id: str) -> None:
        now = now_ms()
        with self.write() as conn:
            conn.execute(
                update(devices)
                .where(
                    devices.c.user_id == user_id,
                    devices.c.id == public_id,
                    devices.c.last_seen < now - 60_000,
                )
                .values(last_seen=now)
            )

    def list_devices(self, user_id: int) -> list[dict[str, Any]]:
        query = (
            select(
                devices.c.id,
                devices.c.name,
                devices.c.device_id,
                devices.c.created_at,
                devices.c.last_seen,
                devices.c.revoked_at,
            )
            .where(devices.c.user_id == user_id)
            .order_by(devices.c.created_at, devices.c.id)
        )
        with self.engine.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def revoke_device(self, user_id: int, public_id: str) -> bool:
        with self.write() as conn:
            result = conn.execute(
                update(devices)
                .where(
                    devices.c.user_id == user_id,
                    devices.c.id == public_id,
                    devices.c.revoked_at.is_(None),
                )
                .values(revoked_at=now_ms())
            )
            return bool(result.rowcount)

    # The dataset and the log
    def claim_dataset(self, user_id: int, dataset: str) -> str:
        """The account's dataset: `dataset` if it had none (claimed now), else the one held."""
        with self.write() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.dataset.is_(None))
                .values(dataset=dataset)
            )
            held = conn.execute(select(users.c.dataset).where(users.c.id == user_id)).scalar()
        return str(held)

    def state(self, user_id: int) -> tuple[str | None, int]:
        with self.reader.begin() as conn:
            row = conn.execute(
                select(users.c.dataset, users.c.head).where(users.c.id == user_id)
            ).one()
        return row[0], int(row[1])

    def push(
        self, user_id: int, dataset: str, device: str, rows: list[OpRow]
    ) -> tuple[int, int, int]:
        """Store the operations not stored yet, numbered after the user's head, under the
        user's lock; (accepted, duplicates, head). DatasetMismatch if the account holds
        another dataset (nothing stored)."""
        if self.postgres and rows:
            try:
                found = self._push_postgres(user_id, dataset, device, rows)
            except IntegrityError:
                found = None  # the same operation stored meanwhile (a retry): the slow way
            if found is not None:
                return found
        with self.write() as conn:
            held, head = conn.execute(
                select(users.c.dataset, users.c.head).where(users.c.id == user_id).with_for_update()
            ).one()
            if held != dataset:
                raise DatasetMismatch(held)
            head = int(head)
            seen: set[str] = set()
            ids = list({row.op_id for row in rows})
            for start in range(0, len(ids), _CHUNK):
                part = ids[start : start + _CHUNK]
                seen.update(
                    conn.execute(
                        select(ops.c.op_id).where(ops.c.user_id == user_id, ops.c.op_id.in_(part))
                    ).scalars()
                )
            new = []
            for row in rows:
                if row.op_id in seen:
                    continue
                seen.add(row.op_id)
                head += 1
                new.append(
                    {
                        "user_id": user_id,
                        "seq": head,
                        "op_id": row.op_id,
                        "device": device,
                        "clock": row.clock,
                        "tbl": row.tbl,
                        "row_key": row.row_key,
                        "body": row.body,
                    }
                )
            if new:
                conn.execute(insert(ops), new)
                conn.execute(update(users).where(users.c.id == user_id).values(head=head))
        return len(new), len(rows) - len(new), head

    def _push_postgres(
        self, user_id: int, dataset: str, device: str, rows: list[OpRow]
    ) -> tuple[int, int, int] | None:
        """`push` in one statement (one round trip, its own transaction): the operations not
        stored yet numbered after the head the UPDATE locks and moves (a push waiting for the
        lock numbers after the head it finds once it has it). IntegrityError if one of them
        was stored by a push this one waited for; None (nothing stored) if the account holds
        another dataset."""
        with self.reader.begin() as conn:
            conn.execute(postgres_sql.INDEXED)
            found = conn.execute(
                postgres_sql.PUSH,
                {
                    "user_id": user_id,
                    "dataset": dataset,
                    "device": device,
                    "op_ids": [r.op_id for r in rows],
                    "clocks": [r.clock for r in rows],
                    "tbls": [r.tbl for r in rows],
                    "keys": [r.row_key for r in rows],
                    "bodies": [r.body for r in rows],
                },
            ).one()
        if found[0] is None:
            return None
        return int(found[1]), len(rows) - int(found[1]), int(found[0])

    def pull(
        self, user_id: int, cursor: int, limit: int, exclude: str | None, own: str | None = None
    ) -> Page:
        """The user's operations after `cursor` (up to `limit` scanned), those pushed by
        `exclude` left out; `next` is the last sequence scanned. The rows are read before the
        head (each its own snapshot on PostgreSQL): the head is never below what was read.
        `own`: a device id whose newest operation after the cursor is said too (`Page.own`:
        the log after the cursor read backwards until one of its, what the device pulls next
        anyway)."""
        if self.postgres:  # all in one statement, one snapshot, one round trip
            statement = postgres_sql.PULL if own is None else postgres_sql.PULL_OWN
            with self.reader.begin() as conn:
                conn.execute(postgres_sql.INDEXED)
                found = conn.execute(
                    statement, {"user_id": user_id, "cursor": cursor, "limit": limit, "own": own}
                ).all()
            head = int(found[0][0])
            page = [(row[1], row[2], row[3]) for row in found if row[1] is not None]
            newest = (int(found[0][4]), str(found[0][5])) if own and found[0][4] else None
            return page_of(page, cursor, limit, exclude, head, newest)
        with self.reader.begin() as conn:
            rows = conn.execute(
                select(ops.c.seq, ops.c.device, ops.c.body)
                .where(ops.c.user_id == user_id, ops.c.seq > cursor)
                .order_by(ops.c.seq)
                .limit(limit)
            ).all()
            head = int(conn.execute(select(users.c.head).where(users.c.id == user_id)).scalar_one())
            newest_row = None
            if own is not None:
                newest_row = conn.execute(
                    select(ops.c.seq, ops.c.clock)
                    .where(ops.c.user_id == user_id, ops.c.seq > cursor, ops.c.device == own)
                    .order_by(ops.c.seq.desc())
                    .limit(1)
                ).first()
        newest = None if newest_row is None else (int(newest_row[0]), str(newest_row[1]))
        return page_of(list(rows), cursor, limit, exclude, head, newest)

    def superseded(self, user_id: int, upto: int) -> set[int]:
        """The user's operations up to `upto` that a snapshot leaves out (`compaction`): the
        last-writer-wins tables' operations read row by row, one row's at a time in memory."""
        tables = compactable_tables()
        query = (
            select(ops.c.seq, ops.c.tbl, ops.c.row_key, ops.c.body)
            .where(ops.c.user_id == user_id, ops.c.seq <= upto, ops.c.tbl.in_(sorted(tables)))
            .order_by(ops.c.tbl, ops.c.row_key, ops.c.seq)
        )
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=5_000).execute(query)
            return superseded(((int(r[0]), r[1], r[2], r[3]) for r in result), tables)

    def snapshot(
        self, user_id: int, upto: int, exclude: str | None, *, compact: bool = True
    ) -> Iterator[str]:
        """The user's operations up to `upto` in log order, read a page at a time: every one,
        or (`compact`) without those superseded by later ones (see `compaction`)."""
        dropped = self.superseded(user_id, upto) if compact else set()
        cursor = 0
        while cursor < upto:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    select(ops.c.seq, ops.c.device, ops.c.body)
                    .where(ops.c.user_id == user_id, ops.c.seq > cursor, ops.c.seq <= upto)
                    .order_by(ops.c.seq)
                    .limit(20_000)
                ).all()
            if not rows:
                return
            cursor = int(rows[-1][0])
            for seq, device, body in rows:
                if device != exclude and seq not in dropped:
                    yield str(body)

    # Blobs
    def has_blobs(self, user_id: int, shas: list[str]) -> set[str]:
        found: set[str] = set()
        with self.engine.begin() as conn:
            for start in range(0, len(shas), _CHUNK):
                part = shas[start : start + _CHUNK]
                found.update(
                    conn.execute(
                        select(blobs.c.sha256).where(
                            blobs.c.user_id == user_id, blobs.c.sha256.in_(part)
                        )
                    ).scalars()
                )
        return found

    def put_blob(self, user_id: int, sha: str, data: bytes) -> bool:
        if self.has_blobs(user_id, [sha]):
            return False
        try:
            with self.write() as conn:
                conn.execute(
                    insert(blobs).values(user_id=user_id, sha256=sha, size=len(data), data=data)
                )
        except IntegrityError:
            return False  # the same blob, stored meanwhile
        return True

    def get_blob(self, user_id: int, sha: str) -> bytes | None:
        with self.engine.begin() as conn:
            data = conn.execute(
                select(blobs.c.data).where(blobs.c.user_id == user_id, blobs.c.sha256 == sha)
            ).scalar()
        return None if data is None else bytes(data)
