"""The planner's core on a real profile: plans and their checks, the schedule, done from the
logs, ticks, missed days, deleted scope, zones, a clock that goes back, the ways out."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from planner_helpers import (
    add_course,
    add_deck,
    add_playlist,
    add_questions,
    answer_questions,
    complete_lesson,
)

from app.core.changes import Change
from app.core.planner.plan_actions import (
    AlreadyDone,
    activate_plan,
    apply_way_out,
    create_plan,
    delete_plan,
    tick_task,
    untick_task,
    update_plan,
)
from app.core.planner.plan_reads import list_plans, plan_settings, what_if_minutes
from app.core.planner.plans import NoPlan, PlanInputError, ScopeSpec
from app.core.planner.schedule import plan_schedule
from app.core.planner.today import today_tasks
from app.db.database import ProfileDatabase

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)  # a Monday
WEEK = [60, 60, 60, 60, 60, 0, 0]


def _plan(database: ProfileDatabase, scope: list[ScopeSpec] | None = None, **fields: object) -> str:
    settings: dict[str, object] = {"name": "Step 1", "exam_date": date(2027, 1, 20),
                                   "minutes": WEEK, "now": NOW, "scope": scope or []}  # fmt: skip
    settings.update(fields)
    return create_plan(database, **settings).plan_id  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"exam_date": date(2026, 12, 7)}, "exam_date", "is today"),
        ({"exam_date": date(2026, 11, 1)}, "exam_date", "in the past"),
        ({"minutes": [0] * 7}, "minutes", "0 minutes"),
        ({"minutes": [30] * 6}, "minutes", "all 7 weekdays"),
        ({"minutes": [30, -1, 0, 0, 0, 0, 0]}, "minutes", "between 0 and"),
        ({"final_days": 60}, "final_days", "leaves no day"),
        ({"name": "  "}, "name", "needs a name"),
        ({"scope": [ScopeSpec("course", "nope")]}, "scope", "No course 'nope'"),
        (
            {
                "minutes": [60, 0, 0, 0, 0, 0, 0],
                "exam_date": date(2026, 12, 13),
                "days_off": [date(2026, 12, 7)],
            },
            "days_off",
            "No study days",
        ),
    ],
)
def test_bad_settings_name_their_field_and_write_nothing(
    database: ProfileDatabase, fields: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(PlanInputError) as raised:
        _plan(database, **fields)
    assert raised.value.field == field
    assert words in str(raised.value)
    assert list_plans(database) == ()


def test_plans_several_one_active_and_delete(database: ProfileDatabase) -> None:
    first = _plan(database, [])
    second = _plan(database, [], name="Step 2", exam_date=date(2027, 6, 1))
    assert [(p.name, p.active) for p in list_plans(database)] == [
        ("Step 1", False),
        ("Step 2", True),
    ]
    assert activate_plan(database, first, now=NOW + timedelta(minutes=1)) == Change.PLANS
    assert [p.active for p in list_plans(database)] == [True, False]
    with pytest.raises(PlanInputError, match="exists"):
        _plan(database, [], name="Step 2")
    delete_plan(database, first, now=NOW)
    assert [p.name for p in list_plans(database)] == ["Step 2"]
    assert plan_schedule(database, now=NOW).name == "Step 2"
    delete_plan(database, second, now=NOW)
    with pytest.raises(NoPlan):
        plan_schedule(database, now=NOW)
    assert today_tasks(database, now=NOW) is None


def test_lessons_in_course_order_within_capacity_reviews_first(database: ProfileDatabase) -> None:
    course, lessons = add_course(database, "Cardio", 40, minutes=20)
    deck = add_deck(database, "Pharm", new=100, studied=300, now=NOW)
    _plan(database, [ScopeSpec("course", course), ScopeSpec("deck", deck)])
    schedule = plan_schedule(database, now=NOW)
    assert schedule.fits and schedule.overflow_minutes == 0 and schedule.ways_out == ()
    order = [t.target for d in schedule.days for t in d.tasks if t.kind == "lesson"]
    assert order == lessons  # each once, in the course's order
    for day in schedule.days:
        assert day.planned_minutes <= day.capacity_minutes
        if day.capacity_minutes == 0:
            assert day.tasks == ()
        kinds = [t.kind for t in day.tasks]
        if "reviews" in kinds:
            assert kinds[0] == "reviews"
    new_cards = sum(t.amount for d in schedule.days for t in d.tasks if t.kind == "new_cards")
    assert new_cards == 100
    first = schedule.days[0]
    assert first.date == date(2026, 12, 7)
    assert first.tasks[0].destination.kind == "deck"
    lesson = next(t for t in first.tasks if t.kind == "lesson")
    assert lesson.destination.kind == "lesson" and lesson.destination.id == lessons[0]


def test_done_comes_from_the_logs_and_ticks_never_twice(database: ProfileDatabase) -> None:
    course, lessons = add_course(database, "Cardio", 10, minutes=10)
    questions = add_questions(database, "Pathology", 200)
    plan = _plan(database, [ScopeSpec("course", course),
                            ScopeSpec("subject", "Pathology", count=100)],
                 minutes=[120] * 5 + [0, 0])  # fmt: skip
    today = today_tasks(database, now=NOW)
    assert today is not None and not any(t.done for t in today.tasks)
    complete_lesson(database, lessons[0], course, NOW + timedelta(minutes=5))
    block = next(t for t in today.tasks if t.kind == "questions")
    answer_questions(database, questions[: block.amount], NOW + timedelta(minutes=30))
    later = NOW + timedelta(hours=1)
    today = today_tasks(database, now=later)
    assert today is not None
    done = {t.key: t.done for t in today.tasks}
    assert done[f"lesson:{lessons[0]}"] and done[block.key]
    assert today.tasks == today_tasks(database, now=later).tasks  # the day's tasks stay put
    with pytest.raises(AlreadyDone, match="the app saw it"):
        tick_task(database, plan, f"lesson:{lessons[0]}", now=later)
    second = f"lesson:{lessons[1]}"
    assert tick_task(database, plan, second, now=later).changes == Change.PLANS
    with pytest.raises(AlreadyDone, match="ticked already"):
        tick_task(database, plan, second, now=later)
    task = next(t for t in today_tasks(database, now=later).tasks if t.key == second)  # type: ignore[union-attr]
    assert task.done and task.ticked
    untick_task(database, plan, second, now=later)
    task = next(t for t in today_tasks(database, now=later).tasks if t.key == second)  # type: ignore[union-attr]
    assert not task.done
    tick_task(database, plan, second, now=later)
    # Tomorrow both ticked and logged lessons are finished: never planned again.
    tomorrow = plan_schedule(database, now=NOW + timedelta(days=1))
    planned = {t.target for d in tomorrow.days for t in d.tasks}
    assert lessons[0] not in planned and lessons[1] not in planned
    assert lessons[2] in planned


def test_missed_days_roll_forward_and_finished_work_stays_finished(
    database: ProfileDatabase,
) -> None:
    course, lessons = add_course(database, "Cardio", 40, minutes=30)
    _plan(database, [ScopeSpec("course", course)], exam_date=date(2027, 1, 8))
    before = plan_schedule(database, now=NOW)
    assert before.fits
    complete_lesson(database, lessons[0], course, NOW + timedelta(hours=1))
    # Nothing else done for a week: the rest is re-spread from the new today.
    later = NOW + timedelta(days=7)
    after = plan_schedule(database, now=later)
    assert after.today == date(2026, 12, 14) and after.days[0].date == after.today
    placed = [t.target for d in after.days for t in d.tasks] + [t.target for t in after.unplaced]
    assert placed == lessons[1:]  # everything left exactly once, the finished one never
    assert after.days[0].tasks[0].target == lessons[1]
    assert not after.fits  # 39 lessons of 30 min no longer fit in 19 weekdays of 60 min
    assert after.overflow_minutes == sum(t.minutes for t in after.unplaced) > 0
    kinds = {w.kind for w in after.ways_out}
    assert {"more_minutes", "move_exam"} <= kinds
    for way in after.ways_out:
        assert way.fits_after and way.overflow_after == 0


def test_ways_out_applied_make_it_fit(database: ProfileDatabase) -> None:
    course, _ = add_course(database, "Cardio", 50, minutes=30)
    plan = _plan(database, [ScopeSpec("course", course)], exam_date=date(2027, 1, 1))
    schedule = plan_schedule(database, now=NOW)
    assert not schedule.fits
    more = next(w for w in schedule.ways_out if w.kind == "more_minutes")
    assert more.description.startswith("Study ") and "more minutes" in more.description
    apply_way_out(database, plan, more, now=NOW)
    assert plan_schedule(database, now=NOW).fits
    assert plan_settings(database, plan).minutes != tuple(WEEK)


def test_what_if_more_minutes_moves_the_finish_date(database: ProfileDatabase) -> None:
    course, _ = add_course(database, "Cardio", 30, minutes=30)
    _plan(database, [ScopeSpec("course", course)])
    slow = what_if_minutes(database, None, WEEK, now=NOW)
    fast = what_if_minutes(database, None, [120] * 5 + [0, 0], now=NOW)
    tight = what_if_minutes(database, None, [20] * 5 + [0, 0], now=NOW)
    assert slow.fits and fast.fits and not tight.fits
    assert fast.finish_date is not None and slow.finish_date is not None
    assert fast.finish_date < slow.finish_date
    assert tight.days_late > 0
    with pytest.raises(PlanInputError):
        what_if_minutes(database, None, [0] * 7, now=NOW)


def test_deleted_course_and_deck_are_named_and_replanned(database: ProfileDatabase) -> None:
    course, _ = add_course(database, "Cardio", 5)
    other, kept = add_course(database, "Renal", 5)
    deck = add_deck(database, "Pharm", new=10)
    plan = _plan(database, [ScopeSpec("course", course), ScopeSpec("course", other),
                            ScopeSpec("deck", deck)])  # fmt: skip
    with database.write_session() as session:
        from app.db.models import Course, Deck

        session.get(Course, course).deleted_at = NOW  # type: ignore[union-attr]
        session.get(Deck, deck).deleted_at = NOW  # type: ignore[union-attr]
    schedule = plan_schedule(database, now=NOW)
    assert any("Cardio" in n and "no longer covers" in n for n in schedule.notes)
    assert any("Pharm" in n for n in schedule.notes)
    planned = [t.target for d in schedule.days for t in d.tasks]
    assert planned == kept
    assert {i.title: i.missing for i in plan_settings(database, plan).scope} == {
        "Cardio": True, "Renal": False, "Pharm": True,
    }  # fmt: skip


def test_plan_from_another_zone_and_a_clock_that_went_back(database: ProfileDatabase) -> None:
    course, lessons = add_course(database, "Cardio", 10)
    tokyo = datetime(2026, 12, 7, 17, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    plan = _plan(database, [ScopeSpec("course", course)], now=tokyo)
    schedule = plan_schedule(database, now=NOW)
    assert any("Asia/Tokyo" in n and "Europe/Paris" in n for n in schedule.notes)
    assert schedule.exam_date == date(2027, 1, 20)
    tick_task(database, plan, f"lesson:{lessons[0]}", now=NOW + timedelta(days=1))
    back = plan_schedule(database, now=NOW)  # the clock is a day behind the tick
    assert any("check the computer's date" in n for n in back.notes)
    assert lessons[0] in [t.target for t in back.days[0].tasks]  # nothing lost or changed
    again = plan_schedule(database, now=NOW + timedelta(days=2))
    assert lessons[0] not in [t.target for d in again.days for t in d.tasks]


def test_morning_roll_over_at_4_am(database: ProfileDatabase) -> None:
    course, lessons = add_course(database, "Cardio", 20, minutes=30)
    _plan(database, [ScopeSpec("course", course)])
    day = today_tasks(database, now=NOW)
    assert day is not None
    complete_lesson(database, lessons[0], course, NOW + timedelta(hours=1))
    night = datetime(2026, 12, 8, 3, 59, tzinfo=PARIS)
    still = today_tasks(database, now=night)
    assert still is not None and still.date == date(2026, 12, 7)
    assert [t.target for t in still.tasks] == [t.target for t in day.tasks]
    morning = today_tasks(database, now=datetime(2026, 12, 8, 4, 0, tzinfo=PARIS))
    assert morning is not None and morning.date == date(2026, 12, 8)
    # Lesson 2 was not done yesterday: it rolls forward to this morning.
    assert [t.target for t in morning.tasks] == lessons[1:3]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (datetime(2027, 3, 27, 20, 0), datetime(2027, 3, 28, 4, 30)),  # 2 am -> 3 am
        (datetime(2026, 10, 24, 20, 0), datetime(2026, 10, 25, 4, 30)),  # 3 am -> 2 am
    ],
)
def test_daylight_saving_changes(
    database: ProfileDatabase, before: datetime, after: datetime
) -> None:
    course, lessons = add_course(database, "Cardio", 30, minutes=30)
    start = before.replace(tzinfo=PARIS)
    _plan(database, [ScopeSpec("course", course)], now=start,
          exam_date=start.date() + timedelta(days=20), minutes=[60] * 7)  # fmt: skip
    first = today_tasks(database, now=start)
    assert first is not None and first.date == start.date()
    assert [t.target for t in first.tasks] == lessons[:2]
    for lesson in lessons[:2]:
        complete_lesson(database, lesson, course, start + timedelta(minutes=30))
    night = today_tasks(database, now=after.replace(hour=3, minute=30, tzinfo=PARIS))
    assert night is not None and night.date == start.date()  # before 4 am: still yesterday
    morning = today_tasks(database, now=after.replace(tzinfo=PARIS))
    assert morning is not None and morning.date == after.date()
    assert morning.days_to_exam == 19
    assert [t.target for t in morning.tasks] == lessons[2:4]


def test_videos_split_and_questions_and_playlists(database: ProfileDatabase) -> None:
    playlist, videos = add_playlist(database, "Renal", [5400.0, 600.0])
    add_questions(database, "Pathology", 50, "Renal")
    _plan(database, [ScopeSpec("playlist", playlist), ScopeSpec("subject", "", system="Renal")],
          minutes=[60] * 7, exam_date=date(2026, 12, 20))  # fmt: skip
    schedule = plan_schedule(database, now=NOW)
    assert schedule.fits
    parts = [t for d in schedule.days for t in d.tasks if t.kind == "video"]
    assert [p.target for p in parts[:2]] == [videos[0], videos[0]]  # 90 min over two days
    assert parts[0].destination.position_s == 0.0
    assert parts[1].destination.position_s == parts[0].amount
    assert sum(p.amount for p in parts if p.target == videos[0]) == 5400
    asked = [t for d in schedule.days for t in d.tasks if t.kind == "questions"]
    assert sum(t.amount for t in asked) == 50
    assert asked[0].destination.system == "Renal" and asked[0].destination.pool == "unused"


def test_update_plan_checks_and_final_period(database: ProfileDatabase) -> None:
    add_questions(database, "Pathology", 400)
    course, _ = add_course(database, "Cardio", 10, minutes=30)
    plan = _plan(database, [ScopeSpec("course", course), ScopeSpec("subject", "Pathology")],
                 final_days=7)  # fmt: skip
    schedule = plan_schedule(database, now=NOW)
    final = [d for d in schedule.days if d.final_period]
    assert len(final) == 7
    assert all(t.kind in ("reviews", "questions") for d in final for t in d.tasks)
    with pytest.raises(PlanInputError) as raised:
        update_plan(database, plan, now=NOW, exam_date=date(2026, 12, 1))
    assert raised.value.field == "exam_date"
    update_plan(database, plan, now=NOW, day_minutes={date(2026, 12, 12): 120})
    assert plan_schedule(database, now=NOW).days[5].capacity_minutes == 120


def test_history_shows_what_was_studied_on_past_days(database: ProfileDatabase) -> None:
    course, lessons = add_course(database, "Cardio", 10, minutes=20)
    questions = add_questions(database, "Pathology", 30)
    _plan(database, [ScopeSpec("course", course)])
    complete_lesson(database, lessons[0], course, NOW + timedelta(hours=2))
    answer_questions(database, questions[:10], NOW + timedelta(days=1, hours=1), seconds=90)
    schedule = plan_schedule(database, now=NOW + timedelta(days=3))
    assert [d.date for d in schedule.history] == [
        date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9),
    ]  # fmt: skip
    assert [d.done_minutes for d in schedule.history] == [20, 15, 0]  # pace default 20 min
    assert [d.capacity_minutes for d in schedule.history] == [60, 60, 60]
