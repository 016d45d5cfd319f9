"""Today's counts read from the database (`load_tally`, for `queue_tally.QueueTally`), and the
hand-written statements it runs: answers given today, cards buried now, and each deck's new /
learning / review cards up to a cap.

Counts stop at their cap (`LIMIT` inside the count), so 100,000 new cards cost no more than 20;
they read the indexes on the generated `queue` column. Declared once with `statement` (and so
EXPLAINed by `tests/db/test_plain_sql.py` against the head schema); rows are read by name.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.flashcards.decks import DeckTree
from app.core.flashcards.queue_tally import Capped, QueueTally
from app.core.flashcards.review_sql import run, run_text
from app.core.flashcards.study_day import StudyDay
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.plain_sql import Statement, statement
from app.db.types import db_time

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


# --- reading the tally ----------------------------------------------------------------------------


def _done_today(conn: sqlite3.Connection, day: StudyDay) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and review cards answered today, per deck answered in.

    Counted from the index alone, then the (rare) undone ones taken off.
    """
    bounds = (db_time(day.start), db_time(day.end), STATE_NEW, STATE_REVIEW)
    new: dict[str, int] = defaultdict(int)
    review: dict[str, int] = defaultdict(int)
    for declared, sign in ((ANSWERED, 1), (UNDONE, -1)):
        for row in run(conn, declared, bounds):
            counts = new if row["state_before"] == STATE_NEW else review
            counts[row["deck_id"]] += sign * row["answers"]
    return dict(new), dict(review)


@dataclass(frozen=True)
class _Buried:
    """Cards buried now, per deck and queue (few: they are subtracted instead of filtered, so
    the count queries never leave the index)."""

    new: dict[str, int]
    learning: dict[str, int]
    review: dict[str, int]


def _buried(conn: sqlite3.Connection, day: StudyDay, now: str) -> _Buried:
    found = _Buried(defaultdict(int), defaultdict(int), defaultdict(int))
    end = db_time(day.end)
    for row in run(conn, BURIED_NOW, (now,)):
        deck_id, queue, due = row["deck_id"], row["queue"], row["due"]
        if queue == QUEUE_NEW:
            found.new[deck_id] += 1
        elif due is not None and due < end:
            (found.learning if queue == QUEUE_LEARNING else found.review)[deck_id] += 1
    return found


def _capped_counts(
    conn: sqlite3.Connection,
    queue: int,
    caps: dict[str, int],
    buried: dict[str, int],
    due_before: str | None,
) -> Capped:
    """min(cap, available cards) per deck, many decks per statement. Each count stops at cap +
    the deck's buried cards, which are then taken off. A deck with no cap left is saturated
    at 0."""
    found = Capped()
    decks = []
    for deck_id, cap in caps.items():
        if cap > 0:
            decks.append((deck_id, cap))
        else:
            found.value[deck_id], found.saturated[deck_id] = 0, True
    part = CAPPED_DUE_PART if due_before is not None else CAPPED_NEW_PART
    dated = (due_before,) if due_before is not None else ()
    for start in range(0, len(decks), DECKS_PER_STATEMENT):
        batch = decks[start : start + DECKS_PER_STATEMENT]
        params: list[object] = []
        for deck_id, cap in batch:
            params += [deck_id, queue, deck_id, *dated, cap + buried.get(deck_id, 0)]
        for row in run_text(conn, many_decks(part, len(batch)), params):
            deck_id, count = row["deck_id"], row["found"]
            cap = caps[deck_id]
            found.value[deck_id] = min(cap, max(0, count - buried.get(deck_id, 0)))
            found.saturated[deck_id] = count >= cap + buried.get(deck_id, 0)
    return found


def _learning_counts(
    conn: sqlite3.Connection, day: StudyDay, buried: dict[str, int]
) -> dict[str, int]:
    return {
        row["deck_id"]: max(0, row["cards"] - buried.get(row["deck_id"], 0))
        for row in run(conn, LEARNING, (db_time(day.end),))
    }


def _shared_counts(
    conn: sqlite3.Connection,
    tree: DeckTree,
    tops: Sequence[str],
    deck_ids: Sequence[str],
    queue: int,
    remaining: dict[str, int],
    buried: dict[str, int],
    due_before: str | None,
) -> Capped:
    """Like `_capped_counts`, but each deck's count stops at its share of the selection's
    limits: the decks are visited in the order `_gather` shares them out, and a deck the
    limits above it leave nothing for is not read at all (saturated at 0)."""
    found = Capped({d: 0 for d in deck_ids}, {d: True for d in deck_ids})
    declared = CAPPED_DUE if due_before is not None else CAPPED_NEW
    dated = (due_before,) if due_before is not None else ()

    def visit(deck_id: str, budget: int) -> int:
        share = min(budget, remaining.get(deck_id, 0))
        if share <= 0:
            return 0
        hidden = buried.get(deck_id, 0)
        row = run(conn, declared, (queue, deck_id, *dated, share + hidden)).fetchone()
        count = int(row["found"])
        taken = found.value[deck_id] = min(share, max(0, count - hidden))
        found.saturated[deck_id] = count >= share + hidden
        for child in tree.children(deck_id):
            if taken >= share:
                break
            taken += visit(child.id, share - taken)
        return taken

    for top in tops:
        visit(top, 10**9)
    return found


def load_tally(
    conn: sqlite3.Connection,
    tree: DeckTree,
    deck_id: str | None,
    now: datetime,
    *,
    every_deck: bool = False,
) -> QueueTally:
    """Today's counts for the selected deck and its subdecks (None: all decks), read from the
    database. Counts stop at each deck's share of the selection's limits, which is all that
    `plan(deck_id)` needs; `every_deck` counts each deck up to its own limit instead, so that
    `gather` gives every deck's counts as if it were selected (the deck list)."""
    day = StudyDay.of(now)
    deck_ids = tree.subtree_ids(deck_id)
    new_done, review_done = _done_today(conn, day)
    tally = QueueTally(tree, day, tuple(deck_ids), Capped(), Capped(), {}, new_done, review_done)
    new_left = tally.remaining(True)
    review_left = tally.remaining(False)
    buried = _buried(conn, day, db_time(now))
    end = db_time(day.end)
    if every_deck:
        wanted = set(deck_ids)
        new_caps = {d.id: new_left[d.id] for d in tree.decks if d.id in wanted}
        review_caps = {d.id: review_left[d.id] for d in tree.decks if d.id in wanted}
        tally.new = _capped_counts(conn, QUEUE_NEW, new_caps, buried.new, None)
        tally.review = _capped_counts(conn, QUEUE_REVIEW, review_caps, buried.review, end)
    else:
        tops = [deck_id] if deck_id is not None else [d.id for d in tree.children(None)]
        tally.new = _shared_counts(
            conn, tree, tops, deck_ids, QUEUE_NEW, new_left, buried.new, None
        )
        tally.review = _shared_counts(
            conn, tree, tops, deck_ids, QUEUE_REVIEW, review_left, buried.review, end
        )
    tally.learning = _learning_counts(conn, day, buried.learning)
    return tally
