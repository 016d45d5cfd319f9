"""The hand-written statements behind today's counts (`queue_tally`): answers given today, cards
buried now, and each deck's new / learning / review cards up to a cap.

Counts stop at their cap (`LIMIT` inside the count), so 100,000 new cards cost no more than 20;
they read the indexes on the generated `queue` column. Declared once with `statement` (and so
EXPLAINed by `tests/db/test_plain_sql.py` against the head schema); rows are read by name.
"""

from __future__ import annotations

from app.db.models.flashcards import QUEUE_LEARNING
from app.db.plain_sql import Statement, statement

AT = "2026-01-01T00:00:00.000000Z"  # an example time as stored

# New cards introduced and review cards answered in a time range (the study day), per deck
# answered in and state before; counted from the index alone.
ANSWERED = statement(
    "tally_answered",
    "SELECT deck_id, state_before, count(*) AS answers FROM card_reviews "
    "WHERE reviewed_at >= ? AND reviewed_at < ? AND state_before IN (?, ?) "
    "GROUP BY deck_id, state_before",
    example=(AT, AT, 0, 2),
)
# ... and those of them undone (rare), to take off.
UNDONE = statement(
    "tally_undone",
    "SELECT r.deck_id AS deck_id, r.state_before AS state_before, "
    "count(DISTINCT r.id) AS answers FROM card_review_undos u "
    "JOIN card_reviews r ON r.id = u.review_id "
    "WHERE r.reviewed_at >= ? AND r.reviewed_at < ? AND r.state_before IN (?, ?) "
    "GROUP BY r.deck_id, r.state_before",
    example=(AT, AT, 0, 2),
)
# Cards buried now (few: they are subtracted from the counts instead of filtered out, so the
# count queries never leave the index).
BURIED_NOW = statement(
    "tally_buried_now",
    "SELECT deck_id, queue, due FROM cards WHERE buried_until > ?",
    example=(AT,),
)
# Learning cards due before the day ends, per deck.
LEARNING = statement(
    "tally_learning",
    f"SELECT deck_id, count(*) AS cards FROM cards WHERE queue = {QUEUE_LEARNING} AND due < ? "
    "GROUP BY deck_id",
    example=(AT,),
)

# One deck's cards of a queue, up to a cap: new cards (never due) and review cards due before
# a time. Parameters: queue, deck id, [due before,] cap.
_CAPPED = "SELECT 1 FROM cards WHERE queue = ? AND deck_id = ? {due} LIMIT ?"
_NEW = "AND due IS NULL"
_DUE = "AND due < ?"
CAPPED_NEW = statement(
    "tally_capped_new",
    f"SELECT count(*) AS found FROM ({_CAPPED.format(due=_NEW)})",
    example=(0, "d1", 20),
)
CAPPED_DUE = statement(
    "tally_capped_due",
    f"SELECT count(*) AS found FROM ({_CAPPED.format(due=_DUE)})",
    example=(2, "d1", AT, 200),
)
# The same for many decks in one statement: this part once per deck, joined by UNION ALL
# (`many_decks`). Parameters per deck: the deck id, then as above.
_PART = "SELECT ? AS deck_id, (SELECT count(*) FROM ({inner})) AS found"
CAPPED_NEW_PART = statement(
    "tally_capped_new_part",
    _PART.format(inner=_CAPPED.format(due=_NEW)),
    example=("d1", 0, "d1", 20),
)
CAPPED_DUE_PART = statement(
    "tally_capped_due_part",
    _PART.format(inner=_CAPPED.format(due=_DUE)),
    example=("d1", 2, "d1", AT, 200),
)
DECKS_PER_STATEMENT = 150  # 5 parameters each: well under SQLite's limit

_JOINED: dict[tuple[str, int], str] = {}


def many_decks(part: Statement, decks: int) -> str:
    """`part` repeated for this many decks, as one statement."""
    key = (part.name, decks)
    found = _JOINED.get(key)
    if found is None:
        found = _JOINED[key] = " UNION ALL ".join([part.sql] * decks)
    return found
