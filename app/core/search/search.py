"""Search everything (Ctrl+K, `studydesk search`): notes, library articles, lessons, cards,
questions, videos and bookmarks, through the indexes of revision 0007.

The word index first (bm25, titles weighted; accents folded; the last word a prefix while it is
typed). The trigram index is the fallback: when the words find nothing (a part of a word:
`ology`) or the text is Chinese or Japanese (written without spaces, so its "words" are whole
clauses); text too short for trigrams (one or two such characters) is found by a scan. Results
come grouped by kind, the kind of the best result first, each group in rank order. Titles and
snippets mark found text with `START` and `END` (`plain` removes them, `marked_html` makes them
bold safely).
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.search import search_sql as sql_
from app.core.search.query import Query, parse_query
from app.db.database import ProfileDatabase

log = logging.getLogger(__name__)

START, END = sql_.START, sql_.END
KINDS = ("note", "article", "lesson", "card", "question", "video", "bookmark")
KIND_NAMES = {
    "note": "Notes",
    "article": "Library articles",
    "lesson": "Lessons",
    "card": "Cards",
    "question": "Questions",
    "video": "Videos",
    "bookmark": "Video bookmarks",
}
TITLE_CHARS = 120
_SPACE = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>\x02\x03]{0,200}>")  # HTML of imported question stems, for display


@dataclass(frozen=True)
class SearchHit:
    """One result. `title` and `snippet` mark found text with START/END. `anchor` is where
    Enter goes, as a `studydesk:` address (`studydesk:video/<id>?t=83.5` for a bookmark)."""

    kind: str
    id: str
    title: str
    snippet: str
    rank: float
    anchor: str

    @property
    def plain_title(self) -> str:
        return plain(self.title)

    @property
    def plain_snippet(self) -> str:
        return plain(self.snippet)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.plain_title,
            "snippet": self.plain_snippet,
            "anchor": self.anchor,
        }


def plain(text: str) -> str:
    return text.replace(START, "").replace(END, "")


def marked_html(text: str) -> str:
    """Escaped HTML with the marked text bold (an unclosed mark ends at the end)."""
    out, bold = [], False
    for part in re.split(f"([{START}{END}])", text):
        if part == START and not bold:
            out.append("<b>")
            bold = True
        elif part == END and bold:
            out.append("</b>")
            bold = False
        elif part not in (START, END):
            out.append(html.escape(part, quote=False))
    if bold:
        out.append("</b>")
    return "".join(out)


def search_all(database: ProfileDatabase, text: str, limit: int = 50) -> list[SearchHit]:
    """The first `limit` results for what the learner typed, grouped by kind (never an error
    for any text: see `app.core.search.query`)."""
    query = parse_query(text)
    if query.empty or limit <= 0:
        return []
    with database.read_session() as session:
        found = _words(session, query, limit)
        if len(found) < limit and (query.has_cjk or (not found and _partial(session, query))):
            seen = {row["doc"] for row in found}
            more = _trigrams(session, query, limit - len(found))
            found += [row for row in more if row["doc"] not in seen]
    return _grouped(_hit(row) for row in found)


def _words(session: Any, query: Query, limit: int) -> list[dict[str, Any]]:
    match = query.words_match()
    if match is None:
        return []
    if query.short_prefix and not query.has_cjk:
        titled = _safely(
            lambda: sql_.rows(session, sql_.TITLE_PREFIX, match=f"{{title}} : {match}", limit=limit)
        )
        if len(titled) == limit:
            return titled
        seen = {row["doc"] for row in titled}
        anywhere = _safely(lambda: sql_.rows(session, sql_.TITLE_PREFIX, match=match, limit=limit))
        return titled + [row for row in anywhere if row["doc"] not in seen][: limit - len(titled)]
    return _safely(lambda: list(sql_.rows(session, sql_.WORDS, match=match, limit=limit)))


def _partial(session: Any, query: Query) -> bool:
    """Whether a term may be part of a word, so worth the trigram index: one that no document
    has as a word (or the start of one). When each term is a word somewhere, the word index's
    "nothing" is the answer; the trigrams, slow for long words, would only say it again."""
    for term in query.terms:
        match = term.fts()
        if not _safely(lambda m=match: sql_.rows(session, sql_.ANY_WORD, match=m)):
            return True
    return False


def _trigrams(session: Any, query: Query, limit: int) -> list[dict[str, Any]]:
    match = query.trigram_match()
    if match is not None:
        return _safely(lambda: list(sql_.rows(session, sql_.TRIGRAMS, match=match, limit=limit)))
    if not query.has_cjk:
        return []  # one or two letters: the word index's prefixes already had their chance
    needles = query.short_substrings()
    rows = []
    for row in sql_.rows(session, sql_.SCAN, needle=needles[0], limit=limit * 4):
        text = f"{row['title']}\n{row['around']}"
        if all(needle in text for needle in needles):  # every group's first term
            row["title"] = _mark(row["title"], needles)
            row["snippet"] = sql_.ELLIPSIS + _mark(row["around"], needles) + sql_.ELLIPSIS
            row["rank"] = 0.0
            rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def _safely(run: Any) -> list[dict[str, Any]]:
    """The rows, or none if FTS5 refuses the query (it should never: the parser quotes every
    word; logged so a gap is found)."""
    try:
        return list(run())
    except sqlite3.OperationalError as error:
        if "fts5" not in str(error) and "syntax" not in str(error):
            raise
        log.warning("search query refused: %s", error)
        return []


def _mark(text: str, needles: Iterable[str]) -> str:
    for needle in needles:
        text = text.replace(needle, f"{START}{needle}{END}")
    return text


def _hit(row: dict[str, Any]) -> SearchHit:
    kind, item_id = row["kind"], row["id"]
    title = row["title"] or ""
    snippet = _flat(row["snippet"] or "")
    if not plain(title).strip():
        title = (row["lead"] or "").split("\n", 1)[0]  # a question: the start of its stem
        if kind == "question":
            title, snippet = _TAGS.sub(" ", title), _untagged(snippet)
        title = _flat(title)
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1].rstrip() + sql_.ELLIPSIS
    return SearchHit(
        kind=kind,
        id=item_id,
        title=_flat(title) or "(untitled)",
        snippet=snippet,
        rank=float(row["rank"] or 0.0),
        anchor=_anchor(kind, item_id, row["anchor"]),
    )


def _untagged(snippet: str) -> str:
    """A snippet of imported HTML without its tags, nor the pieces of tags cut at its ends."""
    snippet = _TAGS.sub(" ", snippet)
    snippet = re.sub(r"^(…?)[^<>\s\x02\x03]*>", r"\1", snippet)
    return _flat(re.sub(r"<[^>\x02\x03]*(…?)$", r"\1", snippet))


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _anchor(kind: str, item_id: str, stored: str | None) -> str:
    if kind == "bookmark" and stored:
        video_id, _, at = stored.partition("?t=")
        try:
            seconds = float(at)
        except ValueError:
            seconds = 0.0
        return f"studydesk:video/{video_id}?t={seconds:g}"
    return f"studydesk:{kind}/{item_id}"


def _grouped(hits: Iterable[SearchHit]) -> list[SearchHit]:
    """Grouped by kind, the kind of the best hit first; each group keeps its order."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [hit for group in groups.values() for hit in group]
