"""`studydesk serve-sync [--host H] [--port P] [--database URL] [--workers N]`: the sync server
(app.sync_server); `serve-sync user add|list|disable|enable|passwd NAME`: its accounts.

And the client side of a server target, which `sync_commands` wires in: `sync setup --server
URL --user NAME [--insecure-http]` and `sync devices [--revoke ID]`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli.common import CommandTable, ask_password
from app.errors import UserError
from app.paths import DataLocations


def register(table: CommandTable) -> None:
    command = table.add_single(
        "serve-sync", run_serve, "run the sync server; manage its users (see serve-sync -h)"
    )
    _database_option(command, argparse.SUPPRESS, top=True)
    command.add_argument("--host", default="127.0.0.1", help="address to listen on")
    command.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    command.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="server processes (default: one per two cores on PostgreSQL, one on SQLite)",
    )
    actions = command.add_subparsers(dest="serve_action", metavar="ACTION", required=False)
    user = actions.add_parser("user", help="add, list, disable, enable or change a user")
    what = user.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    for name, helptext in (
        ("add", "add a user (password from the terminal or STUDYDESK_PASSWORD)"),
        ("disable", "refuse this user's devices from now on"),
        ("enable", "let a disabled user sync again"),
        ("passwd", "set a user's password"),
    ):
        parser = what.add_parser(name, help=helptext)
        parser.add_argument("name", help="the user name")
        _database_option(parser, argparse.SUPPRESS)
    listing = what.add_parser("list", help="list the users")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    _database_option(listing, argparse.SUPPRESS)


def _database_option(parser: argparse.ArgumentParser, default: Any, *, top: bool = False) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        default=None if top else default,
        help="sqlite:///PATH or postgresql://USER@HOST/DB (default: SQLite in the data folder, "
        "or $STUDYDESK_SYNC_DATABASE)",
    )


def run_serve(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.sync_server import admin

    url = admin.database_url(args.database, locations.root)
    if getattr(args, "serve_action", None) != "user":
        admin.serve(url, args.host, args.port, args.workers)
        return 0
    store = admin.open_store(url)
    try:
        action = args.user_action
        if action == "list":
            users = admin.list_users(store)
            if args.json:
                print(json.dumps(users, indent=2))
            for user in [] if args.json else users:
                state = "disabled" if user["disabled"] else "active"
                print(
                    f"{user['name']}\t{state}\t{user['devices']} devices\t{user['head']} operations"
                )
            if not users and not args.json:
                print("No users yet: studydesk serve-sync user add NAME")
        elif action == "add":
            admin.add_user(store, args.name, ask_password("Password: ", confirm=True))
            print(f"Added user {args.name!r}.")
        elif action == "passwd":
            admin.set_password(store, args.name, ask_password("New password: ", confirm=True))
            print(f"Password of {args.name!r} changed.")
        else:
            admin.set_disabled(store, args.name, action == "disable")
            print(f"User {args.name!r} {action}d.")
    finally:
        store.close()
    return 0


# The client side: `sync setup --server`, `sync devices`
def add_server_setup_options(setup: argparse.ArgumentParser) -> None:
    setup.add_argument("--server", metavar="URL", help="the sync server (https://...)")
    setup.add_argument("--user", metavar="NAME", help="your user name on the server")
    setup.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain http:// to a server that is not this computer",
    )


def add_devices_action(actions: Any) -> None:
    devices = actions.add_parser("devices", help="list this account's devices; --revoke ID")
    devices.add_argument("--revoke", metavar="ID", help="revoke that device's sign-in")
    devices.add_argument("--json", action="store_true", help="print them as JSON")


def setup_server(args: argparse.Namespace, database: Any) -> str:
    """`sync setup --server URL --user NAME`: sign in (the password asked, never stored) and
    point this profile at the account; returns the dataset id."""
    from app.sync import server_setup

    if not args.user:
        raise UserError("sync setup --server needs --user NAME.")
    password = ask_password(f"Password of {args.user} on {args.server}: ")
    return server_setup.setup_server(
        database,
        args.server,
        args.user,
        password,
        insecure_http=args.insecure_http,
        merge=args.merge,
    )


def run_devices(args: argparse.Namespace, database: Any) -> int:
    from app.sync import server_setup

    if args.revoke:
        server_setup.revoke_device(database, args.revoke)
        print(f"Revoked device {args.revoke}: it can no longer sync until signed in again.")
        return 0
    found = server_setup.list_devices(database)
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    for device in found:
        mark = " (this one)" if device.get("this") else ""
        state = "revoked" if device.get("revoked_at") else "active"
        print(f"{device['id']}\t{state}\t{device['name']}{mark}")
    return 0
