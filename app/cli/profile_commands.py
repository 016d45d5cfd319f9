"""`studydesk profile ...`: list, create, rename, delete."""

from __future__ import annotations

import argparse
import json

from app.cli.common import CommandTable, ask_password, confirm, password_for
from app.errors import UserError
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    listing = table.add("profile", "list", profile_list, "list the profiles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    create = table.add("profile", "create", profile_create, "create a profile")
    create.add_argument("name")
    create.add_argument("--password", action="store_true", help="ask for a password to lock it")
    rename = table.add("profile", "rename", profile_rename, "rename a profile")
    rename.add_argument("old")
    rename.add_argument("new")
    delete = table.add("profile", "delete", profile_delete, "move a profile to the trash folder")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")


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
    from app.core.profile_changes import rename
    from app.core.profiles import find_profile

    profile = find_profile(locations, args.old)
    renamed = rename(locations, profile, args.new, password=password_for(profile))
    print(f"Renamed to {renamed.name!r}.")
    return 0


def profile_delete(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.profile_changes import trash_profile
    from app.core.profiles import find_profile

    profile = find_profile(locations, args.name)
    password = password_for(profile)
    confirm(f"Move the profile {profile.name!r} to the trash folder?", profile.name, args.yes)
    target = trash_profile(locations, profile, password=password)
    print(f"Moved {profile.name!r} to {target}. Nothing was erased; move it back to restore it.")
    return 0
