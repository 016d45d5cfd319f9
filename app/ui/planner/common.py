"""What the Planner's parts share: the clock they read "now" from, the words for a task's kind
and minutes, and where a task opens.

Every read and write of the planner core takes `now`; the parts ask `now()` here (on the GUI
thread, before handing work to the runner) so a test can fix the clock by replacing it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from app.core.planner.tasks import PlanTask
    from app.ui.navigation import Navigator

KIND_NAMES = {
    "lesson": "Lesson",
    "video": "Video",
    "questions": "Questions",
    "reviews": "Reviews",
    "new_cards": "New cards",
}
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def now() -> datetime:
    """The learner's time, aware, in their zone (tests replace this function)."""
    return datetime.now().astimezone()


def minutes_text(minutes: int) -> str:
    """45 min, 2 h, 1 h 25 min."""
    minutes = max(0, int(minutes))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def day_text(day: date) -> str:
    """Mon 7 Dec 2026."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%b %Y}"


def wrapped(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def open_task(navigator: Navigator, task: PlanTask) -> None:
    """Show the task's work in its view, at the right place."""
    where = task.destination
    if where.kind == "lesson" and where.id:
        navigator.open_lesson(where.id)
    elif where.kind == "video" and where.id:
        navigator.open_video_moment(where.id, float(where.position_s or 0.0))
    elif where.kind == "deck":
        navigator.start_review(where.id)
    elif where.kind == "questions":
        navigator.open_questions(where.subject, where.system, where.count, where.pool)
