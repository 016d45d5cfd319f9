"""Fixtures for the legacy-import tests: a data dir, a default profile, a local time zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from importer_helpers import FIXTURES

from app.core.profiles import Profile, create_profile
from app.db.database import ProfileDatabase
from app.paths import DataLocations, data_locations

# Naive legacy timestamps are local time. A zone with daylight saving time, far from UTC, makes
# a conversion that ignores the zone, or uses today's offset instead of the date's, show up.
LOCAL_ZONE = "America/New_York"


@pytest.fixture(autouse=True)
def local_zone() -> Iterator[str]:
    """Run every import test as if the computer were set to LOCAL_ZONE."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = LOCAL_ZONE
    time.tzset()
    try:
        yield LOCAL_ZONE
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def locations(tmp_path: Path) -> DataLocations:
    return data_locations(tmp_path / "data")


@pytest.fixture
def default_profile(locations: DataLocations) -> Profile:
    """The profile that receives documents with no learner; its database already exists."""
    profile = create_profile(locations, "Default")
    ProfileDatabase.open(profile.db_file, profile.backups_dir, create=True).close()
    return profile


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    """A profile database on its own, for the card and course importers."""
    opened = ProfileDatabase.open(tmp_path / "p" / "studydesk.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared legacy samples are not here ({FIXTURES})")
    return FIXTURES
