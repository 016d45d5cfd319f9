"""Derived state rebuilt from merged logs: for every table the registry says is rebuilt from
others (`TableRule.rebuilt_from`), how the sync engine rebuilds it after a merge.

Each rebuilder names, per source table, the source column holding the key of the rows to
rebuild, and the function that rebuilds them in the apply's transaction. Tables kept by
SQLite triggers (the full-text indexes) need nothing. `tests/sync` fails for a table with
`rebuilt_from` that is in neither, so a derived table added later says how it is rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Rebuilder:
    sources: Mapping[str, str]  # source table -> its column naming the row to rebuild
    run: Callable[[Session, Collection[str]], object]
    rebuild_inserted: bool = False  # rows of the table itself inserted by a merge: rebuild too


def _replay_cards(session: Session, card_ids: Collection[str]) -> object:
    from app.core.flashcards.replay import replay_cards

    return replay_cards(session, card_ids)


def _rebuild_watched(session: Session, video_ids: Collection[str]) -> object:
    from app.core.videos.watching import rebuild_watched

    rebuild_watched(session, video_ids)
    return None


def _refresh_usage(session: Session, question_ids: Collection[str]) -> object:
    from app.core.assessments.usage import refresh_usage

    refresh_usage(session, question_ids)
    return None


REBUILDERS: Mapping[str, Rebuilder] = {
    # A card's schedule: the replay of the union of its reviews (replay.step, the one way).
    "cards": Rebuilder(
        {"card_reviews": "card_id", "card_review_undos": "card_id"},
        _replay_cards,
        rebuild_inserted=True,
    ),
    # Watched seconds of a video: from the union of its watch intervals.
    "videos": Rebuilder({"video_watch_intervals": "video_id"}, _rebuild_watched),
    # Times seen, last result, flagged: from the union of the attempts.
    "question_usage": Rebuilder({"question_attempts": "question_id"}, _refresh_usage),
}

# Derived tables SQLite's triggers keep in line with the rows a merge writes.
KEPT_BY_TRIGGERS = frozenset({"cards_fts", "search_docs", "search_text", "search_trigram"})
