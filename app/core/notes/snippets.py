"""A line of plain text from markdown: the snippets of the note list and of backlinks, and the
short titles of link chips (a card's front, a question's stem)."""

from __future__ import annotations

import re

SNIPPET = 160  # characters of a list row's or backlink's snippet
CHIP_TITLE = 80  # characters of a link's title (a card's front, a question's stem)

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = str.maketrans("", "", "*`#>~")  # emphasis, code, headings, quotes, strikethrough


def plain_snippet(markdown: str, limit: int = SNIPPET) -> str:
    """A line of plain text from the start of a markdown text: links show their labels, marks
    are dropped, white space is one space. Quick (it runs for each row of the note list)."""
    text = markdown[: limit * 3]
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    text = " ".join(text.translate(_MARKS).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_title(text: str, limit: int = CHIP_TITLE) -> str:
    return plain_snippet(text, limit)
