"""The two kinds of failure Study Desk knows.

`UserError` is something the learner or their computer can fix (a bad file, a full disk, a wrong
password, a profile open elsewhere). Its message is one or two plain sentences that name the file
or setting and say what to do; the GUI shows it in a dialog and the CLI prints it and exits 1.
Anything else that escapes is a bug: it is logged with a traceback and shown with the log's path.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the learner can act on. `str(error)` is the message to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProfileInUse(UserError):
    """The profile is open in another Study Desk window or command."""


class WrongPassword(UserError):
    """The password given for a locked profile does not match."""


class ProfileFileRefused(UserError):
    """A profile database was refused (damaged, not SQLite, or from a newer Study Desk).

    The file is left exactly as it was.
    """


class Cancelled(Exception):
    """Long work was cancelled by the learner; whatever it was writing was rolled back."""
