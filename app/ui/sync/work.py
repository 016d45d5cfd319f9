"""What the window's sync runs on the task runner's threads: the engine's functions (app.sync)
with what the window needs to know of the outcome. Imported only once the window has painted.

A target that cannot be reached (a folder not there, a server that does not answer) is an
outcome, not an error: the status bar says it quietly and the next round tries again. A
passphrase this session does not know yet is one too. Everything else the engine refuses (a
wrong passphrase, a revoked token, another profile's data) is a UserError, said once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.changes import Change
from app.core.opening import OpenProfile
from app.sync import engine
from app.sync.engine import SyncResult, SyncStatus
from app.sync.folder import FolderTarget

CLOSE_TIMEOUT_S = 5.0  # a server's answer waited for at close, at most


@dataclass(frozen=True)
class SyncOutcome:
    """`state`: "synced", "unreachable", "passphrase" (needed and not known this session) or
    "off"; `changes`: what the views refresh (the kinds of data the merges changed)."""

    state: str
    status: SyncStatus
    result: SyncResult | None = None
    changes: Change = Change.NONE


def read_status(opened: OpenProfile) -> SyncStatus:
    return engine.status(opened.database)


def _folder_state(target: dict[str, Any], passphrase: str | None) -> str | None:
    path = Path(str(target.get("path", "")))
    if not path.is_dir():
        return "unreachable"
    meta = FolderTarget.read_meta(path)
    if meta is None:
        return "unreachable"  # the folder's own sync has not brought its description yet
    if meta.get("encryption") is not None and not passphrase and not target.get("passphrase_env"):
        return "passphrase"
    return None


def run_sync(opened: OpenProfile, passphrase: str | None, *, closing: bool = False) -> SyncOutcome:
    """One sync of the open profile, if it has a target."""
    database = opened.database
    info = engine.status(database)
    if not info.enabled or info.target is None:
        return SyncOutcome("off", info)
    kind = info.target.get("kind")
    if kind == "folder":
        state = _folder_state(info.target, passphrase)
        if state is not None:
            return SyncOutcome(state, info)
        result = engine.sync(database, opened.profile.media_dir, passphrase=passphrase)
    else:
        from app.sync.server_setup import open_server_target
        from app.sync.server_sync import sync_with_server
        from app.sync.server_target import Unreachable

        options: dict[str, Any] = {"retries": 0, "timeout_s": CLOSE_TIMEOUT_S} if closing else {}
        try:
            target = open_server_target(database, **options)
            result = sync_with_server(database, opened.profile.media_dir, target=target)
        except Unreachable:
            return SyncOutcome("unreachable", engine.status(database))
    return SyncOutcome("synced", engine.status(database), result, result.changes)


def setup_folder(
    opened: OpenProfile, folder: Path, passphrase: str | None, merge: bool
) -> SyncOutcome:
    """Point the profile at `folder` and sync at once (the learner's data comes down now when
    this profile is new)."""
    engine.setup_folder(opened.database, folder, passphrase=passphrase or None, merge=merge)
    return run_sync(opened, passphrase or None)


def setup_server(
    opened: OpenProfile,
    url: str,
    user: str,
    password: str,
    merge: bool,
    *,
    insecure_http: bool = False,
) -> SyncOutcome:
    """Sign in (the server keeps a token for this device; the password is not kept) and sync.
    `insecure_http`: plain http:// to a server that is not this computer is allowed (the
    learner ticked it in Sync Settings, as `--insecure-http` on the command line)."""
    from app.sync.server_setup import setup_server as sign_in

    sign_in(opened.database, url, user, password, insecure_http=insecure_http, merge=merge)
    return run_sync(opened, None)


@dataclass(frozen=True)
class Device:
    """One computer signed in to the account, as the server lists it. `id`: the server's id of
    its sign-in (what is revoked, as `studydesk sync devices --revoke ID`); `device_id`: the
    profile's device id on that computer (its Sync Settings' "This device"), when the server
    knows it; `last_seen`: ISO time; `this`: the computer asking."""

    id: str
    name: str
    last_seen: str | None
    this: bool
    revoked: bool
    device_id: str = ""

    @property
    def short_id(self) -> str:
        """What tells the computers apart: the start of the id its Sync Settings shows."""
        return (self.device_id or self.id)[:8]


@dataclass(frozen=True)
class DeviceList:
    """The account's devices, or `unreachable` (the server does not answer: a quiet note)."""

    devices: tuple[Device, ...] = ()
    unreachable: bool = False


def _iso_ms(value: object) -> str | None:
    if not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value / 1000, UTC).isoformat(timespec="seconds")


def _known(device_id: object) -> str:
    """A device id, or "" for none (a computer signs in with "new" before its first sync)."""
    text = str(device_id or "")
    return "" if text == "new" else text


def list_devices(opened: OpenProfile) -> DeviceList:
    """The devices of the account this profile syncs with (a read: nothing is written)."""
    from app.sync import server_setup
    from app.sync.server_target import Unreachable

    try:
        found = server_setup.list_devices(opened.database)
    except Unreachable:
        return DeviceList(unreachable=True)
    return DeviceList(
        tuple(
            Device(
                id=str(row.get("id", "")),
                name=str(row.get("name") or "a computer"),
                last_seen=_iso_ms(row.get("last_seen")),
                this=bool(row.get("this")),
                revoked=bool(row.get("revoked_at")),
                device_id=_known(row.get("device_id")),
            )
            for row in found
        )
    )


def revoke_device(opened: OpenProfile, device: Device) -> Device:
    """Revoke another computer's sign-in. This computer's own is refused: its sync would stop
    here with no way back but signing in again (Sync Settings turns sync off instead)."""
    from app.errors import UserError
    from app.sync import server_setup

    if device.this:
        raise UserError(
            "This is the computer you are using: Study Desk does not revoke its own sign-in. "
            "To stop syncing here, choose Off and Turn Sync Off."
        )
    server_setup.revoke_device(opened.database, device.id)
    return device


def bring_profile(
    opened: OpenProfile,
    folder: Path | None,
    passphrase: str | None,
    server: tuple[str, str, str] | None,
    *,
    insecure_http: bool = False,
) -> SyncOutcome:
    """The first launch's "I already use Study Desk": the new profile's sample content goes,
    then the learner's profile comes down into it. The profile was made moments ago for this,
    so it adopts the learner's: nothing of its own (default settings, the removed samples) is
    sent, and the learner's settings and content win on every device."""
    from app.core.sample_actions import remove_sample_content

    remove_sample_content(opened.database)
    if server is not None:
        from app.sync.server_setup import setup_server as sign_in

        sign_in(opened.database, *server, insecure_http=insecure_http, adopt=True)
        return run_sync(opened, None)
    assert folder is not None
    engine.setup_folder(opened.database, folder, passphrase=passphrase or None, adopt=True)
    return run_sync(opened, passphrase or None)


def turn_off(opened: OpenProfile) -> SyncStatus:
    engine.disable(opened.database)
    return engine.status(opened.database)
