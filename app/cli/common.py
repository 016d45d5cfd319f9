"""What the command modules share: the command table, profile choice, passwords, confirmation,
and `opened_profile`, the one way a command opens a profile.

A command that reads or changes a locked profile asks for its password (`password_for`: from the
terminal, else $STUDYDESK_PASSWORD) and hands it to the core function, whose one check
(`app.core.profiles.unlock`) refuses a missing or wrong one before anything is read or written.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.errors import UserError, WrongPassword
from app.paths import DataLocations

if TYPE_CHECKING:  # the profile and database modules load only when a command runs
    from app.core.opening import OpenProfile
    from app.core.profiles import Profile

PASSWORD_ENV = "STUDYDESK_PASSWORD"

Command = Callable[[argparse.Namespace, DataLocations], int]

GROUP_HELP = {
    "profile": "list, create, rename or delete profiles",
    "db": "check, back up, restore or upgrade a profile's data",
    "import": "bring in data from files",
    "export": "write data out to files",
    "deck": "work on a flashcard deck (optimise its FSRS parameters)",
    "videos": "add videos, list them, bookmark a moment, record watching, relink moved files",
    "notes": "add a markdown note, list the notes, find notes by their words, export them",
    "questions": "list the question bank's questions",
    "block": "create, answer, submit and list blocks of questions",
    "plan": "make a study plan to an exam date, show its days, list or delete plans",
}


class CommandTable:
    """Subcommands grouped as `studydesk GROUP ACTION`; each feature module adds its own."""

    def __init__(self, commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
        self._commands = commands
        self._groups: dict[str, argparse._SubParsersAction] = {}  # type: ignore[type-arg]
        self.handlers: dict[tuple[str, str], Command] = {}

    def add(self, group: str, action: str, handler: Command, help: str) -> argparse.ArgumentParser:
        if group not in self._groups:
            parser = self._commands.add_parser(group, help=GROUP_HELP[group])
            self._groups[group] = parser.add_subparsers(
                dest="action", metavar="ACTION", required=True
            )
        self.handlers[(group, action)] = handler
        command: argparse.ArgumentParser = self._groups[group].add_parser(action, help=help)
        return command

    def add_single(self, name: str, handler: Command, help: str) -> argparse.ArgumentParser:
        """A command without actions: `studydesk NAME ...` (`studydesk search QUERY`)."""
        self.handlers[(name, "")] = handler
        command: argparse.ArgumentParser = self._commands.add_parser(name, help=help)
        command.set_defaults(action="")
        return command


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


def password_for(profile: Profile) -> str | None:
    """The password of a locked profile as typed (None for a profile without one); the core
    function it is handed to checks it."""
    if not profile.locked:
        return None
    try:
        return ask_password(f"Password of {profile.name!r}: ")
    except UserError:  # nothing typed and nothing in the environment
        raise WrongPassword(
            f"The profile {profile.name!r} is locked: type its password, or set {PASSWORD_ENV}."
        ) from None


@contextmanager
def opened_profile(args: argparse.Namespace, locations: DataLocations) -> Iterator[OpenProfile]:
    """The profile a command works on (--profile, else the only or first one), opened as the
    window opens it (its password asked if it is locked, its lock held, its file upgraded) and
    closed after, backed up if the command changed it. A profile made by this command starts
    without the sample content."""
    from app.core.opening import open_profile

    profile = default_profile(args, locations)
    opened = open_profile(locations, profile, password=password_for(profile), samples=False)
    try:
        yield opened
    finally:
        opened.close()


def unlocked_profile(args: argparse.Namespace, locations: DataLocations) -> Profile:
    """`default_profile`, its password checked if it is locked (for an import that opens the
    profiles it writes itself)."""
    from app.core.profiles import unlock

    profile = default_profile(args, locations)
    return unlock(profile, password_for(profile))


def confirm(question: str, expected: str, yes: bool) -> None:
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise UserError("This needs confirmation: run it again with --yes.")
    answer = input(f"{question} Type {expected!r} to confirm: ")
    if answer.strip() != expected:
        raise UserError("Not confirmed; nothing was changed.")


def chosen_profile(args: argparse.Namespace, locations: DataLocations) -> Profile:
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


def default_profile(args: argparse.Namespace, locations: DataLocations) -> Profile:
    """--profile, else the only profile, else the first one made (the first-launch profile)."""
    from app.core.opening import ensure_first_profile
    from app.core.profiles import find_profile, list_profiles

    if args.profile:
        return find_profile(locations, args.profile)
    made = ensure_first_profile(locations)
    if made is not None:
        return made
    return min(list_profiles(locations), key=lambda p: p.created_at)
