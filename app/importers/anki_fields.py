"""Anki card text to Study Desk markdown: templates, cloze deletions and field HTML.

Anki renders a card by filling its note type's templates (`{{Field}}`, `{{#Field}}...{{/Field}}`,
`{{cloze:Text}}`, `{{FrontSide}}`) with the note's fields, which are HTML. Study Desk keeps a
front and a back in markdown, so the back is the answer template without `{{FrontSide}}` (the
review screen shows the front above it anyway), and the HTML becomes readable markdown: line
breaks, bold and italics survive, images become media links, every other tag is dropped with
its text kept, and scripts and styles are dropped whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser

# Fields Anki fills in itself; Study Desk renders them from what it knows (or as nothing).
SPECIAL_FIELDS = ("FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID")
# Filters whose output is the field's text (type-in answers become a plain answer).
PLAIN_FILTERS = ("text", "type", "nc", "hint", "furigana", "kana", "kanji", "cloze", "cloze-only")
_TOKEN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_BLOCKS = {"div", "p", "li", "tr", "ul", "ol", "table", "blockquote", "pre"}
_BLOCKS |= {f"h{n}" for n in range(1, 7)}
_DROPPED = {"script", "style", "head", "title", "iframe", "object", "embed", "template", "svg"}
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}


class TemplateError(ValueError):
    """A template uses something Study Desk cannot render; the message says what."""


def check_template(template: str, field_names: Sequence[str]) -> None:
    """Raise TemplateError if `template` names an unknown field or filter."""
    for match in _TOKEN.finditer(template):
        _field_of(match.group(1), field_names)


def _field_of(token: str, field_names: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    token = token.strip()
    if token[:1] in "#^/":
        token = token[1:].strip()
    *filters, name = [part.strip() for part in token.split(":")]
    if name not in field_names and name not in SPECIAL_FIELDS:
        raise TemplateError(f"its template uses {{{{{token}}}}}, which is not one of its fields")
    for name_filter in filters:
        if name_filter not in PLAIN_FILTERS and not name_filter.startswith("tts"):
            raise TemplateError(f"its template uses the filter {name_filter!r}")
    return name, tuple(filters)


def is_empty(html: str) -> bool:
    """Anki's rule: a field holding only whitespace and tags is empty."""
    return not re.sub(r"<[^>]*>|&nbsp;|\s", "", html)


def render_template(
    template: str,
    fields: Mapping[str, str],
    *,
    cloze: int | None = None,
    answer: bool = False,
    special: Mapping[str, str] | None = None,
) -> str:
    """The HTML the template gives for these fields (`cloze`: the card's cloze number)."""
    special = special or {}
    names = [*fields, *SPECIAL_FIELDS]

    def value(name: str, filters: tuple[str, ...]) -> str:
        text = fields.get(name, special.get(name, ""))
        if "cloze" in filters or "cloze-only" in filters:
            text = render_cloze(text, cloze or 0, answer=answer)
        if "type" in filters and not answer:
            return ""
        return text

    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (section field, shown)
    last = 0
    for match in _TOKEN.finditer(template):
        shown = all(visible for _name, visible in stack)
        if shown:
            out.append(template[last : match.start()])
        last = match.end()
        token = match.group(1).strip()
        name, filters = _field_of(token, names)
        if token.startswith(("#", "^")):
            empty = is_empty(value(name, filters))
            stack.append((name, empty if token.startswith("^") else not empty))
        elif token.startswith("/"):
            if stack:
                stack.pop()
        elif shown:
            out.append(value(name, filters))
    if all(visible for _name, visible in stack):
        out.append(template[last:])
    return "".join(out)


def cloze_numbers(text: str) -> set[int]:
    return {int(number) for number in _CLOZE_OPEN.findall(text)}


def render_cloze(text: str, active: int, *, answer: bool) -> str:
    """Cloze `active` hidden as [...] (or [hint]) on the front, in bold on the back; the other
    clozes show their text. Nested clozes work; an unclosed one is left as written."""
    out: list[str] = []
    position = 0
    while True:
        opening = _CLOZE_OPEN.search(text, position)
        if opening is None:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position : opening.start()])
        end = _matching_close(text, opening.end())
        if end is None:
            out.append(text[opening.start() :])
            return "".join(out)
        inner = text[opening.end() : end]
        content, hint = _split_hint(inner)
        shown = render_cloze(content, active, answer=answer)
        if int(opening.group(1)) != active:
            out.append(shown)
        elif answer:
            out.append(f"<b>{shown}</b>")
        else:
            out.append(f"[{hint.strip() or '...'}]")
        position = end + 2


def _matching_close(text: str, start: int) -> int | None:
    depth = 1
    position = start
    while depth:
        close = text.find("}}", position)
        if close == -1:
            return None
        nested = _CLOZE_OPEN.search(text, position, close)
        if nested is not None:
            depth += 1
            position = nested.end()
        else:
            depth -= 1
            position = close + 2
    return position - 2


def _split_hint(inner: str) -> tuple[str, str]:
    tail_start = inner.rfind("}}") + 2 if "{{c" in inner else 0
    cut = inner.find("::", tail_start)
    return (inner, "") if cut == -1 else (inner[:cut], inner[cut + 2 :])


def html_to_markdown(html: str, image: Callable[[str], str]) -> str:
    """Readable markdown for Anki field HTML; `image(src)` gives the markdown of an image."""
    html = _SOUND.sub(lambda m: f"<i>(audio: {m.group(1).strip()})</i>", html)
    parser = _MarkdownWriter(image)
    parser.feed(html)
    parser.close()
    text = parser.text()
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def escape_markdown(text: str) -> str:
    text = re.sub(r"([\\*`<])", r"\\\1", text)
    text = re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)
    text = text.replace("](", r"]\(")
    return re.sub(r"^(\s*)([#>])", r"\1\\\2", text, flags=re.MULTILINE)


class _MarkdownWriter(HTMLParser):
    def __init__(self, image: Callable[[str], str]) -> None:
        super().__init__(convert_charrefs=True)
        self._image = image
        self._parts: list[str] = []
        self._dropped = 0
        self._open: list[tuple[str, int]] = []  # emphasis tags: (tag, index of first part)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped += 1
            return
        if self._dropped:
            return
        if tag == "br":
            self._parts.append("\n")
        elif tag == "hr":
            self._parts.append("\n\n---\n\n")
        elif tag == "li":
            self._parts.append("\n- ")
        elif tag in _BLOCKS:
            self._parts.append("\n")
        elif tag in _EMPHASIS:
            self._open.append((tag, len(self._parts)))
        elif tag == "img":
            source = dict(attrs).get("src") or ""
            if source:
                self._parts.append(self._image(source))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
        elif self._dropped:
            return
        elif tag in _BLOCKS:
            self._parts.append("\n")
        elif tag in _EMPHASIS:
            for index in range(len(self._open) - 1, -1, -1):
                if self._open[index][0] == tag:
                    self._close_emphasis(*self._open.pop(index))
                    break

    def _close_emphasis(self, tag: str, start: int) -> None:
        inner = "".join(self._parts[start:])
        del self._parts[start:]
        core = inner.strip()
        if not core or "\n" in core:  # markdown emphasis cannot span lines
            self._parts.append(inner)
            return
        marker = _EMPHASIS[tag]
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        self._parts.append(f"{lead}{marker}{core}{marker}{trail}")

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self._parts.append(escape_markdown(data.replace("\xa0", " ")))

    def text(self) -> str:
        while self._open:
            self._close_emphasis(*self._open.pop())
        return "".join(self._parts)
