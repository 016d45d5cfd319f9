"""Where first launch looks for data of the older apps.

In order: the data dir's `legacy/` folder and every folder named in `STUDYDESK_LEGACY_DIRS`
(all `.json` files there; the content decides what they are), then the places the older apps
kept their files (only their known file names, so unrelated JSON is never picked up).
"""

from __future__ import annotations

import os
from pathlib import Path

from app.paths import DataLocations

LEGACY_DIRS_ENV = "STUDYDESK_LEGACY_DIRS"

# TechTree ran from its project folder (backend/) and wrote these two TinyDB files beside it;
# MS2 QBank kept its JSON under data/.
KNOWN_NAMES = (
    "techtree_db.json",
    "syllabus_db.json",
    "ms2_sample_questions.json",
    "questions.json",
    "ms2_notes.json",
    "ms2_articles.json",
)
USUAL_PLACES = (
    "TechTree",
    "techtree",
    "TechTree/backend",
    "techtree/backend",
    ".techtree",
    "Documents/TechTree",
    "ms2-qbank/data",
    "MS2 QBank/data",
    "Documents/MS2 QBank",
)


def usual_places(home: Path | None = None) -> list[Path]:
    home = home or Path.home()
    return [home / place for place in USUAL_PLACES]


def find_legacy_files(locations: DataLocations, home: Path | None = None) -> list[Path]:
    """Every legacy file found, each once, in a stable order."""
    found: dict[Path, None] = {}
    chosen = [locations.legacy_dir]
    for entry in os.environ.get(LEGACY_DIRS_ENV, "").split(os.pathsep):
        if entry.strip():
            chosen.append(Path(entry.strip()).expanduser())
    for folder in chosen:
        if folder.is_file() and folder.suffix.lower() == ".json":
            found[folder.resolve()] = None
        elif folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                if path.is_file():
                    found[path.resolve()] = None
    for folder in usual_places(home):
        for name in KNOWN_NAMES:
            path = folder / name
            if path.is_file():
                found[path.resolve()] = None
    return list(found)
