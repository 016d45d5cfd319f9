"""What the sync server's store hands out (`app.sync_server.store`): an operation row to store,
a page of a pull, a signed-in device, and the refusal of another dataset."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class DatasetMismatch(Exception):
    def __init__(self, held: str | None) -> None:
        super().__init__(held)
        self.held = held


@dataclass(frozen=True)
class OpRow:
    op_id: str
    clock: str
    tbl: str
    row_key: str
    body: str


@dataclass(frozen=True)
class Page:
    bodies: list[str]
    next: int
    head: int
    more: bool
    # Asked for (`own`): the newest operation that device pushed after the cursor, (seq,
    # stamp); a profile file copied back over itself learns from it that it is behind itself.
    own: tuple[int, str] | None = None


def page_of(
    rows: list[Any],
    cursor: int,
    limit: int,
    exclude: str | None,
    head: int,
    own: tuple[int, str] | None = None,
) -> Page:
    """The page a pull answers from the (seq, device, body) rows read after `cursor` (at most
    `limit`), leaving out `exclude`'s own, with the account's `head`."""
    bodies = [str(body) for _seq, device, body in rows if device != exclude]
    last = int(rows[-1][0]) if rows else max(cursor, 0)
    if not rows and cursor > head:
        last = cursor  # the client is ahead of this server (restored from a backup?)
    return Page(bodies, last, head, len(rows) == limit and last < head, own)


@dataclass(frozen=True)
class Auth:
    user_id: int
    user: str
    device: str  # the device's public id (the token's)
    device_id: str  # the profile's sync device id it signed in with
    dataset: str | None
    last_seen: int = 0
