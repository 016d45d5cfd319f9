"""Finding notes by their titles: unlinked mentions (notes whose text names a note's title
without linking it) and the titles offered after `[[`. Both take their candidates from the
search index (revision 0007) rather than reading every note, then check them exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from sqlalchemy.orm import Session

from app.core.notes import notes_sql as sql
from app.core.notes.note_reads import NoteRow, _tags_by_note, _time
from app.core.notes.snippets import plain_snippet
from app.db.database import ProfileDatabase
from app.db.models import Note
from app.db.plain_sql import Statement


def _mention_pattern(title: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(title) + r"(?!\w)", re.IGNORECASE)


_WORD = re.compile(r"[^\W_]+")


def _phrase(text: str, prefix: bool = False) -> str | None:
    """An FTS5 phrase of the text's words (None: no word), the last one a prefix if asked."""
    words = _WORD.findall(text)
    if not words:
        return None
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _fts_rows(session: Session, declared: Statement, params: dict[str, Any]) -> list[Any]:
    try:
        return list(sql.rows(session, declared, params))
    except sqlite3.OperationalError:  # a query the index refuses: no candidates from it
        return []


def unlinked_mentions(database: ProfileDatabase, note_id: str, limit: int = 50) -> list[NoteRow]:
    """Live notes whose text names this note's title as whole words but do not link to it,
    newest change first. The search index finds the notes holding the title's words in a
    row; only the newest of those are read to check the words as written."""
    with database.read_session() as session:
        note = session.get(Note, note_id)
        if note is None or note.deleted_at is not None:
            return []
        title = note.title.strip()
        phrase = _phrase(title)
        if len(title) < 3 or title == "Untitled" or phrase is None:
            return []
        pattern = _mention_pattern(title)
        params = {"id": note_id, "match": "{body} : " + phrase}
        candidates = [r["id"] for r in _fts_rows(session, sql.MENTION_CANDIDATES, params)]
        found: list[tuple[dict[str, Any], re.Match[str]]] = []
        for start in range(0, len(candidates), limit):
            chunk = candidates[start : start + limit]
            read = {
                r["id"]: r for r in sql.rows(session, sql.MENTION_ROWS, {"ids": json.dumps(chunk)})
            }
            for candidate in chunk:
                r = read.get(candidate)
                hit = pattern.search(r["body"]) if r is not None else None
                if r is not None and hit is not None:
                    found.append((r, hit))
            if len(found) >= limit:
                break
        found = found[:limit]
        tags = _tags_by_note(session, [r["id"] for r, _hit in found])
    rows = []
    for r, hit in found:
        start = max(0, hit.start() - 60)
        rows.append(
            NoteRow(
                id=r["id"],
                title=r["title"],
                kind=r["kind"],
                snippet=plain_snippet(r["body"][start : hit.end() + 100]),
                tags=tuple(tags.get(r["id"], ())),
                notebook_id=r["notebook_id"],
                pinned=bool(r["pinned"]),
                updated_at=_time(r["updated_at"]),
                link_kinds=(),
            )
        )
    return rows


# --- completion and picker ----------------------------------------------------------------------


def fuzzy_score(typed: str, title: str) -> float | None:
    """How well `typed` matches `title` (higher is better), None for no match: the whole text
    at the start, at a word's start, anywhere, then its letters in order (fewer gaps first)."""
    wanted, text = typed.casefold().strip(), title.casefold()
    if not wanted:
        return 0.0
    if text.startswith(wanted):
        return 400.0 - len(text) / 1000
    at = text.find(wanted)
    if at >= 0:
        word_start = at == 0 or not text[at - 1].isalnum()
        return (300.0 if word_start else 200.0) - at / 100 - len(text) / 1000
    position, gaps, last = 0, 0, -1
    for char in wanted:
        if char.isspace():
            continue
        position = text.find(char, position)
        if position < 0:
            return None
        if last >= 0 and position != last + 1:
            gaps += 1
        last = position
        position += 1
    return 100.0 - gaps - len(text) / 1000


COMPLETION_POOL = 2000  # candidate titles read per way of finding them


def note_titles(database: ProfileDatabase, typed: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, title) of live notes best matching what was typed after `[[`, best first (nothing
    typed: the most recent). Candidates come from the search index, not from every title:
    titles with a word starting with the typed words, titles holding the typed text anywhere
    (3 characters or more), and, for letters typed in order ("crdcy"), the newest titles with
    a word starting with its first letter; each is scored by `fuzzy_score`."""
    wanted = " ".join(typed.split())
    with database.read_session() as session:
        if not wanted:
            return [
                (r["id"], r["title"])
                for r in sql.rows(session, sql.RECENT_TITLES, {"limit": limit})
            ]
        scores: dict[str, tuple[float, str]] = {}

        def score(declared: Statement, match: str) -> int:
            """Score the titles found; how many score at least a word start's (300), or
            else text anywhere's (200): a later way (lower scores) cannot beat them."""
            params = {"limit": COMPLETION_POOL, "match": match}
            for r in _fts_rows(session, declared, params):
                if r["id"] not in scores:
                    found = fuzzy_score(wanted, r["title"])
                    if found is not None:
                        scores[r["id"]] = (found, r["title"])
            return sum(1 for found, _title in scores.values() if found >= 200)

        words = _phrase(wanted, prefix=True)
        if words is not None:
            score(sql.TITLE_WORDS, "{title} : " + words)
        enough = sum(1 for found, _title in scores.values() if found >= 300) >= limit
        if len(wanted) >= 3 and not enough:
            enough = (
                score(sql.TITLE_TRIGRAMS, '{title} : "' + wanted.replace('"', '""') + '"') >= limit
            )
        first = _WORD.findall(wanted)
        if first and not enough:
            score(sql.TITLE_WORDS, '{title} : "' + first[0][0] + '"*')
    ranked = sorted(
        (-found, title.casefold(), note_id, title) for note_id, (found, title) in scores.items()
    )
    return [(note_id, title) for _score, _folded, note_id, title in ranked[:limit]]
