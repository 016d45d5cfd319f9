"""Pointing a profile at a sync folder, and opening the folder it syncs with. A folder holding
another profile's data is refused before anything is touched (dataset mismatch)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from app.db.database import ProfileDatabase
from app.errors import UserError
from app.sync.capture import ENABLED, baseline, get_state, prepare, set_state
from app.sync.folder import FolderTarget
from app.sync.state import DATASET, TARGET, has_own_data, transaction, value


def setup_folder(
    database: ProfileDatabase,
    folder: Path,
    *,
    passphrase: str | None = None,
    passphrase_env: str | None = None,
    merge: bool = False,
    adopt: bool = False,
) -> str:
    """Point this profile at a sync folder (made if new); returns the dataset id. A folder
    holding another profile's data is refused (nothing changed) unless this profile has no data
    of its own (it then comes down at the first sync) or `merge` keeps the union of both.

    `adopt`: this profile was made moments ago on a new computer to receive the learner's
    (the first launch's "I already use Study Desk"): what it holds (defaults, removed samples)
    is not sent, so the learner's own settings and content win everywhere."""
    folder = folder.expanduser().resolve()
    meta = FolderTarget.read_meta(folder) if folder.is_dir() else None
    ours = value(database, DATASET)
    if meta is None:
        dataset = ours or str(uuid.uuid4())
        FolderTarget.create(folder, dataset, passphrase)
    else:
        FolderTarget.open(folder, passphrase)  # refuses a wrong passphrase
        dataset = str(meta["dataset"])
        if ours is not None and ours != dataset:
            raise UserError(
                f"The sync folder {folder} holds another profile's data (dataset {dataset}, "
                f"this profile's is {ours}). Nothing was changed: choose this profile's folder."
            )
        if ours is None and not merge and not adopt and has_own_data(database):
            raise UserError(
                f"The sync folder {folder} holds another profile's data, and this profile has "
                "its own. Nothing was changed. To keep the union of both, run it again with "
                "--merge; or set up this profile on an empty folder."
            )
    target = {"kind": "folder", "path": str(folder), "passphrase_env": passphrase_env}
    with transaction(database) as conn:
        first = get_state(conn, ENABLED) != "1"
        set_state(conn, DATASET, dataset)
        set_state(conn, TARGET, json.dumps(target))
        set_state(conn, ENABLED, "1")
        prepare(conn, database.db_file)
        if first and not (adopt and meta is not None):
            baseline(conn)
    return dataset


def open_folder(
    target: dict[str, Any], dataset: str | None, passphrase: str | None
) -> FolderTarget:
    """The folder of a profile's target (`sync_state` "target"), checked to hold its dataset."""
    if passphrase is None and target.get("passphrase_env"):
        passphrase = os.environ.get(str(target["passphrase_env"]))
    folder = FolderTarget.open(Path(target["path"]), passphrase)
    if folder.dataset != dataset:
        raise UserError(
            f"The sync folder {folder.root} now holds another profile's data (dataset "
            f"{folder.dataset}, this profile's is {dataset}). Nothing was changed."
        )
    return folder
