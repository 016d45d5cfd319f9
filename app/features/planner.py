"""Planner: a day-by-day study plan to an exam date over lessons, videos, questions and
flashcard reviews, re-spread every morning from what the logs say was done.

Its view and Today section live in `app/ui/planner/` (the planner UI); the core is
`app/core/planner/`, the commands `studydesk plan ...`. Add `PLANNER` to `FEATURES` once
`app/ui/planner/view.py` exists.
"""

from __future__ import annotations

from app.core.changes import Change
from app.features.declarations import Feature, TodaySection, ViewDecl

# What the plan is computed from: the plan itself and every log and content it reads.
SHOWS = (
    Change.PLANS
    | Change.LESSON_PROGRESS
    | Change.WATCHING
    | Change.REVIEWS
    | Change.CARDS
    | Change.DECKS
    | Change.COURSES
    | Change.LESSONS
    | Change.VIDEOS
    | Change.QUESTIONS
    | Change.ATTEMPTS
)

PLANNER = Feature(
    name="planner",
    views=(ViewDecl("Planner", "app.ui.planner.view:PlannerView"),),
    today=(TodaySection("app.ui.planner.today_section:PlanTodaySection"),),
    cli_modules=("app.cli.plan_commands",),
    shows=SHOWS,
)
