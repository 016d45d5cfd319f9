"""The sync server (`studydesk serve-sync`) as a sync target. `ServerAccount` is the account as
the engine's `Target` (app.sync.target), so one `engine.sync` drives it as it drives a folder;
only the server's specifics are here: the one cursor (the server numbers each user's
operations in one sequence: `sync_cursors` row "server"), pages or, for a device far behind,
the snapshot (every operation in one streamed answer), and this device's own pushes skipped by
the cursor. Setting a profile up on an account (signing in: a device token is kept, never the
password) and opening its client are `server_setup`'s.

Recovery, never overwrite: an account holding another profile's data, or a wiped server, is
refused before anything is touched (dataset mismatch). A server restored from an older backup
(its head below this device's cursor) is filled again from this device: everything is pulled
again (harmless) and this profile's rows are pushed again as a baseline. A profile file copied
back over itself by hand (an older copy, same path and inode, so the same device id) is told by
the server that it holds operations of its id the file never pushed: it becomes a new device,
and those come back to it as another device's (`ServerAccount.stale`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from app.db.database import ProfileDatabase
from app.db.types import utcnow
from app.sync import engine, state
from app.sync.capture import DEVICE, get_state, set_state
from app.sync.ops import MEDIA, Op
from app.sync.server_setup import PUSHED, open_server_target
from app.sync.server_target import ServerTarget
from app.sync.target import Batch

SOURCE = "server"
SNAPSHOT_AFTER = 100_000  # operations behind: take the snapshot
MARK = "server_mark"  # sync_state (device-local): [cursor, the operation the server had there]


def sync_with_server(
    database: ProfileDatabase, media_dir: Any = None, *, target: ServerTarget | None = None
) -> engine.SyncResult:
    """Pull and merge what other devices pushed, then push this device's changes."""
    rows = state.settings(database)
    account = ServerAccount(target or open_server_target(database, settings=rows), database, rows)
    return engine.sync(database, media_dir, target=account)


