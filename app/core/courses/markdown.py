"""Lesson markdown: repairing damaged generated text, and making any text safe to display.

Generated TechTree lessons lost many of their newlines: a heading runs into the first sentence
("## Newtonian Gravity and its LimitationsNewton's law"), list items run into the sentence before
them ("is:1.  **Directly", "Where:*   F is"), paragraphs run together ("increases.Mathematically").
`readable_markdown` puts the breaks back with narrow rules that well-formed markdown never
triggers; code (fenced, indented, inline spans), link targets, tables and quotes are left alone.

`display_markdown` is the last step before the Lessons view hands the text to
`QTextDocument.setMarkdown` (GitHub dialect, HTML off). It never lets the document load
anything from outside the profile: script, style and frame elements are dropped, other raw HTML
is escaped so it shows as text, and only images stored in the profile's media folder stay images.
Both are pure functions, safe on any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

MEDIA_SCHEME = "studydesk-media:"  # how a lesson body names a file in the profile's media folder

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_VERBATIM_LINE = re.compile(r"^(?:\t| {4}| {0,3}[|>])")  # indented code, tables, block quotes
# Inline code spans, link and image targets, autolinks and bare web addresses keep their text.
_PROTECTED = re.compile(
    r"(`+)[^`]*?\1(?!`)"  # `code`, ``code``
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # ](target "title")
    r"|<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>"  # <https://...>
    r"|\b(?:https?|ftp)://[^\s)<>\]]+"
)

_STARTERS = (
    "This|The|These|Those|That|There|Here|It|Its|In|A|An|As|At|By|For|From|If|On|To|We|You|"
    "They|When|While|Where|What|Why|How|However|Despite|Although|Because|Since|Thus|Therefore|"
    "Each|Every|Some|Many|Most|One|With|Without|Consider|Imagine|Let|Note|Remember|Finally|First|"
    "Second|Next|Then|Also|Unlike|Like"
)
_RULES: list[tuple[re.Pattern[str], str]] = [
    # A heading after the end of a sentence: "accuracy.## Next".
    (re.compile(r"(?<=[a-z)][.!?:])[ \t]*(?=#{1,6} [A-Z])"), "\n\n"),
    # Numbered items: "is:1.  **Directly", "pull.2.  **Inversely" (generated lists use 2 spaces).
    (re.compile(r"(?<=[^\d\s][.:!?)*\"'])[ \t]*(?=\d{1,2}\.[ \t]{2,}\S)"), "\n"),
    # Bullets: "Where:*   F is", "force*   G is" (generated lists use 3 spaces after the star).
    (re.compile(r"(?<=[.:!?)])[ \t]*(?=[*-][ \t]{2,}\S)"), "\n"),
    (re.compile(r"(?<=[^\s*\-.:!?)])(?=\*[ \t]{3,}\S)"), "\n"),
    # Paragraphs run together: "increases.Mathematically", "expressed as:F = G".
    (re.compile(r"(?<=[a-z)\]][.!?])(?=[A-Z][a-z])"), "\n\n"),
    (re.compile(r"(?<=[a-z]:)(?=[A-Z])"), "\n\n"),
    # A sentence glued to the word before it: "the two objectsThis simple equation".
    (re.compile(rf"(?<=[a-z])(?=(?:{_STARTERS}) [a-z])"), "\n\n"),
]
_BOLD = re.compile(r"\*\*")
_HEADING = re.compile(r"^( {0,3}#{1,6})([ \t]+)(.*)$")
_HEADING_NO_SPACE = re.compile(r"^( {0,3}#{2,6})(?=[A-Z])")
_HEADING_SPLIT = re.compile(r"(?<=[a-z)])(?=[A-Z][a-z]*(?:'s)? )")
LONG_HEADING = 80


def readable_markdown(text: str, title: str | None = None) -> str:
    """`text` with the line breaks of damaged generated markdown put back.

    `title` (the lesson's title) lets a heading that runs into the first sentence be split
    exactly; without it a heading longer than 80 characters is split at the first place where a
    lower-case letter meets a capitalised word. Idempotent; well-formed markdown comes back
    unchanged.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(3):  # a repair can expose another; settle in at most a few passes
        repaired = _repair_once(text, title)
        if repaired == text:
            break
        text = repaired
    return text


def _repair_once(text: str, title: str | None) -> str:
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if _closes(opening, fence, line):
                fence = None
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        elif _VERBATIM_LINE.match(line) or not line.strip():
            out.append(line)
        else:
            out.append(_repair_line(line, title))
    return "\n".join(out)


def _closes(opening: re.Match[str] | None, fence: str, line: str) -> bool:
    """Whether `line` closes a code block opened by `fence` (same character, at least as
    long, nothing after it)."""
    return (
        opening is not None
        and opening.group(1)[0] == fence[0]
        and len(opening.group(1)) >= len(fence)
        and not line.strip().strip(fence[0])
    )


def _repair_line(line: str, title: str | None) -> str:
    line = _HEADING_NO_SPACE.sub(r"\1 ", line)
    heading = _HEADING.match(line)
    if heading:
        marks, space, rest = heading.groups()
        cut = _heading_end(rest, title)
        if cut is not None:
            return f"{marks}{space}{rest[:cut].rstrip()}\n\n{_repair_line(rest[cut:], title)}"
    return _outside_protected(line, _repair_prose)


def _heading_end(rest: str, title: str | None) -> int | None:
    """Where a heading's own text ends and a glued sentence begins, if one does."""
    if title:
        clean = title.strip()
        if clean and rest.startswith(clean) and len(rest) > len(clean):
            after = rest[len(clean)]
            if not after.isspace() and after not in ".:!?,;)]}'\"*_`":
                return len(clean)
    if len(rest) > LONG_HEADING:
        found = _HEADING_SPLIT.search(rest)
        if found and 3 <= found.start() <= LONG_HEADING and len(rest) - found.start() >= 20:
            return found.start()
    return None


def _repair_prose(segment: str) -> str:
    segment = _split_bold_headings(segment)
    for pattern, replacement in _RULES:
        segment = pattern.sub(replacement, segment)
    return segment


def _split_bold_headings(segment: str) -> str:
    """`centuries.**Why is this important?**Newtonian` -> a bold line of its own."""
    parts: list[str] = []
    last = 0
    for count, mark in enumerate(_BOLD.finditer(segment)):
        start, end = mark.span()
        before = segment[start - 1] if start else ""
        after = segment[end] if end < len(segment) else ""
        opening = count % 2 == 0
        if opening and before in ".!?:" and before and after and not after.isspace():
            parts.extend((segment[last:start], "\n\n"))
            last = start
        elif not opening and after.isupper() and before and not before.isspace():
            parts.extend((segment[last:end], "\n\n"))
            last = end
    parts.append(segment[last:])
    return "".join(parts)


def _outside_protected(line: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the parts of `line` that are not code spans or link targets."""
    pieces: list[str] = []
    last = 0
    for found in _PROTECTED.finditer(line):
        pieces.append(change(line[last : found.start()]))
        pieces.append(found.group(0))
        last = found.end()
    pieces.append(change(line[last:]))
    return "".join(pieces)


# --- safe display -------------------------------------------------------------------------

_DANGEROUS_BLOCK = re.compile(
    r"<(script|style|iframe|object|embed|frameset|frame|applet|noscript|template)\b[^>]*>"
    r"(?:.*?</\1\s*>)?",
    re.IGNORECASE | re.DOTALL,
)
_REFUSED_TAG = re.compile(r"<(script|iframe|object|embed|frameset|frame|applet)\b", re.IGNORECASE)
_RAW_TAG = re.compile(r"(?<!\\)<(?=[/!?]?[a-zA-Z!])")
_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_TARGET = re.compile(r"(?<!!)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#)", re.IGNORECASE)
_MEDIA_NAME = re.compile(r"^[0-9a-f]{64}\.(?:png|jpg|gif|webp)$")
_ATTACHMENT_NAME = re.compile(r"^[0-9a-f]{64}\.pdf$")


def unsafe_markup(text: str) -> list[str]:
    """What in `text`, outside code, would be refused in a course pack (script tags and the
    like, `javascript:` links); empty when nothing is."""
    found: list[str] = []
    for segment in _prose_segments(text):
        for match in _REFUSED_TAG.finditer(segment):
            found.append(f"a <{match.group(1).lower()}> tag")
        if re.search(r"\]\(\s*<?\s*(?:javascript|vbscript):", segment, re.IGNORECASE):
            found.append("a javascript: link")
        if re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", segment):
            found.append("an HTML event handler (on...=)")
    return list(dict.fromkeys(found))


def display_markdown(text: str, media_dir: Path | None = None, title: str | None = None) -> str:
    """Repaired, safe markdown for `QTextDocument.setMarkdown`.

    Scripts and frames are removed, raw HTML is escaped (shown as text), images that are not in
    `media_dir` become links labelled with their alt text, links other than http(s), mailto and
    in-page anchors become plain text, and media images become `file:` URLs inside `media_dir`.
    """
    repaired = readable_markdown(text, title)
    out: list[str] = []
    fence: str | None = None
    for line in _DANGEROUS_BLOCK.sub(lambda m: _outside_code_only(m, repaired), repaired).split(
        "\n"
    ):
        opening = _FENCE.match(line)
        if fence is not None:
            if _closes(opening, fence, line):
                fence = None
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        elif line.startswith(("\t", "    ")):
            out.append(line)
        else:
            out.append(_safe_line(line, media_dir))
    return "\n".join(out)


def _outside_code_only(match: re.Match[str], whole: str) -> str:
    """Keep a dangerous element that sits in code (a lesson about HTML); drop it elsewhere."""
    for start, end in _code_spans(whole):
        if start <= match.start() < end:
            return match.group(0)
    return ""


def _safe_line(line: str, media_dir: Path | None) -> str:
    def clean(segment: str) -> str:
        segment = _IMAGE.sub(lambda m: _image(m, media_dir), segment)
        segment = _LINK_TARGET.sub(_link, segment)
        return _RAW_TAG.sub(r"\\<", segment)

    pieces: list[str] = []
    last = 0
    for found in re.finditer(r"(`+)[^`]*?\1(?!`)", line):
        pieces.append(clean(line[last : found.start()]))
        pieces.append(found.group(0))
        last = found.end()
    pieces.append(clean(line[last:]))
    return "".join(pieces)


def media_path(target: str, media_dir: Path | None) -> Path | None:
    """The file a `studydesk-media:<sha256>.<ext>` image target names, if it is stored in
    `media_dir`; None for any other target (nothing outside the media folder is ever shown)."""
    if not target.startswith(MEDIA_SCHEME) or media_dir is None:
        return None
    name = target[len(MEDIA_SCHEME) :]
    path = media_dir / name
    return path.resolve() if _MEDIA_NAME.match(name) and path.is_file() else None


def attachment_path(target: str, media_dir: Path | None) -> Path | None:
    """The file a `studydesk-media:<sha256>.pdf` link names (an attachment, opened in the
    learner's own viewer), if it is stored in `media_dir`; None for any other target."""
    if not target.startswith(MEDIA_SCHEME) or media_dir is None:
        return None
    name = target[len(MEDIA_SCHEME) :]
    path = media_dir / name
    return path.resolve() if _ATTACHMENT_NAME.match(name) and path.is_file() else None


def is_safe_link(target: str) -> bool:
    """A link the learner may follow from displayed text: http(s), mailto or an in-page anchor."""
    return bool(_SAFE_LINK.match(target))


def _image(match: re.Match[str], media_dir: Path | None) -> str:
    alt, target = match.group(1), match.group(2)
    path = media_path(target, media_dir)
    if path is not None:
        return f"![{alt}]({path.as_uri()})"
    label = alt or "image"
    if re.match(r"^https?://", target, re.IGNORECASE):
        return f"[Image (not loaded): {label}]({target})"
    return f"*[Image not available: {label}]*"


def _link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    if is_safe_link(target):
        return match.group(0)
    return label


def _code_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    offset = 0
    fence_start: int | None = None
    fence = ""
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence_start is not None:
            if _closes(opening, fence, line):
                spans.append((fence_start, offset + len(line)))
                fence_start = None
        elif opening:
            fence_start, fence = offset, opening.group(1)
        elif line.startswith(("\t", "    ")):
            spans.append((offset, offset + len(line)))
        else:
            for found in re.finditer(r"(`+)[^`]*?\1(?!`)", line):
                spans.append((offset + found.start(), offset + found.end()))
        offset += len(line) + 1
    if fence_start is not None:
        spans.append((fence_start, len(text)))
    return spans


def _prose_segments(text: str) -> list[str]:
    """The parts of `text` outside code, for checks that must not fire on code examples."""
    segments: list[str] = []
    last = 0
    for start, end in _code_spans(text):
        segments.append(text[last:start])
        last = end
    segments.append(text[last:])
    return segments
