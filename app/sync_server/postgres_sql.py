"""The sync server's push and pull on PostgreSQL, each one statement: the steps they share,
written once, and the store's statements (`app.sync_server.store`, scoped to one user by its
`:user_id`). `postgres_direct` builds its own from the same steps, with the token checked in
the statement.
"""

from __future__ import annotations

from sqlalchemy import text

# Said before the push or a pull in its transaction: every row they read is found by an index.
# A plan made while the log was empty (a new server, before PostgreSQL's statistics catch up)
# otherwise reads the whole log to look for the pushed ids, and keeps doing so as it grows
# (psycopg prepares a statement after a few runs, and PostgreSQL keeps its plan).
INDEXED = text("SET LOCAL enable_seqscan = off")


def push_steps(user: str, dataset: str, device: str) -> str:
    """The push after its `incoming` rows (op_id, clock, tbl, row_key, body, ord): the ids the
    user's log holds already (`known`), the others once each (`fresh`), the head moved by
    their number under the user's row lock (`bump`, nothing when the account holds another
    dataset) and the new rows numbered after the head found (`stored`). `user`, `dataset`,
    `device`: the SQL giving each (a parameter or a subquery)."""
    return f"""
    known AS (  -- each id looked up in the (user_id, op_id) index, never among all the rows
        SELECT i.op_id FROM incoming i
        CROSS JOIN LATERAL (
            SELECT 1 FROM ops WHERE ops.user_id = {user} AND ops.op_id = i.op_id LIMIT 1
        ) found
    ),
    fresh AS (
        SELECT DISTINCT ON (i.op_id) i.* FROM incoming i
        WHERE i.op_id NOT IN (SELECT op_id FROM known)
        ORDER BY i.op_id, i.ord
    ),
    bump AS (
        UPDATE users SET head = head + (SELECT count(*) FROM fresh)
        WHERE id = {user} AND dataset = {dataset}
        RETURNING id, head
    ),
    stored AS (
        INSERT INTO ops (user_id, seq, op_id, device, clock, tbl, row_key, body)
        SELECT b.id, b.head - (SELECT count(*) FROM fresh) + row_number() OVER (ORDER BY f.ord),
               f.op_id, {device}, f.clock, f.tbl, f.row_key, f.body
        FROM fresh f CROSS JOIN bump b
        RETURNING 1
    )"""


def page_after(user: str, cursor: str, limit: str, when: str = "true") -> str:
    """A pull's page, joined as `o` (seq, device, body): the user's operations after the cursor
    in order, read only `when`."""
    return f"""
    LEFT JOIN LATERAL (
        SELECT seq, device, body FROM ops
        WHERE ops.user_id = {user} AND ops.seq > {cursor} AND {when}
        ORDER BY seq
        LIMIT {limit}
    ) o ON true"""


def newest_of(user: str, cursor: str, device: str, when: str = "true") -> str:
    """Joined as `n` (seq, clock): `device`'s newest operation after the cursor (`Page.own`;
    the log after the cursor read backwards until one of its, what the device pulls next
    anyway). A statement of its own: a generic plan would read the log for it even when the
    pull does not ask."""
    return f"""
    LEFT JOIN LATERAL (
        SELECT seq, clock FROM ops
        WHERE ops.user_id = {user} AND ops.seq > {cursor} AND ops.device = {device} AND {when}
        ORDER BY seq DESC
        LIMIT 1
    ) n ON true"""


# The push on PostgreSQL in one statement (`Store._push_postgres`).
PUSH = text(
    f"""
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:op_ids AS text[]), CAST(:clocks AS text[]), CAST(:tbls AS text[]),
            CAST(:keys AS text[]), CAST(:bodies AS text[])
        ) WITH ORDINALITY AS t(op_id, clock, tbl, row_key, body, ord)
    ),
    {push_steps(":user_id", ":dataset", ":device")}
    SELECT (SELECT head FROM bump), (SELECT count(*) FROM stored)
    """
)

# A pull on PostgreSQL: the account's head and the page after the cursor, in one statement.
PULL = text(
    f"""
    SELECT u.head, o.seq, o.device, o.body, NULL, NULL
    FROM users u
    {page_after("u.id", ":cursor", ":limit")}
    WHERE u.id = :user_id
    ORDER BY o.seq
    """
)

# The same, with the newest operation the asking device pushed after the cursor (`Page.own`).
PULL_OWN = text(
    f"""
    SELECT u.head, o.seq, o.device, o.body, n.seq, n.clock
    FROM users u
    {newest_of("u.id", ":cursor", ":own")}
    {page_after("u.id", ":cursor", ":limit")}
    WHERE u.id = :user_id
    ORDER BY o.seq
    """
)
