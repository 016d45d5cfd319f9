"""A sync run against the sync server (`studydesk serve-sync`), and setting a profile up on an
account. The same steps as the folder target's run (app.sync.engine): pull and apply in
transactions that advance the cursor, fetch media, push the outbox; only the pull differs: the
server numbers each user's operations in one sequence, so the cursor is one number (`sync_cursors`
row "server"), and a device far behind takes the snapshot (every operation in one answer)
instead of many pages.

Recovery, never overwrite: an account holding another profile's data, or a wiped server, is
refused before anything is touched (dataset mismatch). A server restored from an older backup
(its head below this device's cursor) is filled again from this device: everything is pulled
again (harmless) and this profile's rows are pushed again as a baseline.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any, cast

from app.db.database import ProfileDatabase
from app.db.types import utcnow
from app.errors import UserError
from app.sync import engine
from app.sync.capture import DEVICE, ENABLED, baseline, get_state, prepare, set_state
from app.sync.folder import FolderTarget, Segment
from app.sync.ops import Op
from app.sync.server_target import ServerError, ServerTarget, device_name

SOURCE = "server"
TOKEN = "server_token"  # sync_state (device-local): this device's token, never the password
SNAPSHOT_AFTER = 100_000  # operations behind: take the snapshot


def _refuse(message: str) -> UserError:
    return UserError(message + " Nothing was changed.")


def setup_server(
    database: ProfileDatabase,
    url: str,
    user: str,
    password: str,
    *,
    insecure_http: bool = False,
    merge: bool = False,
    adopt: bool = False,
) -> str:
    """Sign in (a device token is stored, never the password) and point this profile at the
    account; returns the dataset id. An account holding another profile's data is refused
    unless this profile has none (it comes down at the first sync) or `merge` keeps both.
    `adopt`: as `engine.setup_folder`'s (a profile made to receive the learner's sends nothing
    of its own)."""
    target = ServerTarget(url, insecure_http=insecure_http)
    target.meta()
    ours = engine._state(database, engine.DATASET)
    device = engine._state(database, DEVICE) or "new"
    target.login(user, password, device, device_name())
    try:
        held = target.meta().get("dataset")
        if held is None:
            held = target.claim(ours or str(uuid.uuid4()))
        if ours is not None and ours != held:
            raise _refuse(
                f"The account {user!r} on {target.url} holds another profile's data (dataset "
                f"{held}, this profile's is {ours})."
            )
        if (
            ours is None
            and not merge
            and not adopt
            and engine.has_own_data(database)
            and int(target.meta().get("head") or 0) > 0
        ):
            raise _refuse(
                f"The account {user!r} on {target.url} holds another profile's data, and "
                "this profile has its own. To keep the union of both, run it again with "
                "--merge; or use an account of its own."
            )
    except BaseException:
        _forget_token(target)
        raise
    info = {
        "kind": "server",
        "url": target.url,
        "user": user,
        "insecure_http": insecure_http,
    }
    with engine._raw(database) as conn:
        first = get_state(conn, ENABLED) != "1"
        set_state(conn, engine.DATASET, str(held))
        set_state(conn, engine.TARGET, json.dumps(info))
        set_state(conn, TOKEN, str(target.token))
        set_state(conn, ENABLED, "1")
        prepare(conn, database.db_file)
        if first and not (adopt and int(target.meta().get("head") or 0) > 0):
            baseline(conn)
    return str(held)


def _forget_token(target: ServerTarget) -> None:
    try:
        found = [d for d in target.devices() if d.get("this")]
        for device in found:
            target.revoke(str(device["id"]))
    except UserError:
        pass


def open_server_target(database: ProfileDatabase, **options: Any) -> ServerTarget:
    info = engine.status(database)
    if not info.enabled or info.target is None or info.target.get("kind") != "server":
        raise UserError(
            "This profile does not sync with a server: `studydesk sync setup --server URL "
            "--user NAME` first."
        )
    return ServerTarget(
        str(info.target["url"]),
        engine._state(database, TOKEN),
        dataset=info.dataset,
        insecure_http=bool(info.target.get("insecure_http")),
        **options,
    )


def is_server(database: ProfileDatabase) -> bool:
    info = engine.status(database)
    return info.target is not None and info.target.get("kind") == "server"


def sync_with_server(
    database: ProfileDatabase, media_dir: Any = None, *, target: ServerTarget | None = None
) -> engine.SyncResult:
    """Pull and merge what other devices pushed, then push this device's changes."""
    started = time.perf_counter()
    result = engine.SyncResult()
    target = target or open_server_target(database)
    with engine._raw(database) as conn:
        device = prepare(conn, database.db_file)
    if device is None:
        raise UserError("Sync is not set up for this profile: run `studydesk sync setup` first.")
    media_ops = pull(database, target, device, result)
    folder_like = cast(FolderTarget, target)  # the steps below use put/get_blob, write_segment
    if media_dir is not None:
        engine.fetch_media(database, folder_like, media_dir, media_ops, result)
    target.pushed.clear()
    engine.push(database, folder_like, device, media_dir, result)
    with engine._raw(database) as conn:
        _skip_own(conn, target.pushed)
        set_state(conn, engine.LAST_SYNC, utcnow().isoformat(timespec="seconds"))
        result.pending = conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _skip_own(conn: sqlite3.Connection, pushed: list[tuple[int, int]]) -> None:
    """Move the cursor past this device's own pushes that came right after it (nothing of
    another device's in between), so they do not count as operations to pull."""
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


