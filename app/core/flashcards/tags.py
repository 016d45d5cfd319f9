"""Tags as the learner types them, and as files carry them: one rule everywhere.

A tag may hold spaces ("machine learning"), so tags are separated by commas: in both card
editors, the browser's tag filter and the tags dialogs, in a CSV file's tags column and in a
markdown export. A semicolon separates too (older Study Desk exports wrote "a b; c d"). A tag
that itself holds a comma or a semicolon, or starts with a double quote, is written in double
quotes with its own quotes doubled, as in CSV: `"cause, effect", memory`.

Anki's own tag field (in an .apkg, or a text file Anki exported) separates tags by spaces and
a tag there never holds one: `parse_anki_tags` reads it.

Names are cleaned the same way wherever they come from: runs of white space become one space,
the ends are trimmed, empty names are dropped, and a name repeated in another case counts once
(tags are matched without regard to case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.errors import UserError

MAX_TAG = 200  # characters: the tags table's limit
SEPARATORS = ",;"
_SPACES = re.compile(r"\s+")


def clean_tag(name: str) -> str:
    """The name with runs of white space made one space and its ends trimmed."""
    return _SPACES.sub(" ", name).strip()


def clean_tags(names: Iterable[str]) -> tuple[str, ...]:
    """Cleaned names, empty ones dropped, each once (the first spelling of a name is kept).

    Raises UserError for a name longer than MAX_TAG characters."""
    kept = _unique(names)
    for name in kept:
        if len(name) > MAX_TAG:
            raise UserError(f"The tag {name[:40]!r}... is longer than {MAX_TAG} characters.")
    return kept


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    kept: dict[str, str] = {}
    for name in names:
        name = clean_tag(name)
        if name:
            kept.setdefault(name.casefold(), name)
    return tuple(kept.values())


def parse_tags(text: str) -> tuple[str, ...]:
    """The tags in a comma-separated text (see the module's rule), cleaned. Never raises: an
    unclosed quote runs to the end of the text, and a name's length is checked where it is
    saved (`clean_tags`)."""
    names: list[str] = []
    position, end = 0, len(text)
    while position <= end:
        start = position
        while start < end and text[start].isspace():
            start += 1
        if start < end and text[start] == '"':
            name, position = _quoted(text, start + 1)
            tail = position
            while position < end and text[position] not in SEPARATORS:
                position += 1
            name += text[tail:position]  # anything after the closing quote is kept
        else:
            position = start
            while position < end and text[position] not in SEPARATORS:
                position += 1
            name = text[start:position]
        names.append(name)
        position += 1  # past the separator
    return _unique(names)


def _quoted(text: str, position: int) -> tuple[str, int]:
    """The quoted name starting at `position` (just after its opening quote) and where it ends."""
    parts: list[str] = []
    while position < len(text):
        quote = text.find('"', position)
        if quote < 0:
            break
        parts.append(text[position:quote])
        if text.startswith('""', quote):
            parts.append('"')
            position = quote + 2
            continue
        return "".join(parts), quote + 1
    parts.append(text[position:])
    return "".join(parts), len(text)


def format_tags(tags: Iterable[str]) -> str:
    """The text `parse_tags` reads back as these tags (once cleaned): "a, machine learning"."""
    return ", ".join(_written(name) for name in _unique(tags))


def _written(name: str) -> str:
    if name.startswith('"') or any(separator in name for separator in SEPARATORS):
        return '"' + name.replace('"', '""') + '"'
    return name


# A tag written in text, as Obsidian and the note editor mark one: `#cardio/valves`. It starts
# with a letter (so `#1` and a heading's `# ` are not tags) and holds letters, digits, `_`, `-`
# and `/` (a nested tag's levels); an HTML entity's `&#39;` and a web address's `/#part` are not.
HASHTAG = re.compile(r"(?<![\w#/&])#([^\W\d][\w/-]*)")


def hashtags_in(text: str) -> tuple[str, ...]:
    """The `#tags` written in a text, without their `#` (nested levels kept, a trailing `/`
    dropped), cleaned, each once. The caller leaves out what is not prose (code, link targets)."""
    return _unique(found.group(1).rstrip("/") for found in HASHTAG.finditer(text))


def parse_anki_tags(field: str) -> tuple[str, ...]:
    """Anki's tag field: names separated by white space (an Anki tag never holds a space).
    Never raises, as `parse_tags`."""
    return _unique(field.split())


def format_anki_tags(tags: Iterable[str]) -> str:
    """Tags as Anki writes its field (for Anki's templates): separated by single spaces."""
    return " ".join(_unique(tags))
