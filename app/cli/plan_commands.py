"""`studydesk plan ...`: create a study plan to an exam date, show its days, list and delete plans.
The same core functions as the Planner view. "Today" is the system's date (its study day starts
at 4 am), so running `plan show` later shows the plan after the days in between."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.cli.common import CommandTable, opened_profile
from app.errors import UserError
from app.paths import DataLocations

if TYPE_CHECKING:
    from app.core.planner.schedule import PlanSchedule
    from app.core.planner.tasks import PlanDay

GROUP = "plan"


def register(table: CommandTable) -> None:
    create = table.add(GROUP, "create", create_plan, "make a study plan to an exam date")
    create.add_argument("--exam", required=True, metavar="YYYY-MM-DD", help="the exam date")
    create.add_argument(
        "--minutes", required=True, type=int, metavar="N", help="minutes on each study day"
    )
    create.add_argument(
        "--weekdays", default="mon,tue,wed,thu,fri,sat,sun", metavar="DAYS",
        help="the study days, e.g. mon,tue,wed,thu,fri (default: every day)",
    )  # fmt: skip
    create.add_argument("--course", action="append", default=[], metavar="NAME",
                        help="a course to cover (its name or id); repeat for more")  # fmt: skip
    create.add_argument("--subject", action="append", default=[], metavar="S",
                        help="a question subject whose unused questions to do (Subject or "
                        "Subject/System); repeat for more")  # fmt: skip
    create.add_argument(
        "--deck", action="append", default=[], metavar="NAME",
        help="a deck whose new cards to learn (its name or id); repeat for more",
    )  # fmt: skip
    create.add_argument(
        "--playlist", action="append", default=[], metavar="NAME",
        help="a video playlist to watch (its name or id); repeat for more",
    )  # fmt: skip
    create.add_argument(
        "--final-days", type=int, default=0, metavar="N",
        help="the last N days before the exam: reviews and questions only",
    )  # fmt: skip
    create.add_argument("--name", metavar="NAME", help="the plan's name (default: Exam DATE)")
    create.add_argument("--json", action="store_true", help="print the new plan as JSON")
    show = table.add(GROUP, "show", show_plan, "today's tasks of the active plan (or a day's)")
    which = show.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="the tasks of this day")
    which.add_argument("--all", action="store_true", help="every day until the exam")
    show.add_argument("--plan", metavar="NAME", help="another plan than the active one")
    show.add_argument("--json", action="store_true", help="print the days as JSON")
    listing = table.add(GROUP, "list", list_plans, "the plans, the active one marked")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    delete = table.add(GROUP, "delete", delete_plan, "delete a plan")
    delete.add_argument("name", metavar="NAME", help="the plan's name or id")


def _date(text: str, field: str) -> date:
    from app.core.planner.plans import PlanInputError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PlanInputError(field, f"{text!r} is not a date: write it as YYYY-MM-DD.") from None


def _now() -> datetime:
    return datetime.now().astimezone()


def create_plan(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.planner.plan_actions import create_plan as create
    from app.core.planner.plan_reads import scope_choices
    from app.core.planner.plans import PlanInputError, ScopeSpec, parse_weekdays

    exam = _date(args.exam, "exam_date")
    if args.minutes <= 0:
        raise PlanInputError("minutes", f"--minutes must be above 0, not {args.minutes}.")
    days = parse_weekdays(args.weekdays)
    minutes = [args.minutes if on else 0 for on in days]
    with opened_profile(args, locations) as opened:
        choices = scope_choices(opened.database)
        scope = [
            *(ScopeSpec("course", _pick(choices.courses, n, "course")) for n in args.course),
            *(
                ScopeSpec("playlist", _pick(choices.playlists, n, "playlist"))
                for n in args.playlist
            ),
            *(_subject(choices.subjects, choices.systems, n) for n in args.subject),
            *(ScopeSpec("deck", _pick(choices.decks, n, "deck")) for n in args.deck),
        ]
        made = create(
            opened.database,
            name=args.name or f"Exam {exam.isoformat()}",
            exam_date=exam,
            minutes=minutes,
            final_days=args.final_days,
            scope=scope,
            now=_now(),
        )
        schedule = _schedule(opened.database, made.plan_id)
    if args.json:
        print(json.dumps(_as_json(schedule, schedule.days), indent=2, ensure_ascii=False))
    else:
        fit = "it fits" if schedule.fits else f"{schedule.overflow_minutes} minutes do not fit"
        print(f"Made the plan “{schedule.name}” to {exam.isoformat()}: {fit}.  {made.plan_id}")
    _notes(schedule)
    return 0


def _pick(choices: tuple[tuple[str, str], ...], wanted: str, kind: str) -> str:
    lowered = wanted.strip().lower()
    for target, title in choices:
        if target == wanted or title.lower() == lowered:
            return target
    from app.core.planner.plans import PlanInputError

    raise PlanInputError("scope", f"No {kind} called {wanted!r}.")


def _subject(
    subjects: tuple[tuple[str, str], ...], systems: tuple[tuple[str, str], ...], wanted: str
) -> Any:
    from app.core.planner.plans import ScopeSpec

    subject, _, system = wanted.partition("/")
    found = _pick(subjects, subject, "question subject") if subject.strip() else ""
    if system.strip():
        return ScopeSpec("subject", found, system=_pick(systems, system, "question system"))
    return ScopeSpec("subject", found)


def _schedule(database: Any, plan_id: str | None) -> PlanSchedule:
    from app.core.planner.schedule import plan_schedule

    return plan_schedule(database, plan_id, now=_now(), ways_out=False)


def show_plan(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.planner.plan_reads import plan_named
    from app.core.planner.plans import NoPlan

    with opened_profile(args, locations) as opened:
        plan_id = None
        if args.plan:
            plan_id = plan_named(opened.database, args.plan)
            if plan_id is None:
                raise NoPlan(f"No plan called {args.plan!r}: see `studydesk plan list`.")
        schedule = _schedule(opened.database, plan_id)
    if args.all:
        days = schedule.days
    else:
        wanted = _date(args.date, "date") if args.date else schedule.today
        days = tuple(d for d in schedule.days if d.date == wanted)
    if args.json:
        print(json.dumps(_as_json(schedule, days), indent=2, ensure_ascii=False))
    else:
        _print_days(schedule, days)
    _notes(schedule)
    return 0


def _as_json(schedule: PlanSchedule, days: tuple[PlanDay, ...]) -> dict[str, Any]:
    return {
        "fits": schedule.fits,
        "overflow_minutes": schedule.overflow_minutes,
        "days": [
            {
                "date": day.date.isoformat(),
                "tasks": [
                    {
                        "kind": t.kind,
                        "target": t.target,
                        "title": t.title,
                        "minutes": t.minutes,
                        "done": t.done,
                    }
                    for t in day.tasks
                ],
            }
            for day in days
        ],
    }


def _print_days(schedule: PlanSchedule, days: tuple[PlanDay, ...]) -> None:
    left = (schedule.exam_date - schedule.today).days
    print(f"{schedule.name}: exam on {schedule.exam_date.isoformat()} ({left} days left).")
    if not schedule.fits:
        print(f"It does not fit: {schedule.overflow_minutes} minutes too many before the exam.")
    if not days:
        print("No study planned for that day.")
    for day in days:
        state = "day off" if day.day_off else f"{day.planned_minutes}/{day.capacity_minutes} min"
        print(f"{day.date.isoformat()}  {state}")
        for task in day.tasks:
            mark = "x" if task.done else " "
            print(f"  [{mark}] {task.title} ({task.minutes} min)")


def _notes(schedule: PlanSchedule) -> None:
    for note in schedule.notes:
        print(f"Note: {note}", file=sys.stderr)


def list_plans(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.planner.plan_reads import list_plans as plans

    with opened_profile(args, locations) as opened:
        rows = plans(opened.database)
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "exam_date": r.exam_date.isoformat(),
                           "start_date": r.start_date.isoformat(), "active": r.active,
                           "items": r.scope_count} for r in rows], indent=2,
                         ensure_ascii=False))  # fmt: skip
        return 0
    if not rows:
        print("No plans yet: make one with `studydesk plan create --exam YYYY-MM-DD --minutes N`.")
    for row in rows:
        mark = "* " if row.active else "  "
        print(
            f"{mark}{row.name}  exam {row.exam_date.isoformat()}, {row.scope_count} items  {row.id}"
        )
    return 0


def delete_plan(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.planner.plan_actions import delete_plan as delete
    from app.core.planner.plan_reads import plan_named

    with opened_profile(args, locations) as opened:
        plan_id = plan_named(opened.database, args.name)
        if plan_id is None:
            raise UserError(f"No plan called {args.name!r}: see `studydesk plan list`.")
        delete(opened.database, plan_id, now=_now())
    print(f"Deleted the plan “{args.name}”.")
    return 0
