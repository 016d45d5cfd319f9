"""The learner's words as a safe FTS5 query.

Whatever is typed (quotes, `*`, `NEAR`, `AND`/`OR`/`NOT`, unbalanced parentheses, only
punctuation) becomes either nothing to search or a query FTS5 accepts: every word goes inside
double quotes, so no character the learner types is ever read as FTS5 syntax. What is kept of
the syntax, on purpose:

- `"two words"`: a phrase (an unclosed quote runs to the end);
- `a OR b` (upper case): either;
- `-word`, `NOT word`: without it (only beside a word that is searched for);
- words joined by punctuation (`e.coli`, `beta-blocker`): a phrase, as the index splits them;
- the last word is a prefix while it is being typed (no space after it): `card` finds cardiac.

`AND` and `NEAR` are ordinary words here except that a lone upper-case `AND` is dropped (every
word is required anyway).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")
# Han, kana, hangul and their punctuation-free neighbours: text written without spaces.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
TRIGRAM = 3  # the trigram index finds substrings of at least this many characters
SHORT_PREFIX = 2  # a prefix this short is matched in titles, newest first (Query.short_prefix)


@dataclass(frozen=True)
class Term:
    """One thing to find: its words (one, or several in a row: a phrase)."""

    words: tuple[str, ...]
    prefix: bool = False
    raw: str = ""  # as typed, outer punctuation trimmed: what the trigram index looks for

    @property
    def substring(self) -> str:
        return self.raw or self.text

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def fts(self) -> str:
        return _quoted(self.text) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """`groups`: all of them must match, each by any of its terms (OR); `excluded`: none may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group)

    @property
    def has_cjk(self) -> bool:
        return any(_CJK.search(term.text) for term in self.terms)

    def words_match(self) -> str | None:
        """The query for the word index (unicode61), or None if there is nothing to find."""
        if self.empty:
            return None
        parts = [_any_of(tuple(term.fts() for term in group)) for group in self.groups]
        text = " AND ".join(parts)
        for term in self.excluded:
            text = f"({text}) NOT {term.fts()}"
        return text

    @property
    def short_prefix(self) -> bool:
        """Only the first letter or two of a word typed so far: a prefix that nearly every
        document matches, so ranking all of them would be slow and say little."""
        if len(self.groups) != 1 or len(self.groups[0]) != 1 or self.excluded:
            return False
        term = self.groups[0][0]
        return term.prefix and len(term.words) == 1 and len(term.text) <= SHORT_PREFIX

    def trigram_match(self) -> str | None:
        """The query for the trigram index: each term as a substring. None when a group has no
        term long enough for trigrams (then only a scan could find it)."""
        parts = []
        for group in self.groups:
            if any(len(t.substring) < TRIGRAM for t in group):
                return None
            parts.append(_any_of(tuple(_quoted(t.substring) for t in group)))
        if not parts:
            return None
        text = " AND ".join(parts)
        for term in self.excluded:
            text = f"({text}) NOT {_quoted(term.substring)}"
        return text

    def short_substrings(self) -> tuple[str, ...]:
        """Every term's text, for finding terms too short for trigrams by a scan."""
        return tuple(group[0].substring for group in self.groups)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _any_of(options: tuple[str, ...]) -> str:
    return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def _chunks(text: str) -> list[tuple[str, bool]]:
    """The text split into (chunk, quoted): quoted phrases whole, the rest at white space."""
    found: list[tuple[str, bool]] = []
    rest = text
    while rest:
        before, quote, after = rest.partition('"')
        found += [(chunk, False) for chunk in before.split()]
        if not quote:
            break
        phrase, _closing, rest = after.partition('"')
        found.append((phrase, True))
    return found


def parse_query(text: str, *, typing: bool = True) -> Query:
    """The learner's text as a query. `typing`: the last word is still being typed (a prefix)
    unless the text ends with white space or a closing quote."""
    text = unicodedata.normalize("NFC", text.replace("\x00", " "))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False  # an OR was read: the next term joins the last group
    exclude_next = False  # a NOT was read
    for chunk, quoted in _chunks(text):
        if not quoted and chunk in ("OR", "|", "||"):
            join_next = bool(groups)
            continue
        if not quoted and chunk == "AND":
            continue
        if not quoted and chunk == "NOT":
            exclude_next = True
            continue
        negative = exclude_next or (not quoted and chunk.startswith("-") and len(chunk) > 1)
        exclude_next = False
        words = tuple(_WORD.findall(chunk))
        if not words:
            continue
        term = Term(words, raw=_trimmed(chunk))
        if negative:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if typing and groups and text and not text[-1].isspace() and not text.endswith('"'):
        last = groups[-1][-1]
        if last.words == _last_bare(text):
            groups[-1][-1] = Term(last.words, prefix=True, raw=last.raw)
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def _trimmed(chunk: str) -> str:
    """The chunk from its first to its last letter or digit."""
    words = list(_WORD.finditer(chunk))
    return chunk[words[0].start() : words[-1].end()] if words else ""


def _last_bare(text: str) -> tuple[str, ...] | None:
    """The words of the text's last chunk, if it is unquoted (and not excluded)."""
    chunks = _chunks(text)
    if not chunks or chunks[-1][1] or chunks[-1][0].startswith("-"):
        return None
    return tuple(_WORD.findall(chunks[-1][0])) or None