class ServerAccount:
    """The account on the sync server as a sync `Target` (app.sync.target), over the HTTP
    client: one cursor ("server"), pages or the snapshot, the restored-server check, and this
    device's own pushes skipped by the cursor.

    The check: the server restored from an older backup holds fewer operations than this
    device had pulled, or, once another device has filled it again, other operations at the
    same positions. So a sync that moved the cursor remembers which operation the server held
    there (`MARK`), and the next sync's first page starts one earlier, with it: another one
    there means the log this device followed is gone. A sync with nothing new asks nothing
    more than before.

    The file copied back over itself (`stale`): that first page also says the newest
    operation the server holds of this device id after the cursor (`own`); if it is past
    what the file remembers pushing (`PUSHED`: beyond the head its last push saw, stamped
    after every change it pushed) and not in its outbox still (a push whose answer was lost:
    it goes again), the file is older than its device: a new one. (A push held on the way
    that arrived after the file pushed the same changes again is stamped before them.) The page
    is asked for when the account is opened for a sync, before the engine's transaction that
    `stale` judges it in (a slow or unreachable server never holds up the profile's writes),
    and kept for `batches`."""

    def __init__(
        self,
        client: ServerTarget,
        database: ProfileDatabase,
        settings: dict[str, str] | None = None,
    ) -> None:
        """`settings`: the profile's `sync_state` as just read (`state.settings`)."""
        self.client = client
        self.database = database
        self._notes: list[str] = []
        self._first = self._ask_first(settings)

    def _ask_first(
        self, settings: dict[str, str] | None
    ) -> tuple[tuple[str, int, str | None], dict[str, Any], bool] | None:
        """The coming sync's first page, with what it was asked for (device, cursor, mark)."""
        if settings is None:
            settings = dict(
                state.read(
                    self.database,
                    "SELECT key, value FROM sync_state WHERE key IN (?, ?, ?)",
                    (DEVICE, MARK, PUSHED),
                )
            )
        found = settings
        device = found.get(DEVICE)
        if device is None:
            return None
        cursor = state.cursors(self.database).get(SOURCE, 0)
        mark = found.get(MARK)
        own = device if _pushed(found.get(PUSHED), device) is not None else None
        page, moved_on = _first_page(self.client, cursor, device, mark, own)
        return (device, cursor, mark), page, moved_on

    @property
    def dataset(self) -> str | None:
        return self.client.dataset

    def stale(self, conn: sqlite3.Connection, device: str) -> bool:
        """Whether the server holds operations of this device id the file never pushed (an
        older copy of the file put back over it by hand): it must become a new device. Judged
        by the first page asked for before (`_ask_first`); not when this file's device, cursor
        or mark are not what it was asked for (a device made new since has nothing there)."""
        row = conn.execute("SELECT position FROM sync_cursors WHERE source = ?", (SOURCE,))
        found = row.fetchone()
        asked = (device, int(found[0]) if found else 0, get_state(conn, MARK))
        if self._first is None or self._first[0] != asked:
            return False
        _asked, page, moved_on = self._first
        known = _pushed(get_state(conn, PUSHED), device)
        newest = page.get("own")
        if known is None or moved_on or not isinstance(newest, list) or len(newest) != 2:
            return False  # never recorded, or an older server (nothing to judge by)
        seq, stamp = int(newest[0]), str(newest[1])
        head, pushed_ms = known
        if seq <= head or _stamp_ms(stamp) <= pushed_ms or _in_outbox(conn, stamp):
            return False
        self._notes.append(
            f"the server holds changes of this device made after this profile file (up to "
            f"{seq}; the file pushed up to {head}): an older copy put back? It is a new "
            "device now, and gets them back."
        )
        return True

    def batches(
        self, cursors: dict[str, int], device: str, notes: list[str], size: int
    ) -> Iterator[Batch]:
        start = cursors.get(SOURCE, 0)
        mark = state.value(self.database, MARK)
        first, self._first = self._first, None
        kept = first[1:] if first is not None and first[0] == (device, start, mark) else None
        notes += self._notes
        self._notes = []
        refilled = moved = False
        for batch in pull(self.client, start, device, notes, size, mark, first=kept):
            refilled |= batch.refill is not None
            moved = True
            yield batch
        # Nothing yielded (nothing new): the cursor is where it was, not read again.
        end = state.cursors(self.database).get(SOURCE, 0) if moved else start
        if end != start or mark is None or refilled:
            with state.transaction(self.database) as conn:
                _remember(conn, self.client, end)

    def push_batch(self, conn: sqlite3.Connection, device: str, ops: list[Op]) -> None:
        before = len(self.client.pushed)
        self.client.push_ops(device, ops)
        _head, pushed_ms = _pushed(get_state(conn, PUSHED), device) or (0, 0)
        # Stamps start with their ms, zero-padded: the latest stamp has the latest ms.
        newest = max((op["c"] for op in ops if op.get("t") != MEDIA), default="")
        latest = max(pushed_ms, _stamp_ms(newest) if newest else 0)
        set_state(conn, PUSHED, json.dumps([device, self.client.pushed_head, latest]))
        moved = _skip_own(conn, self.client.pushed[before:])
        if moved is not None:
            _remember(conn, self.client, moved)

    def has_blob(self, sha256: str) -> bool:
        return self.client.has_blob(sha256)

    def put_blob(self, sha256: str, data: bytes) -> bool:
        return self.client.put_blob(sha256, data)

    def get_blob(self, sha256: str) -> bytes | None:
        return self.client.get_blob(sha256)


def _at(target: ServerTarget, position: int) -> str | None:
    """Which operation the server holds at this position of the log (any device's)."""
    if position <= 0:
        return None
    page = target.pull(position - 1, "", limit=1)
    if int(page["next"]) != position or not page["ops"]:
        return None
    return _ident(page["ops"][0])


def _remember(conn: sqlite3.Connection, target: ServerTarget, cursor: int) -> None:
    set_state(conn, MARK, json.dumps([cursor, _at(target, cursor)]))


def _ident(op: Op) -> str:
    return json.dumps([op.get("c"), op.get("t"), op.get("k")], separators=(",", ":"))


def _held(mark: str | None, cursor: int) -> str | None:
    """The operation remembered at `cursor`, if the mark is for it."""
    try:
        position, held = json.loads(mark) if mark else (None, None)
    except ValueError:
        return None
    return str(held) if position == cursor and cursor > 0 and held else None


def _pushed(value: str | None, device: str) -> tuple[int, int] | None:
    """From `PUSHED`'s value: the server's head after this device id's last push from this
    file, and the latest ms of the changes it pushed ((0, 0): none yet); None when not
    recorded (a profile an older version synced)."""
    try:
        found = json.loads(value or "null")
    except ValueError:
        return None
    if not isinstance(found, list) or len(found) != 3:
        return None
    return (int(found[1]), int(found[2])) if found[0] == device else (0, 0)


def _stamp_ms(stamp: str) -> int:
    try:
        return int(stamp.split("-", 1)[0])
    except ValueError:
        return 0


