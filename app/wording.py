"""Words for numbers, one way everywhere: "1 video", "2 videos", "1,200 cards"."""

from __future__ import annotations


def counted(number: int, one: str, several: str | None = None) -> str:
    """`number` with the word that fits it; `several` defaults to `one` + "s"."""
    word = one if number == 1 else (several if several is not None else one + "s")
    return f"{number:,} {word}"
