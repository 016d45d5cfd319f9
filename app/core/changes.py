"""What a write changed, as typed flags, so each view can decide whether to refresh.

Every core action returns a frozen result whose `changes` is a `Change` (or a bare `Change`);
the GUI's task runner announces it with the view that asked for the write, and each view
compares it with the `Change` flags it shows (`app/ui/refresh.py`).
"""

from __future__ import annotations

import enum


class Change(enum.Flag):
    """Kinds of data a write touched. Combine with `|`; test with `changes & Change.CARDS`."""

    NONE = 0
    PROFILE = enum.auto()  # the profile's name, password or other profile-level facts
    SETTINGS = enum.auto()  # profile settings (sample content loaded or removed, ...)
    DECKS = enum.auto()
    CARDS = enum.auto()
    REVIEWS = enum.auto()  # the review log (answers and their undos)
    TAGS = enum.auto()
    COURSES = enum.auto()
    LESSONS = enum.auto()
    LESSON_PROGRESS = enum.auto()  # the lesson log: opened, completed, checks answered
    PLACEMENT = enum.auto()
    NOTES = enum.auto()
    VIDEOS = enum.auto()  # the video library: videos, their files, tags, links, playlists
    BOOKMARKS = enum.auto()  # bookmarks in videos
    WATCHING = enum.auto()  # the watch log and what derives from it (position, completion)
    QUESTIONS = enum.auto()  # the question bank: questions and their tags
    BLOCKS = enum.auto()  # assessment blocks and blueprints, and a block's status
    ATTEMPTS = enum.auto()  # scored answers (per-question figures, scores, analytics)
    PLANS = enum.auto()  # study plans, what they cover, and their manual ticks
    # A restore, a profile switch or anything else after which every view reads again.
    EVERYTHING = (
        PROFILE
        | SETTINGS
        | DECKS
        | CARDS
        | REVIEWS
        | TAGS
        | COURSES
        | LESSONS
        | LESSON_PROGRESS
        | PLACEMENT
        | NOTES
        | VIDEOS
        | BOOKMARKS
        | WATCHING
        | QUESTIONS
        | BLOCKS
        | ATTEMPTS
        | PLANS
    )


def changes_of(result: object) -> Change:
    """The changes a write's result carries: the result itself, or its `changes` attribute."""
    if isinstance(result, Change):
        return result
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Change) else Change.NONE
