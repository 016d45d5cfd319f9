"""Search everything: FTS5 over notes, lessons, cards, questions, videos and bookmarks

`search_docs` holds one row per searchable thing (kind, id, title, body, anchor): a note or a
library article, a lesson (its title, summary and the text of its content), a card (front as
title, back as body), a question (stem, choices and explanation as body), a video (title), a
video bookmark (label and note; anchor "<video id>?t=<seconds>"). Two FTS5 indexes read their
text from it (external content, keyed by its integer `doc`, never by a source table's rowid):
`search_text` (unicode61, accents folded, prefix indexes of 1-3 characters; bm25 with titles
weighted 10) and `search_trigram` (any three characters: parts of words, Chinese and Japanese).

Triggers keep all of it in the same transaction as the change: every source table's insert,
update of a searched column (or of deleted_at: a soft-deleted row leaves the index) and delete
remakes its document; a lesson content's change remakes its lesson's; a video's removal takes
its bookmarks out. Existing rows are indexed here.

A later revision that recreates a source table (batch mode) drops these triggers with it and
must make them again (tests/search/test_search_index.py checks they are all there at head).

Revision ID: 0007
Revises: 0006
Created: 2026-12-05 19:51:56.518058
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None

# --- the documents: one row per searchable thing, the text both indexes read ----------------------


# JSON text values of a column (lesson content, question choices and explanations), one a line;
# a value that is not JSON gives nothing rather than failing the learner's write.
def _json_text(column: str, skip_keys: str = "'id', 'type'") -> str:
    return (
        "coalesce((SELECT group_concat(j.value, char(10)) FROM json_tree(CASE WHEN "
        f"json_valid({column}) THEN {column} ELSE '{{}}' END) j WHERE j.type = 'text' "
        f"AND (j.key IS NULL OR j.key NOT IN ({skip_keys})) "
        "AND j.fullkey NOT LIKE '$.metadata%'), '')"
    )


_LESSON_TEXT = (
    "coalesce((SELECT group_concat(t.text, char(10)) FROM (SELECT "
    + _json_text("c.body", "'id', 'type', 'correct_answer', 'solution_format'")
    + " AS text FROM lesson_contents c WHERE c.lesson_id = l.id AND c.deleted_at IS NULL) t), '')"
)

# For each kind: the SELECT of its documents (kind, id, title, body, anchor) where `{where}` holds.
_DOCS = {
    "notes": (
        "SELECT CASE WHEN n.kind = 'article' THEN 'article' ELSE 'note' END, n.id, "
        "coalesce(n.title, ''), coalesce(n.body, ''), NULL FROM notes n "
        "WHERE n.deleted_at IS NULL AND {where}"
    ),
    "lessons": (
        "SELECT 'lesson', l.id, coalesce(l.title, ''), coalesce(l.summary, '') || char(10) || "
        + _LESSON_TEXT
        + ", NULL FROM lessons l WHERE l.deleted_at IS NULL AND {where}"
    ),
    "cards": (
        "SELECT 'card', c.id, coalesce(c.front, ''), coalesce(c.back, ''), NULL FROM cards c "
        "WHERE c.deleted_at IS NULL AND {where}"
    ),
    "questions": (
        "SELECT 'question', q.id, '', coalesce(q.stem, '') || char(10) || "
        + _json_text("q.choices", "'label'")
        + " || char(10) || "
        + _json_text("q.explanation")
        + ", NULL FROM questions q WHERE q.deleted_at IS NULL AND {where}"
    ),
    "videos": (
        "SELECT 'video', v.id, coalesce(v.title, ''), '', NULL FROM videos v "
        "WHERE v.deleted_at IS NULL AND {where}"
    ),
    "video_bookmarks": (
        "SELECT 'bookmark', b.id, coalesce(b.label, ''), coalesce(b.note, ''), "
        "b.video_id || '?t=' || b.at_s FROM video_bookmarks b JOIN videos v ON v.id = b.video_id "
        "WHERE b.deleted_at IS NULL AND v.deleted_at IS NULL AND {where}"
    ),
}
_KINDS = {
    "notes": "'note', 'article'",
    "lessons": "'lesson'",
    "cards": "'card'",
    "questions": "'question'",
    "videos": "'video'",
    "video_bookmarks": "'bookmark'",
}
_ALIAS = {"notes": "n", "lessons": "l", "cards": "c", "questions": "q", "videos": "v",
          "video_bookmarks": "b"}  # fmt: skip
# The columns whose change changes a document.
_WATCHED = {
    "notes": "kind title body deleted_at",
    "lessons": "title summary deleted_at",
    "cards": "front back deleted_at",
    "questions": "stem choices explanation deleted_at",
    "videos": "title deleted_at",
    "video_bookmarks": "video_id at_s label note deleted_at",
}
_INSERT = "INSERT INTO search_docs (kind, id, title, body, anchor) "


def _forget(table: str, key: str) -> str:
    return f"DELETE FROM search_docs WHERE id = {key} AND kind IN ({_KINDS[table]});"


def _index(table: str, where: str) -> str:
    return _INSERT + _DOCS[table].replace("{where}", where) + ";"


def _source_triggers(table: str) -> list[str]:
    key = f"{_ALIAS[table]}.id"
    watched = _WATCHED[table].split()
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in watched)
    made = [
        f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{_forget(table, 'new.id')} {_index(table, f'{key} = new.id')} END",
        f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {', '.join(watched)} ON {table} "
        f"WHEN {changed} BEGIN {_forget(table, 'old.id')} {_index(table, f'{key} = new.id')} END",
        f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
        f"{_forget(table, 'old.id')} END",
    ]
    return made


def _lesson_content_triggers() -> list[str]:
    """A lesson's document holds its content's text: a change of content remakes it."""

    def remake(key: str) -> str:
        return f"{_forget('lessons', key)} {_index('lessons', f'l.id = {key}')}"

    return [
        "CREATE TRIGGER search_lesson_contents_insert AFTER INSERT ON lesson_contents BEGIN "
        f"{remake('new.lesson_id')} END",
        "CREATE TRIGGER search_lesson_contents_update AFTER UPDATE OF lesson_id, body, "
        "deleted_at ON lesson_contents WHEN old.lesson_id IS NOT new.lesson_id OR old.body IS NOT "
        "new.body OR old.deleted_at IS NOT new.deleted_at BEGIN "
        f"{remake('old.lesson_id')} {remake('new.lesson_id')} END",
        "CREATE TRIGGER search_lesson_contents_delete AFTER DELETE ON lesson_contents BEGIN "
        f"{remake('old.lesson_id')} END",
    ]


def _video_bookmark_triggers() -> list[str]:
    """A video's bookmarks are found while the video is in the library."""
    of_video = "id IN (SELECT b.id FROM video_bookmarks b WHERE b.video_id = {video})"
    of_new, of_old = of_video.replace("{video}", "new.id"), of_video.replace("{video}", "old.id")
    return [
        "CREATE TRIGGER search_videos_bookmarks AFTER UPDATE OF deleted_at ON videos "
        "WHEN old.deleted_at IS NOT new.deleted_at BEGIN "
        f"DELETE FROM search_docs WHERE kind = 'bookmark' AND {of_new}; "
        f"{_index('video_bookmarks', 'b.video_id = new.id')} END",
        "CREATE TRIGGER search_videos_delete_bookmarks AFTER DELETE ON videos BEGIN "
        f"DELETE FROM search_docs WHERE kind = 'bookmark' AND {of_old}; "
        "END",
    ]


