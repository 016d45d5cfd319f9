"""The shape of a feature's declaration (see `app.features`)."""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass
from typing import Any

from app.core.changes import Change
from app.core.samples import SampleKind


class Destination(enum.Enum):
    """What one view can ask the window to show in another, through `Navigator`."""

    LESSON = "lesson"  # open_lesson(lesson_id)
    DECK_REVIEW = "deck_review"  # start_review(deck_id or None)
    CARD = "card"  # open_card(card_id)
    VIDEO_MOMENT = "video_moment"  # open_video_moment(video_id, seconds)
    NOTE = "note"  # open_note(note_id)
    QUESTIONS = "questions"  # open_questions(subject, system, count, pool): a block to take


# The method a view declaring a destination must have, called with the destination's values.
DESTINATION_METHODS: dict[Destination, str] = {
    Destination.LESSON: "open_lesson",
    Destination.DECK_REVIEW: "start_review",
    Destination.CARD: "open_card",
    Destination.VIDEO_MOMENT: "open_video_moment",
    Destination.NOTE: "open_note",
    Destination.QUESTIONS: "open_questions",
}


def load(path: str) -> Any:
    """The attribute named by "package.module:attribute", imported now."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class ViewDecl:
    """A sidebar view. `factory` is "module:Class", built with the window's `ViewContext` the
    first time the view is shown; `opens` are the destinations it shows."""

    title: str
    factory: str
    opens: tuple[Destination, ...] = ()


@dataclass(frozen=True)
class TodaySection:
    """A part of Today: "module:Class", built with the `ViewContext`."""

    factory: str


@dataclass(frozen=True)
class MenuAction:
    """An entry in one of the window's menus. `run` is "module:function", called on the GUI
    thread as `function(context, window)` (`window` offers `view_of(title)` and is the parent of
    any dialog)."""

    menu: str  # "File", "View", ...
    text: str  # with its & accelerator
    run: str
    shortcut: str | None = None
    tip: str = ""


@dataclass(frozen=True)
class Feature:
    name: str
    views: tuple[ViewDecl, ...] = ()
    today: tuple[TodaySection, ...] = ()
    menu_actions: tuple[MenuAction, ...] = ()
    cli_modules: tuple[str, ...] = ()  # modules with `register(table)` (app/cli)
    samples: tuple[SampleKind, ...] = ()
    shows: Change = Change.NONE  # what its views and sections show (their SHOWS, combined)
