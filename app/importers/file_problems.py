"""Why a file to import could not be read, in one sentence per fault that every importer (and so
the command line and the window) says alike: the file's path, what is wrong in plain words, what
to do, and that nothing was imported."""

from __future__ import annotations

from pathlib import Path

from app.errors import UserError


def not_read(path: Path, error: OSError) -> UserError:
    """The UserError to raise for `error`, met while opening or reading `path`."""
    if isinstance(error, FileNotFoundError):
        return UserError(
            f"{path} is not there (moved, renamed or deleted?). Find the file and import it "
            "from where it is now. Nothing was imported."
        )
    if isinstance(error, IsADirectoryError):
        return UserError(
            f"{path} is a folder, not a file. Open the folder and choose the file inside it. "
            "Nothing was imported."
        )
    if isinstance(error, PermissionError):
        return UserError(
            f"Study Desk is not allowed to read {path}. Give your account permission to read "
            "it, or copy it into your own folders, then import it again. Nothing was imported."
        )
    why = error.strerror or str(error) or type(error).__name__
    return UserError(
        f"Study Desk could not read {path} ({why}). If it is on a removable disk or a network "
        "folder, check that it is connected, then import it again. Nothing was imported."
    )
