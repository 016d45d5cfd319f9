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


class ProfileDamaged(ProfileFileRefused):
    """SQLite found damage in a profile file (a page overwritten, the file cut short).

    Raised when such a file cannot be opened at all, and by every write to one that was opened
    read-only; `problems` are SQLite's own findings. Nothing is ever written into the file: the
    way out is a repair (`app.db.repair`) or a restore.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class FolderNotWritable(UserError):
    """A folder Study Desk must write in cannot be written (read-only disk, permissions).

    Reading still works; every write says which folder and why, in one sentence.
    """

    def __init__(self, folder: object, reason: str) -> None:
        super().__init__(
            f"Study Desk cannot write in {folder}: {reason}. Reading works; to change anything, "
            "make it writable (or copy the data folder somewhere writable and start Study Desk "
            "with --data-dir)."
        )
        self.folder = folder


class Cancelled(Exception):
    """Long work was cancelled by the learner; whatever it was writing was rolled back."""
