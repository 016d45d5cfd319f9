"""The notebook's hand-written statements: the note list (50,000 notes: the ORM's per-row cost
and reading whole bodies would be most of its time, so only the start of each body is read),
the tags and link kinds per note, and backlinks. Declared with `statement` (EXPLAINed by
`tests/db/test_plain_sql.py` against the head schema); rows are read by column name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.db.plain_sql import Statement, named_rows, statement

# The note list's filters (each NULL or "" when not asked): notebooks and tag ids as JSON lists,
# a kind of link, and :search, a LIKE pattern with "\\" as its escape (the only one that reads
# the notes' texts). Without a search, `ix_notes_list` answers alone.
_LISTED = (
    "FROM notes n WHERE n.deleted_at IS NULL AND (n.kind = 'note' OR :articles) "
    "AND (:books IS NULL OR n.notebook_id IN (SELECT value FROM json_each(:books))) "
    "AND (:tags IS NULL OR EXISTS (SELECT 1 FROM note_tags nt WHERE nt.note_id = n.id "
    "AND nt.deleted_at IS NULL AND nt.tag_id IN (SELECT value FROM json_each(:tags)))) "
    "AND (:linked IS NULL OR EXISTS (SELECT 1 FROM note_links l WHERE l.note_id = n.id "
    "AND l.target_kind = :linked AND l.deleted_at IS NULL)) "
    "AND (:search = '' OR n.title LIKE :search ESCAPE '\\' OR n.body LIKE :search ESCAPE '\\')"
)
_FILTERS = {"articles": 0, "books": None, "tags": None, "linked": None, "search": ""}

# One page of the list, newest change first: notes before articles, pinned first.
NOTE_PAGE = statement(
    "notes_list_page",
    f"SELECT n.id {_LISTED} "
    "ORDER BY n.kind DESC, n.pinned DESC, n.updated_at DESC, n.id DESC LIMIT :limit OFFSET :offset",
    example={**_FILTERS, "limit": 200, "offset": 0},
)

# One page by title (ASCII letters' case folded: SQLite's NOCASE), from the list's index too.
NOTE_PAGE_BY_TITLE = statement(
    "notes_list_page_by_title",
    f"SELECT n.id {_LISTED} "
    "ORDER BY n.kind DESC, n.pinned DESC, n.title COLLATE NOCASE, n.id LIMIT :limit OFFSET :offset",
    example={**_FILTERS, "limit": 200, "offset": 0},
)

NOTE_MATCH_COUNT = statement(
    "notes_list_count",
    f"SELECT count(*) AS found {_LISTED} AND n.kind = 'note'",
    example=_FILTERS,
)

NOTE_TOTAL = statement(
    "notes_list_total",
    "SELECT count(*) AS found FROM notes n WHERE n.deleted_at IS NULL AND n.kind = 'note'",
)

# The rows of one page, by id (a JSON list): only the start of each text is read.
NOTE_ROWS = statement(
    "notes_list_rows",
    "SELECT n.id, n.title, n.kind, substr(n.body, 1, 480) AS head, n.notebook_id, n.pinned, "
    "n.updated_at FROM notes n WHERE n.id IN (SELECT value FROM json_each(:ids))",
    example={"ids": '["a"]'},
)

# Each note's tags in one row, the names joined by TAG_SEPARATOR (no tag name holds it).
TAG_SEPARATOR = "\x1f"
NOTE_TAGS = statement(
    "notes_tags",
    "SELECT nt.note_id, group_concat(t.name, char(31)) AS names FROM note_tags nt "
    "JOIN tags t ON t.id = nt.tag_id WHERE nt.deleted_at IS NULL AND t.deleted_at IS NULL "
    "AND nt.note_id IN (SELECT value FROM json_each(:ids)) GROUP BY nt.note_id",
    example={"ids": '["a"]'},
)

NOTE_LINK_KINDS = statement(
    "notes_link_kinds",
    "SELECT DISTINCT l.note_id, l.target_kind FROM note_links l WHERE l.deleted_at IS NULL "
    "AND l.note_id IN (SELECT value FROM json_each(:ids))",
    example={"ids": '["a"]'},
)

# Tags: (id, name) of every tag; the names some live note carries.
TAGS = statement("notes_all_tags", "SELECT t.id, t.name FROM tags t WHERE t.deleted_at IS NULL")
NOTE_TAG_NAMES = statement(
    "notes_tag_names",
    "SELECT t.name FROM tags t WHERE t.deleted_at IS NULL AND EXISTS (SELECT 1 FROM note_tags nt "
    "JOIN notes n ON n.id = nt.note_id WHERE nt.tag_id = t.id AND nt.deleted_at IS NULL "
    "AND n.deleted_at IS NULL)",
)

NOTEBOOKS = statement(
    "notes_notebooks",
    "SELECT b.id, b.name, b.parent_id, "
    "(SELECT count(*) FROM notes n WHERE n.notebook_id = b.id AND n.deleted_at IS NULL) AS notes "
    "FROM notebooks b WHERE b.deleted_at IS NULL",
)

# Notes linking to a target (any moment of a video), with the text around the first link.
BACKLINK_NOTES = statement(
    "notes_backlinks",
    "SELECT n.id, n.title, n.kind, "
    "substr(n.body, max(1, instr(n.body, :url) - 80), 200) AS around, "
    "instr(n.body, :url) AS found, substr(n.body, 1, 200) AS head "
    "FROM note_links l JOIN notes n ON n.id = l.note_id "
    "WHERE l.target_kind = :kind AND l.target_id IN (:id, :legacy) AND l.deleted_at IS NULL "
    "AND n.deleted_at IS NULL AND n.id != :id GROUP BY n.id ORDER BY n.updated_at DESC",
    example={"url": "studydesk:note/a", "kind": "note", "id": "a", "legacy": "a"},
)

# By the cards' source index (`+` keeps the planner off the live cards' index, which would read
# every live card of a 100,000-card profile to find the few made from this target).
BACKLINK_CARDS = statement(
    "notes_backlink_cards",
    "SELECT c.id, substr(c.front, 1, 200) AS front, substr(c.back, 1, 200) AS back FROM cards c "
    "WHERE c.source_kind = :kind AND c.source_id = :id AND +c.deleted_at IS NULL "
    "ORDER BY c.id",
    example={"kind": "note", "id": "a"},
)

BACKLINK_BOOKMARKS = statement(
    "notes_backlink_bookmarks",
    "SELECT b.id, b.label, b.at_s, b.video_id, b.note, v.title FROM video_bookmarks b "
    "JOIN videos v ON v.id = b.video_id "
    "WHERE b.deleted_at IS NULL AND v.deleted_at IS NULL AND instr(b.note, :url) > 0 "
    "ORDER BY b.video_id, b.at_s",
    example={"url": "studydesk:note/a"},
)

# Notes whose text holds a title's words in a row (found by the search index, `search_text`;
# whole words checked after), newest change first, less those that link to it.
MENTION_CANDIDATES = statement(
    "notes_mention_candidates",
    "SELECT n.id FROM search_text s JOIN search_docs d ON d.doc = s.rowid "
    "JOIN notes n ON n.id = d.id WHERE search_text MATCH :match AND d.kind = 'note' "
    "AND n.deleted_at IS NULL AND n.kind = 'note' AND n.id != :id AND NOT EXISTS ("
    "SELECT 1 FROM note_links l WHERE l.note_id = n.id AND l.target_kind = 'note' "
    "AND l.target_id = :id AND l.deleted_at IS NULL) ORDER BY n.updated_at DESC, n.id DESC",
    example={"id": "a", "match": '{body} : "mitral valve"'},
)

MENTION_ROWS = statement(
    "notes_mention_rows",
    "SELECT n.id, n.title, n.kind, n.body, n.notebook_id, n.pinned, n.updated_at FROM notes n "
    "WHERE n.id IN (SELECT value FROM json_each(:ids))",
    example={"ids": '["a"]'},
)

# Titles for `[[` completion: with a word starting so (the search index's word prefixes), with
# the typed text anywhere (its trigrams), or (a few) with a word starting with its first letter.
TITLE_WORDS = statement(
    "notes_title_words",
    "SELECT d.id, d.title FROM search_text s JOIN search_docs d ON d.doc = s.rowid "
    "WHERE search_text MATCH :match AND d.kind = 'note' ORDER BY s.rowid DESC LIMIT :limit",
    example={"match": '{title} : "mitr"*', "limit": 2000},
)

TITLE_TRIGRAMS = statement(
    "notes_title_trigrams",
    "SELECT d.id, d.title FROM search_trigram s JOIN search_docs d ON d.doc = s.rowid "
    "WHERE search_trigram MATCH :match AND d.kind = 'note' ORDER BY s.rowid DESC LIMIT :limit",
    example={"match": '{title} : "itr"', "limit": 2000},
)

RECENT_TITLES = statement(
    "notes_recent_titles",
    "SELECT n.id, n.title FROM notes n WHERE n.deleted_at IS NULL AND n.kind = 'note' "
    "ORDER BY n.kind DESC, n.pinned DESC, n.updated_at DESC, n.id DESC LIMIT :limit",
    example={"limit": 20},
)

VERSIONS = statement(
    "notes_versions",
    "SELECT v.id, v.parent_ids, v.title, v.created_at, coalesce(v.size, length(v.body)) AS size "
    "FROM note_versions v WHERE v.note_id = ? ORDER BY v.created_at DESC, v.id DESC",
    example=("a",),
)


# The note's newest version: its id, and how its text is stored (no compact form read whole).
HEAD_VERSION = statement(
    "notes_head_version",
    "SELECT v.id, v.body, substr(v.data, 1, 9) AS header FROM note_versions v "
    "WHERE v.note_id = ? ORDER BY v.created_at DESC, v.id DESC LIMIT 1",
    example=("a",),
)


def connection(session: Session) -> sqlite3.Connection:
    """The session's own SQLite connection (in its transaction)."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def rows(
    session: Session,
    declared: Statement,
    params: Sequence[Any] | Mapping[str, Any] = (),
    **lists: int,
) -> Iterator[dict[str, Any]]:
    """The declared statement's rows by column name (`lists` gives each `{list}`'s length)."""
    sql = declared.expand(**lists) if declared.placeholders else declared.sql
    return named_rows(connection(session).execute(sql, params))


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape "\\") matching `text` anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
