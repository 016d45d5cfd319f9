"""What a sync target offers the engine (`app.sync.engine.sync`), whatever carries the data:
the shared folder (`app.sync.folder.FolderTarget`) or the sync server's account
(`app.sync.server_sync.ServerAccount`, over the HTTP client `ServerTarget`).

A target pulls other devices' operations after this profile's cursors, in batches the engine
applies one transaction each (with the cursors they reach); takes this device's operations
inside the transaction that then removes them from the outbox (so it must store them durably
or raise); stores media blobs by the sha256 of their content; and names the dataset it holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from app.sync.ops import Op


@dataclass(frozen=True)
class Batch:
    """Operations to apply in one transaction, and how far they take each source's cursor.

    `segments`: how many of the target's units (folder segments, server pages) they came in,
    for the report. `refill`: the target lost what this profile had pulled from this source (a
    server restored from an older backup): forget that cursor and give the target everything
    this profile holds again (a baseline), before these operations are applied."""

    ops: list[Op]
    upto: dict[str, int]
    segments: int = 1
    refill: str | None = None


class Target(Protocol):
    @property
    def dataset(self) -> str | None:
        """The dataset (one learner's profile) the target holds."""
        ...

    def stale(self, conn: sqlite3.Connection, device: str) -> bool:
        """Whether the target holds writes of this device id that this file never made (the
        file is a copy, or a backup restored in place): it must become a new device."""
        ...

    def batches(
        self, cursors: dict[str, int], device: str, notes: list[str], size: int
    ) -> Iterator[Batch]:
        """Other devices' operations after `cursors`, in causal order, about `size` a batch;
        what is left for next time, and why, is said in `notes`. Consumed lazily: each batch
        is applied before the next is asked for."""
        ...

    def push_batch(self, conn: sqlite3.Connection, device: str, ops: list[Op]) -> None:
        """Store this device's operations durably (or raise), inside the write transaction
        `conn` that then removes them from the outbox."""
        ...

    def has_blob(self, sha256: str) -> bool: ...

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """Store a blob; True if it was not there yet."""
        ...

    def get_blob(self, sha256: str) -> bytes | None:
        """The blob's content, verified against its name; None if missing or damaged."""
        ...