def _cursor(database: ProfileDatabase) -> int:
    rows = engine._read(database, "SELECT position FROM sync_cursors WHERE source = ?", (SOURCE,))
    return int(rows[0][0]) if rows else 0


def _apply(
    database: ProfileDatabase, device: str, ops: list[Op], upto: int, result: engine.SyncResult
) -> list[Op]:
    """Apply these operations with the cursor advanced to `upto`, in one transaction."""
    return engine._apply_batch(database, device, [Segment(SOURCE, upto, {}, ops)], result)


def pull(
    database: ProfileDatabase, target: ServerTarget, device: str, result: engine.SyncResult
) -> list[Op]:
    cursor = _cursor(database)
    media: list[Op] = []
    page = target.pull(cursor, device)
    head = int(page["head"])
    if head < cursor:
        # A server restored from an older backup: take everything again, give everything again.
        result.skipped.append(
            f"the server holds fewer operations ({head}) than this device had pulled "
            f"({cursor}): restored from a backup? Filling it again from this device."
        )
        with engine._raw(database) as conn:
            conn.execute("DELETE FROM sync_cursors WHERE source = ?", (SOURCE,))
            baseline(conn)
        cursor = 0
        page = target.pull(cursor, device)
    if head - cursor > SNAPSHOT_AFTER:
        return _pull_snapshot(database, target, device, result)
    batch: list[Op] = []
    while True:
        batch += page["ops"]
        cursor = max(cursor, int(page["next"]))
        if len(batch) >= engine.APPLY_OPS or not page["more"]:
            if batch or cursor > _cursor(database):
                media += _apply(database, device, batch, cursor, result)
            batch = []
        if not page["more"]:
            return media
        page = target.pull(cursor, device)


def _pull_snapshot(
    database: ProfileDatabase, target: ServerTarget, device: str, result: engine.SyncResult
) -> list[Op]:
    items = target.snapshot(device)
    header = next(items)
    upto = int(header["upto"])
    media: list[Op] = []
    batch: list[Op] = []
    for op in items:
        batch.append(op)
        if len(batch) >= engine.APPLY_OPS:
            media += _apply(database, device, batch, 0, result)
            batch = []
    media += _apply(database, device, batch, upto, result)
    return media


def list_devices(database: ProfileDatabase) -> list[dict[str, Any]]:
    return open_server_target(database).devices()


def revoke_device(database: ProfileDatabase, device: str) -> None:
    try:
        open_server_target(database).revoke(device)
    except ServerError as error:
        if error.status == 404:
            raise UserError(f"This account has no device {device!r} to revoke.") from None
        raise
