"""Where an export may write: the one rule every export follows (a deck as CSV or markdown, a
course as a pack).

An export never replaces what is there unless asked to: an existing file (or a folder that is
not empty, for the markdown export) is refused with a message naming it, unless `overwrite` is
given. The window's save dialog asks the learner before it passes `overwrite`; the command line
passes it for `--force`.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import UserError


def check_file_target(target: Path, overwrite: bool) -> None:
    """Refuse to write the file `target` if it exists and `overwrite` is off."""
    if target.is_dir():
        raise UserError(f"{target} is a folder; name the file to write.")
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise UserError(
            f"{target} already exists; nothing was written. Choose another name, or replace "
            "it (--force)."
        )


def check_folder_target(folder: Path, overwrite: bool) -> None:
    """Refuse to write into `folder` if it holds anything and `overwrite` is off."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder; choose a new or empty folder.")
    try:
        holds_something = folder.is_dir() and any(folder.iterdir())
    except OSError as error:
        raise UserError(f"Study Desk cannot look into {folder} ({error.strerror}).") from None
    if holds_something and not overwrite:
        raise UserError(
            f"{folder} is not empty; nothing was written. Choose a new or empty folder, or "
            "write into it anyway (--force: files of the same names are replaced)."
        )
