"""Make a note from what the learner is looking at (a card, a video moment), linked to it, and
open it in the Notebook to write in. One way for every view that offers "a note on this".

The Notebook (`Navigator.open_note`) is where the note is written; the link (an origin link in
`note_links`) makes the card or moment list it among its backlinks, and the note's chip opens
the card or seeks the video there.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QWidget

from app.core.notes.links import LinkTarget
from app.ui.context import ViewContext

TITLE_CHARS = 80
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|[#*_`>\[\]]|\([^)]*\)")


def title_from(text: str, fallback: str) -> str:
    """A note title from markdown (a card's front): its first line with text, markup taken
    out, cut at a word near TITLE_CHARS."""
    for line in text.splitlines():
        plain = " ".join(_MARKUP.sub(" ", line).split())
        if plain:
            if len(plain) > TITLE_CHARS:
                plain = plain[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
            return plain
    return fallback


def make_note_on(
    context: ViewContext, owner: QWidget, target: LinkTarget, title: str, body: str = ""
) -> None:
    """Write a new note linked to `target`, then show it in the Notebook."""
    from app.core.notes.note_actions import create_note

    opened = context.opened
    context.runner.run_write(
        lambda _p: create_note(opened.database, title=title, body=body, links=(target,)),
        label="Making a note",
        on_done=lambda saved: context.navigator.open_note(saved.note_id),
        owner=owner,
    )
