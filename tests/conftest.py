"""Shared fixtures: every test gets its own data dir and never touches the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before any QApplication exists: tests draw into memory, never onto a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
