"""Shared fixtures: every test gets its own data dir and never touches the real one."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before any QApplication exists: tests draw into memory, never onto a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the run's first process (pytest-xdist's controller)
        from tests.packaging import bundle_build

        bundle_build.prepare()


def pytest_collection_finish(session: pytest.Session) -> None:
    """The PyInstaller build starts now when the bundle tests are among those to run, so it
    runs beside the others (tests/packaging/bundle_build.py): once a run, whichever of its
    processes gets here first."""
    if session.config.option.collectonly:
        return
    if any(item.path.name == "test_bundle.py" for item in session.items):
        from tests.packaging import bundle_build

        bundle_build.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):
        from tests.packaging import bundle_build

        bundle_build.finish()


@pytest.fixture(autouse=True, scope="session")
def features_installed() -> None:
    """As the entry point does: every feature's sample content is known before profiles are
    made."""
    from app.features import install_samples

    install_samples()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, announced through STUDYDESK_DATA_DIR as a portable install would."""
    root = tmp_path / "data"
    monkeypatch.setenv("STUDYDESK_DATA_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the whole run, for the sync server's tests
    (tests/sync_server, tests/sync): `Postgres` in tests/sync_server/server_helpers.py."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "sync_server"))
    from server_helpers import Postgres

    try:
        cluster = Postgres()
    except FileNotFoundError as missing:
        pytest.fail(f"{missing}: bash packaging/setup-env.sh installs it (apt postgresql)")
    yield cluster
    cluster.stop()