def _in_outbox(conn: sqlite3.Connection, stamp: str) -> bool:
    """Whether this stamp is of a change still in the outbox (pushed, its answer lost)."""
    try:
        ms, counter, _device = stamp.split("-", 2)
        found = conn.execute(
            "SELECT 1 FROM sync_outbox WHERE seq = ? AND ms = ?", (int(counter), int(ms))
        ).fetchone()
    except ValueError:
        return False
    return found is not None


def _first_page(
    target: ServerTarget, cursor: int, device: str, mark: str | None, own: str | None = None
) -> tuple[dict[str, Any], bool]:
    """The first page after `cursor`, and whether the log this device followed up to there is
    no longer the server's (restored from an older backup). With a mark at the cursor the page
    starts one earlier, this device's own operations included: its first is compared with the
    mark and taken off, and this device's own are left out here, as the server does. `own`:
    the page says the newest operation of that device id after the cursor too."""
    held = _held(mark, cursor)
    if held is None:
        page = target.pull(cursor, device, own=own)
        return page, int(page["head"]) < cursor
    page = target.pull(cursor - 1, "", own=own)
    if int(page["head"]) < cursor:
        return page, True
    ops = page["ops"]
    if ops and _ident(ops[0]) == held:
        ops = ops[1:]
    else:  # not the one: make sure of what is at the cursor (nothing: left out, not lost)
        found = _at(target, cursor)
        if found is not None and found != held:
            return page, True
        ops = [op for op in ops if _ident(op) != held]
    own = f"-{device}"
    page["ops"] = [op for op in ops if not str(op.get("c", "")).endswith(own)]
    return page, False


def _skip_own(conn: sqlite3.Connection, pushed: list[tuple[int, int]]) -> int | None:
    """Move the cursor past this device's own pushes that came right after it (nothing of
    another device's in between), so they do not count as operations to pull; the new
    cursor, if it moved."""
    row = conn.execute("SELECT position FROM sync_cursors WHERE source = ?", (SOURCE,)).fetchone()
    cursor = start = int(row[0]) if row else 0
    for first, last in sorted(pushed):
        if first == cursor + 1:
            cursor = last
    if cursor != start:
        conn.execute(
            "INSERT INTO sync_cursors (source, position, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET position = max(position, excluded.position)",
            (SOURCE, cursor, utcnow().isoformat()),
        )
        return cursor
    return None


def pull(
    target: ServerTarget,
    cursor: int,
    device: str,
    notes: list[str],
    size: int,
    mark: str | None = None,
    first: tuple[dict[str, Any], bool] | None = None,
) -> Iterator[Batch]:
    """Pages of the account's log after `cursor` (this device's own left out), gathered into
    batches of about `size`; the snapshot instead when far behind. A server whose log is not
    the one this device followed (`_moved_on`: restored from an older backup) is pulled again
    whole (harmless) and given this profile's rows again (`Batch.refill`). `first`: the first
    page already asked for (`_first_page`, by `ServerAccount.stale`)."""
    page, moved_on = first if first is not None else _first_page(target, cursor, device, mark)
    head = int(page["head"])
    if moved_on:
        notes.append(
            f"the server does not hold the operations this device had pulled (up to {cursor}; "
            f"it holds {head}): restored from a backup? Filling it again from this device."
        )
        yield Batch([], {}, segments=0, refill=SOURCE)
        cursor = 0
        page = target.pull(cursor, device)
    if head - cursor > SNAPSHOT_AFTER:
        yield from _pull_snapshot(target, device, size)
        return
    applied = cursor
    batch: list[Op] = []
    while True:
        batch += page["ops"]
        cursor = max(cursor, int(page["next"]))
        if len(batch) >= size or not page["more"]:
            if batch or cursor > applied:
                yield Batch(batch, {SOURCE: cursor})
                applied = cursor
            batch = []
        if not page["more"]:
            return
        page = target.pull(cursor, device)


def _pull_snapshot(target: ServerTarget, device: str, size: int) -> Iterator[Batch]:
    """Every operation of the account in one streamed answer, applied about `size` at a
    time; the cursor moves to the snapshot's end with the last batch."""
    items = target.snapshot(device)
    header = next(items)
    upto = int(header["upto"])
    batch: list[Op] = []
    for op in items:
        batch.append(op)
        if len(batch) >= size:
            yield Batch(batch, {SOURCE: 0})
            batch = []
    yield Batch(batch, {SOURCE: upto})
