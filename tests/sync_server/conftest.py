from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))  # sync_helpers

from server_helpers import Postgres, RunningServer, start_server

# `postgres` (a session-wide cluster) is in tests/conftest.py: tests/sync uses it too.


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    postgres: Postgres = request.getfixturevalue("postgres")
    return postgres.new_database()


@pytest.fixture
def server(database_url: str) -> Iterator[RunningServer]:
    running = start_server(database_url)
    running.add_user("ada")
    running.add_user("bob")
    yield running
    running.stop()
