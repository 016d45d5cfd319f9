"""Markdown highlighting for the note editor: headings, emphasis, code, links and #tags.

Only the text's look changes (the characters are the learner's markdown, untouched). Each
block (line) is highlighted on its own, with one bit of state carried from line to line: inside
a fenced code block or not. Qt re-highlights only the line being typed in (and the lines after
it while their state changes), so typing stays fast in a long note.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

OUTSIDE, IN_FENCE = 0, 1
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+\[[ xX]\])?(?=\s)")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![*_\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_\w])")
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[a-z][\w+.-]*:[^>\s]+>")
_WIKI = re.compile(r"\[\[[^\]\n]*\]\]")
_TAG = re.compile(r"(?<![\w#/&])#[^\W\d][\w/-]*")
_MARKUP = re.compile(r"[*_`\[<#]")
_INLINE = (
    (_STRONG, "strong"),
    (_EMPHASIS, "emphasis"),
    (_LINK, "link"),
    (_WIKI, "wiki"),
    (_TAG, "tag"),
)
# A line longer than this is shown plain: regexes over a 100 KB single line on every keystroke
# would be felt (such a line is pasted data, rarely prose).
LONG_LINE = 5000


def _tinted(color: QColor, toward: QColor, amount: float) -> QColor:
    return QColor(
        round(color.red() + (toward.red() - color.red()) * amount),
        round(color.green() + (toward.green() - color.green()) * amount),
        round(color.blue() + (toward.blue() - color.blue()) * amount),
    )


class MarkdownHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        """Colours from the window's palette (light or dark); re-highlights everything."""
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        link = palette.color(QPalette.ColorRole.Link)
        dark = base.lightnessF() < 0.5
        accent = QColor("#d08770") if dark else QColor("#a0522d")
        tag = QColor("#8fbcbb") if dark else QColor("#2e7d6b")

        def made(
            color: QColor | None = None,
            *,
            bold: bool = False,
            italic: bool = False,
            mono: bool = False,
            background: QColor | None = None,
            underline: bool = False,
        ) -> QTextCharFormat:
            fmt = QTextCharFormat()
            if color is not None:
                fmt.setForeground(color)
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            if italic:
                fmt.setFontItalic(True)
            if mono:
                fmt.setFontFixedPitch(True)
                fmt.setFontFamilies(["monospace"])
            if background is not None:
                fmt.setBackground(background)
            if underline:
                fmt.setFontUnderline(True)
            return fmt

        code_bg = _tinted(base, text, 0.08)
        muted = _tinted(text, base, 0.45)
        self.formats = {
            "heading": made(_tinted(text, link, 0.35), bold=True),
            "strong": made(bold=True),
            "emphasis": made(italic=True),
            "code": made(accent, mono=True, background=code_bg),
            "fence": made(accent, mono=True),
            "link": made(link),
            "wiki": made(link, underline=True),
            "tag": made(tag, bold=True),
            "mark": made(muted),
        }
        self.rehighlight()

    def attach(self, document: QTextDocument | None) -> None:
        """Highlight `document` (None: stop). A long note is shown first and highlighted just
        after (`setDocument` highlights every line at once)."""
        self.setDocument(document)

    def highlightBlock(self, text: str) -> None:
        fmt = self.formats
        opening = _FENCE.match(text)
        if self.previousBlockState() == IN_FENCE:
            self.setFormat(0, len(text), fmt["fence"])
            closes = opening is not None and not text.strip().strip(opening.group(1)[0])
            self.setCurrentBlockState(OUTSIDE if closes else IN_FENCE)
            return
        if opening is not None:
            self.setFormat(0, len(text), fmt["fence"])
            self.setCurrentBlockState(IN_FENCE)
            return
        self.setCurrentBlockState(OUTSIDE)
        if not text or len(text) > LONG_LINE:
            return
        if text.startswith(("    ", "\t")) and not _LIST_MARK.match(text):
            self.setFormat(0, len(text), fmt["fence"])
            return
        spans: list[tuple[int, int, QTextCharFormat]] = []
        if _HEADING.match(text):
            spans.append((0, len(text), fmt["heading"]))
        elif (mark := _QUOTE.match(text) or _LIST_MARK.match(text)) is not None:
            spans.append((0, mark.end(), fmt["mark"]))
        if _MARKUP.search(text) is None:  # most prose lines: nothing inline to find
            self._apply(spans)
            return
        code = [found.span() for found in _CODE_SPAN.finditer(text)] if "`" in text else []
        for pattern, name in _INLINE:
            spans.extend(
                (found.start(), found.end(), fmt[name])
                for found in pattern.finditer(text)
                if not any(a <= found.start() < b for a, b in code)
            )
        spans.extend((a, b, fmt["code"]) for a, b in code)
        self._apply(spans)

    def _apply(self, spans: list[tuple[int, int, QTextCharFormat]]) -> None:
        """Each stretch of the line gets the formats of every span over it, merged in order
        (a link inside bold stays bold; code wins, being last)."""
        if not spans:
            return
        cuts = sorted({at for start, end, _ in spans for at in (start, end)})
        for left, right in itertools.pairwise(cuts):
            merged: QTextCharFormat | None = None
            for start, end, one in spans:
                if start <= left and right <= end:
                    if merged is None:
                        merged = QTextCharFormat(one)
                    else:
                        merged.merge(one)
            if merged is not None:
                self.setFormat(left, right - left, merged)
