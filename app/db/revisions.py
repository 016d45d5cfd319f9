"""The schema revisions this build knows, read from `alembic/versions` without importing Alembic.

Startup only needs "is this file at head, older, or newer than me?"; reading the revision ids from
the scripts' text answers that in a millisecond, and Alembic is imported only when an upgrade runs.
A test checks this reading against Alembic's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.paths import alembic_dir

_REVISION = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(None|['\"]([^'\"]+)['\"])", re.M)


@dataclass(frozen=True)
class RevisionChain:
    ordered: tuple[str, ...]

    @property
    def head(self) -> str:
        return self.ordered[-1]

    def knows(self, revision: str) -> bool:
        return revision in self.ordered


@cache
def known_revisions(versions_dir: Path | None = None) -> RevisionChain:
    folder = versions_dir or alembic_dir() / "versions"
    parents: dict[str, str | None] = {}
    for script in sorted(folder.glob("*.py")):
        text = script.read_text(encoding="utf-8")
        rev = _REVISION.search(text)
        down = _DOWN.search(text)
        if rev is None or down is None:
            continue
        parents[rev.group(1)] = down.group(2)
    ordered: list[str] = []
    by_parent = {parent: child for child, parent in parents.items()}
    current = by_parent.get(None)
    while current is not None:
        ordered.append(current)
        current = by_parent.get(current)
    if not ordered or len(ordered) != len(parents):
        raise RuntimeError(f"revision scripts in {folder} do not form one chain: {parents}")
    return RevisionChain(tuple(ordered))
