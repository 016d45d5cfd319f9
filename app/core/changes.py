"""What a write changed, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """Names of the kinds of data a write touched, e.g. {"settings"} or {"cards", "decks"}.

    Views compare these with what they show; `everything` is for a restore or a profile switch.
    """

    kinds: frozenset[str] = frozenset()
    everything: bool = False

    @classmethod
    def of(cls, *kinds: str) -> Changes:
        return cls(frozenset(kinds))

    @classmethod
    def all(cls) -> Changes:
        return cls(everything=True)

    def touches(self, *kinds: str) -> bool:
        return self.everything or bool(self.kinds.intersection(kinds))

    def __bool__(self) -> bool:
        return self.everything or bool(self.kinds)
