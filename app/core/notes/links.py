"""Links in a note's markdown: one format and its one parser.

A link points at an id, never a title, so renaming never breaks it. It is an ordinary markdown
link with the `studydesk:` scheme, so any markdown tool still shows the text:

    [Cardiac cycle](studydesk:note/<id>)      [Mitral valve](studydesk:lesson/<id>)
    [Systole @ 1:23](studydesk:video/<id>?t=83.5)   (a video moment, t in seconds)

Kinds: note, lesson, card, deck, question, article, video. An id is percent-encoded in the URL
(MS2 ids may hold any character). Links inside code (fenced blocks, `inline code`) are text, as
every markdown renderer shows them, and are not links.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

KINDS = ("note", "lesson", "card", "deck", "question", "article", "video")
SCHEME = "studydesk:"

_URL = re.compile(
    r"studydesk:(?P<kind>" + "|".join(KINDS) + r")/(?P<id>[^\s()<>?#\[\]]+)"
    r"(?:\?t=(?P<t>\d+(?:\.\d+)?))?"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_LABEL_SPECIALS = re.compile(r"([\\\[\]])")


def _seconds_text(at_s: float) -> str:
    text = f"{round(at_s, 3):.3f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class LinkTarget:
    """What a link points at: a kind (KINDS), the target's id, and for a video its moment."""

    kind: str
    id: str
    at_s: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.kind!r} is not a kind of link ({', '.join(KINDS)})")
        if not self.id:
            raise ValueError("a link needs the id of what it points at")
        if self.at_s is not None and (self.kind != "video" or not math.isfinite(self.at_s)):
            raise ValueError("only a video link has a moment, and it is a finite number")
        if self.at_s is not None and self.at_s < 0:
            raise ValueError("a video moment is not negative")

    @property
    def url(self) -> str:
        url = f"{SCHEME}{self.kind}/{quote(self.id, safe='-._~')}"
        return url if self.at_s is None else f"{url}?t={_seconds_text(self.at_s)}"

    @classmethod
    def parse(cls, url: str) -> LinkTarget | None:
        """The target of a `studydesk:` URL, or None for any other text."""
        found = _URL.fullmatch(url.strip())
        return None if found is None else _target(found)


def _target(found: re.Match[str]) -> LinkTarget | None:
    kind, raw, t = found["kind"], unquote(found["id"]), found["t"]
    if not raw:
        return None
    at_s = float(t) if t is not None and kind == "video" else None
    return LinkTarget(kind, raw, at_s)


def link_markdown(label: str, target: LinkTarget) -> str:
    """`[label](studydesk:...)`, the label's brackets and backslashes escaped and its line
    breaks made spaces, so any label makes one working link."""
    text = _LABEL_SPECIALS.sub(r"\\\1", " ".join(label.split()) or target.kind)
    return f"[{text}]({target.url})"


def without_code(body: str) -> str:
    """The body with code blocks and inline code blanked (line breaks kept): what is left is
    what markdown shows as text, links and tags."""
    if "`" not in body and "~~~" not in body:
        return body
    body = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    return _CODE_SPAN.sub(" ", body) if "`" in body else body


def links_in(body: str) -> list[LinkTarget]:
    """Every `studydesk:` link in a markdown body, in order of appearance, each once."""
    if SCHEME not in body:
        return []
    seen: dict[LinkTarget, None] = {}
    for found in _URL.finditer(without_code(body)):
        target = _target(found)
        if target is not None:
            seen.setdefault(target)
    return list(seen)
