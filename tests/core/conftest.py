"""Fixtures for the domain tests: a data dir of their own in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.core.samples as samples
from app.paths import DataLocations, data_locations


@pytest.fixture
def locations(tmp_path: Path) -> DataLocations:
    return data_locations(tmp_path / "data")


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kinds a test registers disappear after it; the real ones stay registered."""
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))
