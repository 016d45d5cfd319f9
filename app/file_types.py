"""The files Study Desk opens when it is given them: `studydesk deck.apkg`, a double-click in the
file manager (the desktop entry's %F, the Windows and macOS file associations), a second launch
handing them to the open window. Qt-free: the command line reads it before any window exists.
"""

from __future__ import annotations

from pathlib import Path

# Suffix -> what it is, in the learner's words; app/ui/open_files.py imports each kind through
# the same action and dialogs as its File menu entry.
OPENABLE: dict[str, str] = {
    ".apkg": "an Anki package",
    ".csv": "a card file",
    ".tsv": "a card file",
    ".txt": "a card file",
    ".sdcourse": "a course pack",
    ".sdqbank": "a question pack",
}


def is_file_argument(argument: str) -> bool:
    """Whether a word on the command line names a file to open rather than a command: one of
    the suffixes above, or an existing file with a suffix (command names have none)."""
    if not argument or argument.startswith("-"):
        return False
    path = Path(argument).expanduser()
    return path.suffix.lower() in OPENABLE or (bool(path.suffix) and path.is_file())


def openable_text() -> str:
    return (
        "Study Desk opens Anki packages (.apkg), card files (.csv, .tsv, .txt), course packs "
        "(.sdcourse) and question packs (.sdqbank)."
    )
