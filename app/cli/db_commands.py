"""`studydesk db ...`: check, backup, restore, repair, upgrade."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import CommandTable, chosen_profile, confirm, password_for
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    check = table.add("db", "check", db_check, "check the profile's database (read-only)")
    check.add_argument("--json", action="store_true", help="print JSON")
    table.add("db", "backup", db_backup, "make a verified backup now")
    restore = table.add("db", "restore", db_restore, "replace the data with a backup's")
    restore.add_argument("file", help="a backup file (a path, or a name in the backups folder)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    table.add("db", "repair", db_repair, "rebuild a damaged profile from what can be read")
    table.add("db", "upgrade", db_upgrade, "bring the database to this version's schema")


def db_check(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.opening import check_profile

    profile = chosen_profile(args, locations)
    report = check_profile(profile, password=password_for(profile))
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
        print(f"studydesk: {report.advice}", file=sys.stderr)
        return 1
    return 0


def db_backup(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.restoring import back_up_profile

    profile = chosen_profile(args, locations)
    info = back_up_profile(profile, password=password_for(profile))
    print(f"Backed up to {info.path} ({info.size:,} bytes, verified).")
    return 0


def db_restore(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profiles import unlock
    from app.core.restoring import find_backup, restore_profile

    profile = chosen_profile(args, locations)
    password = password_for(profile)
    unlock(profile, password)  # before the backup is looked at or confirmation asked
    backup = find_backup(profile, args.file)
    confirm(f"Replace the data of {profile.name!r} with {backup.name}?", profile.name, args.yes)
    restored = restore_profile(profile, backup, password=password)
    print(f"Restored {backup.name}. The data from before is saved in {restored.safety.path}.")
    if restored.media_text:
        print(restored.media_text)
    return 0


def db_repair(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.restoring import repair_closed_profile

    profile = chosen_profile(args, locations)
    password = password_for(profile)
    print(f"Checking {profile.name!r} and repairing it if need be; a big profile takes a while…")
    outcome = repair_closed_profile(profile, password=password)
    print(outcome.text)
    return 0


def db_upgrade(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.opening import upgrade_profile

    profile = chosen_profile(args, locations)
    done = upgrade_profile(profile, password=password_for(profile))
    if done is None:
        print(f"{profile.name!r} is already up to date.")
    else:
        print(f"Upgraded {profile.name!r} from {done.from_revision} to {done.to_revision}.")
        if done.backup:
            print(f"The file from before is saved in {done.backup}.")
    return 0