_DOC_TRIGGERS = (
    "CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_text (rowid, kind, id, title, body) "
    "VALUES (new.doc, new.kind, new.id, new.title, new.body); "
    "INSERT INTO search_trigram (rowid, title, body) VALUES (new.doc, new.title, new.body); END",
    "CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_text (search_text, rowid, kind, id, title, body) "
    "VALUES ('delete', old.doc, old.kind, old.id, old.title, old.body); "
    "INSERT INTO search_trigram (search_trigram, rowid, title, body) "
    "VALUES ('delete', old.doc, old.title, old.body); END",
    "CREATE TRIGGER search_docs_update AFTER UPDATE ON search_docs BEGIN "
    "INSERT INTO search_text (search_text, rowid, kind, id, title, body) "
    "VALUES ('delete', old.doc, old.kind, old.id, old.title, old.body); "
    "INSERT INTO search_trigram (search_trigram, rowid, title, body) "
    "VALUES ('delete', old.doc, old.title, old.body); "
    "INSERT INTO search_text (rowid, kind, id, title, body) "
    "VALUES (new.doc, new.kind, new.id, new.title, new.body); "
    "INSERT INTO search_trigram (rowid, title, body) VALUES (new.doc, new.title, new.body); END",
)


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_docs (doc INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "id TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, anchor TEXT)"
    )
    op.execute("CREATE UNIQUE INDEX ix_search_docs_id_kind ON search_docs (id, kind)")
    for table in _DOCS:  # what is already in the profile
        op.execute(_index(table, "1"))
    op.execute(
        "CREATE VIRTUAL TABLE search_text USING fts5(kind UNINDEXED, id UNINDEXED, title, body, "
        "content='search_docs', content_rowid='doc', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_trigram USING fts5(title, body, content='search_docs', "
        "content_rowid='doc', tokenize='trigram')"
    )
    # Titles weigh ten times the body (kind and id are not searched).
    op.execute("INSERT INTO search_text (search_text, rank) VALUES ('rank', 'bm25(0, 0, 10, 1)')")
    op.execute("INSERT INTO search_trigram (search_trigram, rank) VALUES ('rank', 'bm25(10, 1)')")
    op.execute("INSERT INTO search_text (search_text) VALUES ('rebuild')")
    op.execute("INSERT INTO search_trigram (search_trigram) VALUES ('rebuild')")
    for sql in _DOC_TRIGGERS:
        op.execute(sql)
    for table in _DOCS:
        for sql in _source_triggers(table):
            op.execute(sql)
    for sql in (*_lesson_content_triggers(), *_video_bookmark_triggers()):
        op.execute(sql)


def downgrade() -> None:
    conn = op.get_bind()
    names = (
        conn.execute(
            sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search\\_%' "
                "ESCAPE '\\'"
            )
        )
        .scalars()
        .all()
    )
    for name in names:
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    op.execute("DROP TABLE IF EXISTS search_trigram")
    op.execute("DROP TABLE IF EXISTS search_text")
    op.execute("DROP TABLE IF EXISTS search_docs")
