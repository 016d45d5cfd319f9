"""Headless commands over the same core functions the GUI uses.

Each feature keeps its commands in its own module here and declares it in `app.features`.
Exit codes: 0 done, 1 a clear problem (one line on stderr), 2 usage, 70 a bug (logged).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.cli.common import CommandTable
from app.errors import UserError
from app.features import FEATURES, install_samples
from app.file_types import is_file_argument
from app.paths import data_locations

log = logging.getLogger(__name__)


def _options_parser(*, window_only: bool = False) -> argparse.ArgumentParser:
    """The options that come before any command (and all there is to a GUI launch)."""
    parser = argparse.ArgumentParser(
        prog="studydesk",
        description="Study Desk: an offline study app. Without a command, opens the window "
        "(and imports the files given: studydesk [OPTIONS] FILE..., .apkg, .csv, .sdcourse, "
        ".sdqbank).",
        add_help=not window_only,
        exit_on_error=not window_only,
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
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that Study Desk works on this computer, in a temporary profile (never "
        "yours); --self-test --json prints JSON; exit 1 names what is missing",
    )
    return parser


def build_parser() -> tuple[argparse.ArgumentParser, CommandTable]:
    parser = _options_parser()
    table = CommandTable(parser.add_subparsers(dest="command", metavar="COMMAND"))
    for feature in FEATURES:
        for name in feature.cli_modules:
            importlib.import_module(name).register(table)
    return parser, table


def _window_launch(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options of a launch without a command, read without loading every feature's command
    modules (the window's start-up does not need them), and the files to open (`args.files`,
    absolute); None for anything else (a command, `-h`, a mistake: the whole parser then
    answers as usual)."""
    try:
        args, rest = _options_parser(window_only=True).parse_known_args(list(argv))
    except argparse.ArgumentError:
        return None
    if not all(is_file_argument(word) for word in rest):
        return None
    args.files = [Path(word).expanduser().absolute() for word in rest]
    return args


def run(argv: Sequence[str]) -> int:
    if list(argv[:1]) == ["--self-test"] or list(argv[:2]) == ["--json", "--self-test"]:
        gc.enable()
        from app.self_test import main as self_test

        return self_test([arg for arg in argv if arg != "--self-test"])
    args = _window_launch(argv)
    table = None
    if args is None:
        gc.enable()  # paused by app.__main__ for the window's start-up only
        parser, table = build_parser()
        args = parser.parse_args(list(argv))
    install_samples()  # before any profile is created, by the window or a command
    locations = data_locations(args.data_dir)
    if table is None or args.command is None:
        from app.main import run_gui

        return run_gui(
            locations,
            profile_name=args.profile,
            smoke=args.smoke,
            files=getattr(args, "files", ()),
        )
    from app.logs import setup_logging

    log_path = setup_logging(locations)
    handler = table.handlers[(args.command, args.action)]
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
