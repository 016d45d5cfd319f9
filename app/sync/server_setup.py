"""Pointing a profile at an account on the sync server (`studydesk serve-sync`), and opening the
account's client: signing in keeps a device token in `sync_state`, never the password; the
account's devices listed and revoked. An account holding another profile's data is refused
before anything is touched (dataset mismatch), unless this profile has none or `merge` keeps
both. Syncing with the account is `server_sync`'s.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.db.database import ProfileDatabase
from app.errors import UserError
from app.sync import state
from app.sync.capture import DEVICE, ENABLED, baseline, get_state, prepare, set_state
from app.sync.server_target import ServerError, ServerTarget, device_name

TOKEN = "server_token"  # sync_state (device-local): this device's token, never the password
# sync_state (device-local): [device id, the server's head after its last push, the latest ms
# of the changes it pushed]: what it pushed is at or below that head, and its stamps at or
# below that ms. Absent: a profile an older version synced (not judged). Started here for a
# profile's first setup; kept by `server_sync.ServerAccount`'s pushes.
PUSHED = "server_pushed"


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
    ours = state.value(database, state.DATASET)
    device = state.value(database, DEVICE) or "new"
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
            and state.has_own_data(database)
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
    with state.transaction(database) as conn:
        first = get_state(conn, ENABLED) != "1"
        set_state(conn, state.DATASET, str(held))
        set_state(conn, state.TARGET, json.dumps(info))
        set_state(conn, TOKEN, str(target.token))
        set_state(conn, ENABLED, "1")
        made = prepare(conn, database.db_file)
        if first and made is not None:
            set_state(conn, PUSHED, json.dumps([made, 0, 0]))
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


def open_server_target(
    database: ProfileDatabase, *, settings: dict[str, str] | None = None, **options: Any
) -> ServerTarget:
    """The client of this profile's account; `settings`: its `sync_state` as just read
    (`state.settings`), not read again."""
    rows = state.settings(database) if settings is None else settings
    target = state.target_of(rows)
    if target is None or target.get("kind") != "server":
        raise UserError(
            "This profile does not sync with a server: `studydesk sync setup --server URL "
            "--user NAME` first."
        )
    return ServerTarget(
        str(target["url"]),
        rows.get(TOKEN),
        dataset=rows.get(state.DATASET),
        insecure_http=bool(target.get("insecure_http")),
        **options,
    )


# A list the learner waits for (Settings > Sync) tries twice, not five times over 7.5 s, and
# waits for an answer at most this long: a server that cannot be reached says so at once.
LIST_RETRIES = 1
LIST_TIMEOUT_S = 10.0


def list_devices(database: ProfileDatabase) -> list[dict[str, Any]]:
    target = open_server_target(database, retries=LIST_RETRIES, timeout_s=LIST_TIMEOUT_S)
    return target.devices()


def revoke_device(database: ProfileDatabase, device: str) -> None:
    try:
        open_server_target(database).revoke(device)
    except ServerError as error:
        if error.status == 404:
            raise UserError(f"This account has no device {device!r} to revoke.") from None
        raise
