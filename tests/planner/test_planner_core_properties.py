"""Properties of the planner, whatever the inputs: no day over its capacity unless the overflow
is reported; everything in scope planned exactly once or reported as not fitting; re-planning
after missed or partial days keeps finished work finished."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from planner_helpers import add_course, complete_lesson

from app.core.planner.plan_actions import create_plan
from app.core.planner.plans import ScopeSpec
from app.core.planner.schedule import plan_schedule
from app.core.planner.spread import DaySlot, Work, spread
from app.db.database import ProfileDatabase

KINDS = ("lesson", "video", "questions", "new_cards")


@st.composite
def works(draw: st.DrawFn) -> list[Work]:
    made = []
    for n in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(KINDS))
        scope = f"s{draw(st.integers(0, 4))}"
        priority = draw(st.integers(1, 3))
        if kind == "lesson":
            made.append(
                Work(f"lesson:{n}", kind, scope, priority, 0, draw(st.integers(1, 200)), 60.0)
            )
        elif kind == "video":
            speed = draw(st.sampled_from((1.0, 1.25, 1.5, 2.0)))
            made.append(
                Work(f"video:{n}", kind, scope, priority, 0, draw(st.integers(1, 9000)), 1 / speed)
            )
        elif kind == "questions":
            seconds = draw(st.floats(20, 200))
            made.append(
                Work(
                    f"questions:{n}", kind, f"q{n}", priority, 0, draw(st.integers(1, 400)), seconds
                )
            )
        else:
            response = tuple(draw(st.lists(st.floats(0, 3), min_size=1, max_size=30)))
            units = draw(st.integers(1, 500))
            cap = draw(st.integers(0, 50))
            made.append(
                Work(f"new_cards:{n}", kind, f"d{n}", priority, -1, units, 0.0, daily_cap=cap,
                     review_minutes=response)
            )  # fmt: skip
    return made


@st.composite
def days(draw: st.DrawFn) -> tuple[list[DaySlot], list[float]]:
    count = draw(st.integers(1, 60))
    final = draw(st.integers(0, count - 1))
    slots = [
        DaySlot(
            draw(st.sampled_from((0, 0, 15, 30, 45, 60, 90, 120, 240, 480))), i >= count - final
        )
        for i in range(count)
    ]
    reviews = draw(st.lists(st.floats(0, 300), min_size=count, max_size=count))
    return slots, reviews


@settings(max_examples=300, deadline=None)
@given(days(), works())
def test_no_day_over_capacity_unless_reported_and_everything_once(
    calendar: tuple[list[DaySlot], list[float]], items: list[Work]
) -> None:
    slots, reviews = calendar
    result = spread(slots, reviews, items)
    placed = [0] * len(items)
    for slot, day in zip(slots, result.days, strict=True):
        assert day.planned <= slot.capacity + day.overflow
        assert day.overflow == max(0, day.review_minutes - slot.capacity)
        if day.overflow:
            assert day.placed == []  # nothing new on a day its reviews already overfill
        for part in day.placed:
            assert part.units > 0 and part.minutes >= 0
            assert not slot.final or items[part.work].kind == "questions"
            assert part.offset == placed[part.work]  # parts follow one another, none twice
            placed[part.work] += part.units
    for index, work in enumerate(items):
        assert placed[index] + result.left[index] == work.units
    assert result.left_minutes == sum(
        max(1, items[i].minutes(n)) for i, n in enumerate(result.left) if n > 0
    )
    assert result.fits == (result.overflow_minutes == 0)
    if any(result.left):
        assert not result.fits  # what did not fit is reported


@settings(max_examples=200, deadline=None)
@given(days(), works())
def test_order_within_a_scope_is_kept(
    calendar: tuple[list[DaySlot], list[float]], items: list[Work]
) -> None:
    slots, reviews = calendar
    result = spread(slots, reviews, items)
    started: dict[str, list[int]] = {}
    for day in result.days:
        for part in day.placed:
            work = items[part.work]
            if work.kind in ("lesson", "video") and part.offset == 0:
                started.setdefault(work.scope, []).append(part.work)
    for scope, order in started.items():
        ranked = sorted(order, key=lambda i: (items[i].priority, items[i].order, i))
        assert order == ranked, scope


PARIS = ZoneInfo("Europe/Paris")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(lessons=11, minutes=10, missed=0, done={10})
@given(
    lessons=st.integers(1, 40),
    minutes=st.integers(10, 90),
    missed=st.integers(0, 20),
    done=st.sets(st.integers(0, 39), max_size=15),
)
def test_replanning_after_missed_days_keeps_finished_work_finished(
    database: ProfileDatabase, lessons: int, minutes: int, missed: int, done: set[int]
) -> None:
    from app.core.planner.plans import PlanInputError

    with database.write_session() as session:
        from sqlalchemy import text

        session.execute(text("UPDATE planner_plans SET deleted_at = created_at"))
    course, ids = add_course(database, f"C{lessons}-{minutes}", lessons, minutes=25)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
    try:
        create_plan(database, name=f"p{course}", exam_date=date(2027, 1, 10),
                    minutes=[minutes] * 5 + [0, 0], now=start,
                    scope=[ScopeSpec("course", course)])  # fmt: skip
    except PlanInputError:
        return
    finished = [ids[i] for i in sorted(done) if i < lessons]
    for lesson in finished:
        complete_lesson(database, lesson, course, start + timedelta(hours=1))
    later = start + timedelta(days=missed)
    schedule = plan_schedule(database, now=later, ways_out=False)
    tasks = [t for d in schedule.days for t in d.tasks if t.kind == "lesson"]
    tasks += list(schedule.unplaced)
    assert len({t.key for t in tasks}) == len(tasks)  # nothing twice (a long lesson in parts)
    # Today's tasks stay put through the day (computed as of 4 am): a lesson finished today
    # is still there, marked done; no later day plans it again.
    assert {t.target for t in tasks if t.done} <= set(finished)
    planned = list(dict.fromkeys(t.target for t in tasks if not t.done))
    assert planned == [i for i in ids if i not in finished]  # the rest once each, in order
    assert schedule.fits == (schedule.overflow_minutes == 0)
    for day in schedule.days:
        assert day.planned_minutes <= day.capacity_minutes + day.overflow_minutes
