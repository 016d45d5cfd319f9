"""`studydesk db ...`: check, backup, restore, upgrade."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import CommandTable, ask_password, chosen_profile, confirm
from app.errors import UserError
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    check = table.add("db", "check", db_check, "check the profile's database (read-only)")
    check.add_argument("--json", action="store_true", help="print JSON")
    table.add("db", "backup", db_backup, "make a verified backup now")
    restore = table.add("db", "restore", db_restore, "replace the data with a backup's")
    restore.add_argument("file", help="a backup file (a path, or a name in the backups folder)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    table.add("db", "upgrade", db_upgrade, "bring the database to this version's schema")


def db_check(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.db.check import check_database

    profile = chosen_profile(args, locations)
    if not profile.db_file.exists():
        raise UserError(f"The profile {profile.name!r} has no data file yet ({profile.db_file}).")
    report = check_database(profile.db_file)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(f"Profile:      {profile.name} ({report.path})")
        print(f"Integrity:    {'ok' if not report.integrity else '; '.join(report.integrity[:5])}")
        fk = "ok" if not report.foreign_keys else f"{len(report.foreign_keys)} broken references"
        print(f"References:   {fk}")
        later = "" if report.revision == report.head else " (upgraded when next opened)"
        print(f"Schema:       {report.revision} (newest {report.head}){later}")
        for name, count in report.tables.items():
            print(f"  {name:<28} {count:>10}")
    if report.integrity or report.foreign_keys:
        print("studydesk: the database has problems; restore a backup.", file=sys.stderr)
        return 1
    return 0


def db_backup(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.db.backup import backup_file, rotate_backups
    from app.db.inspect import inspect_profile_file

    profile = chosen_profile(args, locations)
    inspect_profile_file(profile.db_file)
    info = backup_file(profile.db_file, profile.backups_dir, "manual")
    rotate_backups(profile.backups_dir)
    print(f"Backed up to {info.path} ({info.size:,} bytes, verified).")
    return 0


def db_restore(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profile_lock import ProfileLock
    from app.core.profiles import unlock
    from app.db.backup import restore_backup

    profile = chosen_profile(args, locations)
    if profile.locked:
        unlock(profile, ask_password(f"Password of {profile.name!r}: "))
    backup = Path(args.file)
    if not backup.exists() and (profile.backups_dir / args.file).exists():
        backup = profile.backups_dir / args.file
    if not backup.is_file():
        raise UserError(f"There is no backup file {args.file!r}.")
    confirm(f"Replace the data of {profile.name!r} with {backup.name}?", profile.name, args.yes)
    with ProfileLock(profile):
        safety = restore_backup(profile.db_file, backup, profile.backups_dir)
    print(f"Restored {backup.name}. The data from before is saved in {safety.path}.")
    return 0


def db_upgrade(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profile_lock import ProfileLock
    from app.db.database import ProfileDatabase

    profile = chosen_profile(args, locations)
    if not profile.db_file.exists():
        raise UserError(f"The profile {profile.name!r} has no data file yet ({profile.db_file}).")
    with ProfileLock(profile):
        database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
        database.close()
    done = database.last_upgrade
    if done is None:
        print(f"{profile.name!r} is already up to date.")
    else:
        print(f"Upgraded {profile.name!r} from {done.from_revision} to {done.to_revision}.")
        if done.backup:
            print(f"The file from before is saved in {done.backup}.")
    return 0
