"""The search's hand-written statements over `search_docs` and its two FTS5 indexes (revision
0007). Declared with `statement` (EXPLAINed by `tests/db/test_plain_sql.py`); rows by name.

`ORDER BY rank LIMIT` inside the FTS5 query lets FTS5 sort by bm25 (titles weigh 10, see the
revision) and compute the highlights and snippets of the rows returned only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from app.db.plain_sql import Statement, named_rows, statement

START, END = "\x02", "\x03"  # around each found word in titles and snippets
ELLIPSIS = "…"
SNIPPET_TOKENS = 14
LEAD_CHARS = 240  # of the body, for a title where the document has none (a question's stem)

WORDS = statement(
    "search_words",
    "SELECT s.doc, s.kind, s.id, s.title, s.snippet, s.lead, s.rank, d.anchor FROM ("
    "SELECT rowid AS doc, kind, id, "
    f"highlight(search_text, 2, '{START}', '{END}') AS title, "
    f"snippet(search_text, 3, '{START}', '{END}', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snippet, "
    f"CASE WHEN title = '' THEN substr(body, 1, {LEAD_CHARS}) END AS lead, rank "
    "FROM search_text WHERE search_text MATCH :match ORDER BY rank LIMIT :limit"
    ") s JOIN search_docs d ON d.doc = s.doc ORDER BY s.rank",
    example={"match": '"heart"*', "limit": 50},
)

# One or two letters typed: titles that have a word starting so, newest first. Unranked, so
# FTS5 reads the prefix's document list in order and stops at the limit.
TITLE_PREFIX = statement(
    "search_title_prefix",
    "SELECT s.doc, s.kind, s.id, s.title, s.snippet, s.lead, 0.0 AS rank, d.anchor FROM ("
    "SELECT rowid AS doc, kind, id, "
    f"highlight(search_text, 2, '{START}', '{END}') AS title, "
    f"snippet(search_text, 3, '{START}', '{END}', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snippet, "
    f"CASE WHEN title = '' THEN substr(body, 1, {LEAD_CHARS}) END AS lead "
    "FROM search_text WHERE search_text MATCH :match ORDER BY rowid DESC LIMIT :limit"
    ") s JOIN search_docs d ON d.doc = s.doc ORDER BY s.doc DESC",
    example={"match": '{title} : "h"*', "limit": 50},
)

# Is there a document with this word (or a word starting so)? The first one answers.
ANY_WORD = statement(
    "search_any_word",
    "SELECT rowid FROM search_text WHERE search_text MATCH :match LIMIT 1",
    example={"match": '"heart"'},
)

TRIGRAMS = statement(
    "search_trigrams",
    "SELECT s.doc, d.kind, d.id, s.title, s.snippet, "
    f"CASE WHEN d.title = '' THEN substr(d.body, 1, {LEAD_CHARS}) END AS lead, "
    "s.rank, d.anchor FROM ("
    "SELECT rowid AS doc, "
    f"highlight(search_trigram, 0, '{START}', '{END}') AS title, "
    f"snippet(search_trigram, 1, '{START}', '{END}', '{ELLIPSIS}', {SNIPPET_TOKENS * 5}) "
    "AS snippet, rank FROM search_trigram WHERE search_trigram MATCH :match "
    "ORDER BY rank LIMIT :limit) s JOIN search_docs d ON d.doc = s.doc ORDER BY s.rank",
    example={"match": '"ear"', "limit": 50},
)

# Text too short for trigrams (one or two Chinese or Japanese characters): a scan.
SCAN = statement(
    "search_scan",
    "SELECT doc, kind, id, title, anchor, "
    "substr(body, max(1, instr(body, :needle) - 60), 160) AS around, "
    f"CASE WHEN title = '' THEN substr(body, 1, {LEAD_CHARS}) END AS lead "
    "FROM search_docs WHERE instr(title, :needle) > 0 OR instr(body, :needle) > 0 "
    "LIMIT :limit",
    example={"needle": "心", "limit": 50},
)


def _connection(session: Session) -> sqlite3.Connection:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def rows(session: Session, declared: Statement, **params: Any) -> Iterator[dict[str, Any]]:
    return named_rows(_connection(session).execute(declared.sql, params))
