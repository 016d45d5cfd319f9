"""What a sync changed, as the typed flags the views refresh by (`app.core.changes.Change`):
the one mapping from each table a merge can write to the kinds of data it holds. The apply
records the tables it changed (`ApplyReport.tables`); the engine turns them into flags here.

`tests/sync/test_sync_changes.py` fails for a synced or rebuilt table missing here, so a table
added later says what it changes. A table missing at run time counts as everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.changes import Change

TABLE_CHANGES: dict[str, Change] = {
    "profile_settings": Change.SETTINGS,
    "import_sources": Change.SETTINGS,
    "legacy_documents": Change.SETTINGS,
    "courses": Change.COURSES,
    "course_modules": Change.COURSES,
    "lessons": Change.COURSES | Change.LESSONS,
    "lesson_contents": Change.LESSONS,
    "lesson_events": Change.LESSON_PROGRESS,
    "placement_checks": Change.PLACEMENT,
    "questions": Change.QUESTIONS,
    "question_tags": Change.QUESTIONS | Change.TAGS,
    "question_usage": Change.QUESTIONS,
    "tags": Change.TAGS,
    "notes": Change.NOTES,
    "note_tags": Change.NOTES | Change.TAGS,
    "note_links": Change.NOTES,
    "notebooks": Change.NOTES,
    "note_versions": Change.NOTES,
    "decks": Change.DECKS,
    "cards": Change.CARDS,
    "card_tags": Change.CARDS | Change.TAGS,
    "scheduler_configs": Change.DECKS,
    "card_reviews": Change.REVIEWS,
    "card_review_undos": Change.REVIEWS,
    "videos": Change.VIDEOS,
    "video_bookmarks": Change.BOOKMARKS,
    "video_watch_intervals": Change.WATCHING,
    "playlists": Change.VIDEOS,
    "playlist_items": Change.VIDEOS,
    "video_tags": Change.VIDEOS | Change.TAGS,
    "question_blueprints": Change.BLOCKS,
    "question_blocks": Change.BLOCKS,
    "question_block_events": Change.BLOCKS,
    "question_attempts": Change.ATTEMPTS,
    "planner_plans": Change.PLANS,
    "planner_scope": Change.PLANS,
    "planner_ticks": Change.PLANS,
}

# Media files that arrive show in cards, notes, lessons, questions and video thumbnails.
MEDIA_CHANGES = Change.CARDS | Change.NOTES | Change.LESSONS | Change.QUESTIONS | Change.VIDEOS


def changes_of_tables(tables: Iterable[str]) -> Change:
    changes = Change.NONE
    for table in tables:
        changes |= TABLE_CHANGES.get(table, Change.EVERYTHING)
    return changes


def change_names(changes: Change) -> list[str]:
    """The flags' names, for JSON: ["CARDS", "REVIEWS"]."""
    return [member.name for member in Change if member in changes and member.name]
