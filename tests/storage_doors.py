"""Helpers for the tests of issue 12's storage work at every door (command line, window): a
profile damaged the way disks damage one, a folder that cannot be written, and the rows a file
holds, read from the outside."""

from __future__ import annotations

import json
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

from app.core.opening import open_profile
from app.core.profiles import Profile
from app.paths import DataLocations

# The storage tests' own helpers, imported by the names those tests give them (pytest puts
# tests/db on the path for them), so each module is loaded once.
sys.path.insert(0, str(Path(__file__).resolve().parent / "db"))
from damage import damage_page, table_pages
from db_helpers import add_kept_documents, add_learner_data, rows, table_names
from test_db_read_only_folder import read_only

__all__ = ["course_pack", "damage_profile", "read_only", "table_counts"]

DAMAGED_TABLE = "legacy_documents"
SAMPLE_COURSE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "courses"


def damage_profile(locations: DataLocations, profile: Profile) -> None:
    """Fill the (closed) profile with rows spanning dozens of pages, close it cleanly, then
    overwrite one page in the middle of them with random bytes, as a failing disk would."""
    opened = open_profile(locations, profile, samples=False)
    try:
        add_learner_data(opened.database)
        add_kept_documents(opened.database, 400)
    finally:
        opened.close()
    pages = table_pages(profile.db_file, DAMAGED_TABLE)
    damage_page(profile.db_file, pages.leaves[len(pages.leaves) // 2], "random")


def table_counts(db_file: Path) -> dict[str, int]:
    """Rows per table, through a plain read-only connection (not the app's engine)."""
    return {
        name: int(rows(db_file, f'SELECT count(*) FROM "{name}"')[0][0])  # type: ignore[call-overload]
        for name in sorted(table_names(db_file))
    }


def course_pack(path: Path, topic: str = "Anatomy") -> Path:
    """A .sdcourse pack of a course no profile holds yet: the sample course (which a new
    profile may hold) with every id made anew."""

    def renewed(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: str(uuid.uuid4()) if k == "id" else renewed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [renewed(item) for item in value]
        return value

    sample = SAMPLE_COURSE / "spaced-repetition" / "course.json"
    document = renewed(json.loads(sample.read_text(encoding="utf-8")))
    document["topic"] = topic
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("course.json", json.dumps(document))
    return path
