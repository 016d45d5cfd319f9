"""Restoring a backup into the profile that is open right now (the GUI's File > Restore).

`restore_backup` needs the file closed and the lock held; an `OpenProfile` holds the lock, so this
closes only its database, restores, and reopens it (upgrading a backup from an older version).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.changes import Change
from app.core.opening import OpenProfile
from app.db.backup import BackupInfo, restore_backup
from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class RestoreResult:
    backup: Path
    safety: BackupInfo  # what the profile held just before the restore
    changes: Change = Change.EVERYTHING


def restore_open_profile(opened: OpenProfile, backup: Path) -> RestoreResult:
    """Replace the open profile's data with `backup`'s, keeping the lock.

    Run it where writes are serialised: no session may be open meanwhile. Raises UserError for a
    damaged or newer backup (the profile is then reopened unchanged) or ProfileFileRefused if the
    restored file cannot be upgraded.
    """
    old = opened.database
    old.close()
    try:
        safety = restore_backup(old.db_file, backup, old.backups_dir)
    finally:
        opened.database = ProfileDatabase.open(old.db_file, old.backups_dir)
    opened.last_backup_at = safety.taken_at
    return RestoreResult(backup, safety)
