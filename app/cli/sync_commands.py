"""`studydesk sync [--json]`, `sync status [--json]`, `sync setup --folder PATH
[--passphrase-env NAME] [--merge]`: the same sync engine the window runs (app.sync.engine).

Setting up on an empty data folder makes the profile and brings the learner's data down at
the first sync; a folder holding another profile's data is refused, nothing changed.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from app.cli import serve_sync_commands
from app.cli.common import CommandTable, opened_profile
from app.errors import UserError
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    command = table.add_single(
        "sync", run_sync, "sync this profile with its folder; setup, status (see sync -h)"
    )
    command.add_argument("--json", action="store_true", help="print what was done as JSON")
    actions = command.add_subparsers(dest="sync_action", metavar="ACTION", required=False)
    setup = actions.add_parser("setup", help="sync this profile through a folder")
    setup.add_argument("--folder", metavar="PATH", help="the shared folder")
    serve_sync_commands.add_server_setup_options(setup)
    setup.add_argument(
        "--passphrase-env",
        metavar="NAME",
        help="encrypt the folder with the passphrase in environment variable NAME",
    )
    setup.add_argument(
        "--merge",
        action="store_true",
        help="this profile has data and the folder another profile's: keep the union of both",
    )
    setup.add_argument("--json", action="store_true", help="print the result as JSON")
    state = actions.add_parser("status", help="target, device id, last sync, pending changes")
    state.add_argument("--json", action="store_true", help="print the status as JSON")
    serve_sync_commands.add_devices_action(actions)


def _passphrase(name: str | None) -> str | None:
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise UserError(f"The passphrase environment variable {name} is not set.")
    return value


def run_sync(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.sync import engine

    action = getattr(args, "sync_action", None)
    with opened_profile(args, locations) as opened:
        database, media = opened.database, opened.profile.media_dir
        if action == "status":
            info = engine.status(database)
            if args.json:
                print(json.dumps(info.as_json(), indent=2))
            else:
                where = "not set up"
                if info.target:
                    where = info.target.get("path") or info.target.get("url") or "?"
                print(f"Target: {where}")
                print(f"Device: {info.device_id or '-'}")
                print(f"Last sync: {info.last_sync or 'never'}")
                print(f"Changes not pushed yet: {info.pending_operations}")
                if info.waiting_operations:
                    print(f"Received, waiting to apply: {info.waiting_operations}")
            return 0
        if action == "devices":
            return serve_sync_commands.run_devices(args, database)
        if action == "setup" and args.server:
            dataset = serve_sync_commands.setup_server(args, database)
            result = engine.sync(database, media)
        elif action == "setup":
            if not args.folder:
                raise UserError("sync setup needs --folder PATH or --server URL --user NAME.")
            passphrase = _passphrase(args.passphrase_env)
            dataset = engine.setup_folder(
                database,
                Path(args.folder),
                passphrase=passphrase,
                passphrase_env=args.passphrase_env,
                merge=args.merge,
            )
            result = engine.sync(database, media, passphrase=passphrase)
        else:
            dataset = None
            result = engine.sync(database, media)
    if args.json:
        print(json.dumps({**result.as_json(), "dataset": dataset}, indent=2))
    else:
        if dataset:
            print(f"Set up: this profile syncs through {args.folder or args.server}.")
        print(
            f"Pushed {result.pushed}, pulled {result.pulled} ({result.applied} applied), "
            f"{result.merged_versions} note versions merged, blobs {result.blobs_sent} sent / "
            f"{result.blobs_received} received, in {result.seconds:.2f} s."
        )
        for line in result.skipped:
            print(f"Left for later: {line}")
    return 0
