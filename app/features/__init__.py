"""The features of Study Desk, each declared whole in one module of this package.

A feature's module says, in one `Feature` value, everything the rest of the app needs to know
of it: its sidebar views, its Today section, its menu actions and shortcuts, the typed
navigation destinations its views open, its CLI command groups, its sample content and the
changes its views show. The main window, the CLI and profile creation only assemble what is
declared here; adding a feature touches its own packages and the `FEATURES` list below.

This package is Qt-free: GUI parts are named as "module:attribute" and imported only when the
window builds them, so the CLI can read the declarations without loading Qt.
"""

from __future__ import annotations

from app.features.assessments import ASSESSMENTS
from app.features.declarations import (
    Destination,
    Feature,
    MenuAction,
    TodaySection,
    ViewDecl,
    load,
)
from app.features.desk import DESK
from app.features.flashcards import FLASHCARDS
from app.features.lessons import LESSONS
from app.features.notebook import NOTEBOOK
from app.features.planner import PLANNER
from app.features.search import SEARCH
from app.features.sync import SYNC
from app.features.videos import VIDEOS

# In sidebar order; each feature's views follow one another (Ctrl+1, Ctrl+2, ...).
FEATURES: tuple[Feature, ...] = (
    DESK, LESSONS, FLASHCARDS, VIDEOS, NOTEBOOK, ASSESSMENTS, PLANNER, SEARCH, SYNC,
)  # fmt: skip

__all__ = [
    "FEATURES",
    "Destination",
    "Feature",
    "MenuAction",
    "TodaySection",
    "ViewDecl",
    "install_samples",
    "load",
]


def install_samples() -> None:
    """Register every feature's sample content with `app.core.samples` (idempotent). Called by
    the entry point before any profile is created, so new profiles get the samples."""
    from app.core.samples import register_sample

    for feature in FEATURES:
        for kind in feature.samples:
            register_sample(kind)
