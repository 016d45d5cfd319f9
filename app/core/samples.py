"""Bundled sample content: loaded into a new profile, marked as sample, removable in one action.

Each feature declares its `SampleKind`s (how to load its sample rows and how to remove them) in
`app.features`, whose `install_samples()` the entry point calls before any profile is opened; core
itself never imports the importers that load them. The profile setting `sample_content` records
which kinds were loaded, so a removed sample never comes back and a kind added by a later version
is offered to existing profiles only through the GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.paths import resources_dir

if TYPE_CHECKING:  # the entry point declares samples before SQLAlchemy is needed
    from sqlalchemy.orm import Session

SETTING_KEY = "sample_content"


@dataclass(frozen=True)
class SampleKind:
    """One feature's sample content. `remove(session, at)` soft-deletes its rows with
    `deleted_at = at`; `restore(session, at)` brings back exactly those; `describe(session)` says
    in a few words what removing it would take away (None: nothing left)."""

    name: str
    load: Callable[[Session, Path], int]  # adds the rows from resources/sample, returns a count
    remove: Callable[[Session, datetime], int]  # returns how many rows it took away
    changes: Change  # what loading or removing it changes
    restore: Callable[[Session, datetime], int] | None = None
    describe: Callable[[Session], str | None] | None = None


@dataclass(frozen=True)
class SamplesRemoved:
    """What `remove_sample_content` did: enough for `restore_sample_content` to undo it."""

    kinds: tuple[str, ...]
    removed_at: datetime
    changes: Change


_KINDS: dict[str, SampleKind] = {}


def register_sample(kind: SampleKind) -> None:
    _KINDS[kind.name] = kind


def registered_samples() -> list[str]:
    return sorted(_KINDS)


def _state(session: Session) -> dict[str, list[str]]:
    from app.db.models import ProfileSetting  # the models load off the window's first paint

    row = session.get(ProfileSetting, SETTING_KEY)
    value = row.value if row is not None else None
    return dict(value) if isinstance(value, dict) else {"loaded": [], "removed": []}


def _save(session: Session, state: dict[str, list[str]]) -> None:
    from app.db.models import ProfileSetting

    row = session.get(ProfileSetting, SETTING_KEY)
    if row is None:
        session.add(ProfileSetting(key=SETTING_KEY, value=state))
    else:
        row.value = state


def load_sample_content(session: Session, folder: Path | None = None) -> Change:
    """Load every registered sample not loaded or removed before, in the caller's transaction."""
    folder = folder or resources_dir() / "sample"
    state = _state(session)
    done = set(state.get("loaded", [])) | set(state.get("removed", []))
    loaded = []
    changes = Change.SETTINGS
    for name, kind in sorted(_KINDS.items()):
        if name not in done:
            kind.load(session, folder)
            loaded.append(name)
            changes |= kind.changes
    state["loaded"] = sorted(set(state.get("loaded", [])) | set(loaded))
    _save(session, state)
    return changes


def has_sample_content(session: Session) -> bool:
    return bool(_state(session).get("loaded"))


def describe_sample_content(session: Session) -> tuple[str, ...]:
    """What removing the samples would take away, one phrase per kind (for the confirmation)."""
    state = _state(session)
    phrases = []
    for name in state.get("loaded", []):
        kind = _KINDS.get(name)
        phrase = kind.describe(session) if kind is not None and kind.describe else None
        if phrase:
            phrases.append(phrase)
    return tuple(phrases)


def remove_sample_content(session: Session, now: datetime | None = None) -> SamplesRemoved:
    """Soft-delete every sample row, in the caller's transaction; the learner's own rows stay."""
    at = now or datetime.now(UTC)
    state = _state(session)
    removed = []
    changes = Change.SETTINGS
    for name in state.get("loaded", []):
        kind = _KINDS.get(name)
        if kind is not None:
            kind.remove(session, at)
            changes |= kind.changes
        removed.append(name)
    state["removed"] = sorted(set(state.get("removed", [])) | set(removed))
    state["loaded"] = []
    _save(session, state)
    return SamplesRemoved(tuple(removed), at, changes)


def restore_sample_content(session: Session, removed: SamplesRemoved) -> Change:
    """Undo `remove_sample_content`: the rows it soft-deleted come back, in the caller's
    transaction (rows deleted at another moment, by the learner, stay deleted)."""
    state = _state(session)
    changes = Change.SETTINGS
    for name in removed.kinds:
        kind = _KINDS.get(name)
        if kind is not None and kind.restore is not None:
            kind.restore(session, removed.removed_at)
            changes |= kind.changes
    state["loaded"] = sorted(set(state.get("loaded", [])) | set(removed.kinds))
    state["removed"] = sorted(set(state.get("removed", [])) - set(removed.kinds))
    _save(session, state)
    return changes
