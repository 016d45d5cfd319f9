"""The sync server's one-statement push and pull on PostgreSQL (`app.sync_server.store`): the
texts, apart from the store's logic. Each is scoped to one user by its `:user_id`.
"""

from __future__ import annotations

from sqlalchemy import text

# Said before the push or a pull in its transaction: every row they read is found by an index.
# A plan made while the log was empty (a new server, before PostgreSQL's statistics catch up)
# otherwise reads the whole log to look for the pushed ids, and keeps doing so as it grows
# (psycopg prepares a statement after a few runs, and PostgreSQL keeps its plan).
INDEXED = text("SET LOCAL enable_seqscan = off")

# The push on PostgreSQL in one statement (`Store._push_postgres`).
PUSH = text(
    """
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:op_ids AS text[]), CAST(:clocks AS text[]), CAST(:tbls AS text[]),
            CAST(:keys AS text[]), CAST(:bodies AS text[])
        ) WITH ORDINALITY AS t(op_id, clock, tbl, row_key, body, ord)
    ),
    known AS (  -- each id looked up in the (user_id, op_id) index, never a scan of the log
        SELECT i.op_id FROM incoming i
        CROSS JOIN LATERAL (
            SELECT 1 FROM ops WHERE ops.user_id = :user_id AND ops.op_id = i.op_id LIMIT 1
        ) found
    ),
    fresh AS (
        SELECT DISTINCT ON (i.op_id) i.* FROM incoming i
        WHERE i.op_id NOT IN (SELECT op_id FROM known)
        ORDER BY i.op_id, i.ord
    ),
    bump AS (
        UPDATE users SET head = head + (SELECT count(*) FROM fresh)
        WHERE id = :user_id AND dataset = :dataset
        RETURNING head
    ),
    stored AS (
        INSERT INTO ops (user_id, seq, op_id, device, clock, tbl, row_key, body)
        SELECT :user_id, b.head - (SELECT count(*) FROM fresh)
                   + row_number() OVER (ORDER BY f.ord),
               f.op_id, :device, f.clock, f.tbl, f.row_key, f.body
        FROM fresh f CROSS JOIN bump b
        RETURNING 1
    )
    SELECT (SELECT head FROM bump), (SELECT count(*) FROM stored)
    """
)


# A pull on PostgreSQL: the account's head and the page after the cursor, in one statement.
PULL = text(
    """
    SELECT u.head, o.seq, o.device, o.body
    FROM users u
    LEFT JOIN LATERAL (
        SELECT seq, device, body FROM ops
        WHERE ops.user_id = u.id AND ops.seq > :cursor
        ORDER BY seq
        LIMIT :limit
    ) o ON true
    WHERE u.id = :user_id
    ORDER BY o.seq
    """
)

# The same, with the newest operation the asking device pushed after the cursor (`Page.own`).
PULL_OWN = text(
    """
    SELECT u.head, o.seq, o.device, o.body, w.seq, w.clock
    FROM users u
    LEFT JOIN LATERAL (
        SELECT seq, clock FROM ops
        WHERE ops.user_id = u.id AND ops.seq > :cursor AND ops.device = :own
        ORDER BY seq DESC
        LIMIT 1
    ) w ON true
    LEFT JOIN LATERAL (
        SELECT seq, device, body FROM ops
        WHERE ops.user_id = u.id AND ops.seq > :cursor
        ORDER BY seq
        LIMIT :limit
    ) o ON true
    WHERE u.id = :user_id
    ORDER BY o.seq
    """
)
