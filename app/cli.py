"""Headless commands over the same core functions the GUI uses.

Exit codes: 0 done, 1 a clear problem (one line on stderr), 2 usage, 70 a bug (logged).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.errors import UserError
from app.paths import DataLocations, data_locations

log = logging.getLogger(__name__)
PASSWORD_ENV = "STUDYDESK_PASSWORD"

Command = Callable[[argparse.Namespace, DataLocations], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studydesk",
        description="Study Desk: an offline study app. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Study Desk {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="use DIR instead of the usual data folder"
    )
    parser.add_argument("--profile", metavar="NAME", help="the profile to open or work on")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the window as a normal launch would, wait for the first paint, exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    profile = commands.add_parser("profile", help="list, create, rename or delete profiles")
    profile_cmds = profile.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = profile_cmds.add_parser("list", help="list the profiles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    create = profile_cmds.add_parser("create", help="create a profile")
    create.add_argument("name")
    create.add_argument("--password", action="store_true", help="ask for a password to lock it")
    rename = profile_cmds.add_parser("rename", help="rename a profile")
    rename.add_argument("old")
    rename.add_argument("new")
    delete = profile_cmds.add_parser("delete", help="move a profile to the trash folder")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    db = commands.add_parser("db", help="check, back up, restore or upgrade a profile's data")
    db_cmds = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = db_cmds.add_parser("check", help="check the profile's database (read-only)")
    check.add_argument("--json", action="store_true", help="print JSON")
    db_cmds.add_parser("backup", help="make a verified backup now")
    restore = db_cmds.add_parser("restore", help="replace the data with a backup's")
    restore.add_argument("file", help="a backup file (a path, or a name in the backups folder)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    db_cmds.add_parser("upgrade", help="bring the database to this version's schema")

    imports = commands.add_parser("import", help="bring in data from files")
    import_cmds = imports.add_subparsers(dest="action", metavar="KIND", required=True)
    tinydb = import_cmds.add_parser(
        "tinydb", help="TechTree TinyDB files and MS2 QBank JSON (detected from their content)"
    )
    questions = import_cmds.add_parser("questions", help="MS2 QBank question JSON arrays")
    for sub in (tinydb, questions):
        sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        sub.add_argument("--dry-run", action="store_true", help="report what would come in")
        sub.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    locations = data_locations(args.data_dir)
    if args.command is None:
        from app.main import run_gui

        return run_gui(locations, profile_name=args.profile, smoke=args.smoke)
    from app.logs import setup_logging

    log_path = setup_logging(locations)
    handler = COMMANDS[(args.command, args.action)]
    try:
        return handler(args, locations)
    except UserError as error:
        print(f"studydesk: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("studydesk: interrupted; nothing was left half done.", file=sys.stderr)
        return 1
    except Exception as error:
        log.exception("command %s %s failed", args.command, args.action)
        where = f" Details are in {log_path}." if log_path else ""
        print(
            f"studydesk: unexpected error ({type(error).__name__}: {error}).{where}",
            file=sys.stderr,
        )
        return 70


def ask_password(prompt: str, *, confirm: bool = False) -> str:
    """From the terminal (twice to confirm a new one), else $STUDYDESK_PASSWORD, else stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != first:
            raise UserError("The two passwords were not the same; nothing was changed.")
        return first
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UserError(f"A password is needed: type it, or set {PASSWORD_ENV}.")
    return line.rstrip("\n")


def confirm(question: str, expected: str, yes: bool) -> None:
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise UserError("This needs confirmation: run it again with --yes.")
    answer = input(f"{question} Type {expected!r} to confirm: ")
    if answer.strip() != expected:
        raise UserError("Not confirmed; nothing was changed.")


def chosen_profile(args: argparse.Namespace, locations: DataLocations):  # type: ignore[no-untyped-def]
    from app.core.profiles import find_profile, list_profiles

    if args.profile:
        return find_profile(locations, args.profile)
    profiles = list_profiles(locations)
    if len(profiles) == 1:
        return profiles[0]
    if not profiles:
        raise UserError(f"There are no profiles in {locations.root} yet.")
    names = ", ".join(repr(p.name) for p in profiles)
    raise UserError(f"There are several profiles ({names}); choose one with --profile NAME.")


def profile_list(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profiles import list_profiles

    profiles = list_profiles(locations)
    if args.json:
        rows = [
            {"id": p.id, "name": p.name, "locked": p.locked, "folder": str(p.folder)}
            for p in profiles
        ]
        print(json.dumps(rows, indent=2))
    elif not profiles:
        print(f"No profiles yet in {locations.root}.")
    for p in profiles if not args.json else []:
        print(f"{p.name}{'  (locked)' if p.locked else ''}")
    return 0


def profile_create(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.opening import open_profile
    from app.core.profiles import create_profile

    password = (
        ask_password("Password for the new profile: ", confirm=True) if args.password else None
    )
    if args.password and not password:
        raise UserError("An empty password cannot lock a profile; nothing was created.")
    profile = create_profile(locations, args.name, password=password)
    open_profile(locations, profile, password=password).close()  # makes and migrates its file
    print(f"Created the profile {profile.name!r} in {profile.folder}.")
    return 0


def profile_rename(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profiles import rename_profile

    profile = rename_profile(locations, args.old, args.new)
    print(f"Renamed to {profile.name!r}.")
    return 0


def profile_delete(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profile_lock import ProfileLock
    from app.core.profiles import find_profile, move_to_trash

    profile = find_profile(locations, args.name)
    confirm(f"Move the profile {profile.name!r} to the trash folder?", profile.name, args.yes)
    with ProfileLock(profile):
        target = move_to_trash(locations, profile)
    print(f"Moved {profile.name!r} to {target}. Nothing was erased; move it back to restore it.")
    return 0


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


def default_profile(args: argparse.Namespace, locations: DataLocations):  # type: ignore[no-untyped-def]
    """--profile, else the only profile, else the first one made (the first-launch profile)."""
    from app.core.opening import ensure_first_profile
    from app.core.profiles import find_profile, list_profiles

    if args.profile:
        return find_profile(locations, args.profile)
    made = ensure_first_profile(locations)
    if made is not None:
        return made
    return min(list_profiles(locations), key=lambda p: p.created_at)


def import_legacy_files(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.legacy_import import import_legacy
    from app.importers.report_text import report_lines

    report = import_legacy(
        locations,
        list(args.paths),
        default_profile=default_profile(args, locations),
        dry_run=args.dry_run,
        questions_only=args.action == "questions",
    )
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(report, unreadable=False):
            print(line)
    for _path, reason in report.unreadable:
        print(f"studydesk: {reason}", file=sys.stderr)
    return 0 if report.complete else 1


COMMANDS: dict[tuple[str, str], Command] = {
    ("profile", "list"): profile_list,
    ("profile", "create"): profile_create,
    ("profile", "rename"): profile_rename,
    ("profile", "delete"): profile_delete,
    ("db", "check"): db_check,
    ("db", "backup"): db_backup,
    ("db", "restore"): db_restore,
    ("db", "upgrade"): db_upgrade,
    ("import", "tinydb"): import_legacy_files,
    ("import", "questions"): import_legacy_files,
}
