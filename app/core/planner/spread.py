"""Spreading the work left over the days left: the planner's pure core (no database, no clock).

Each day first gets its flashcard reviews (the forecast, plus the reviews caused by the new
cards placed on earlier days); new material fills what they leave, in priority order (then the
order the plan lists its scope, then the course's own order), and never more than the day
holds. Reviews falling on a day off wait for the next study day. A deck's new cards are paced
evenly over the study days before the final period (at most
the deck's new cards per day, and never so many that the reviews they cause overfill a later
day); lessons, videos and questions follow one another in order. An item that does not fit in
what is left of a day waits for the next day (another scope may use the rest); a video or a
set of questions is split across days; a lesson only when it is longer than any day. The final
period takes reviews and questions only. What is left at the end did not fit, and says so.

Minutes are whole numbers throughout, so "never over capacity" is exact: a day's planned minutes
exceed its capacity only when its reviews alone do, and that excess is the day's overflow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_VIDEO_CHUNK_S = 300.0  # a video is not split into parts shorter than 5 minutes of it
MIN_QUESTIONS = 5  # nor a set of questions into fewer than 5


@dataclass(frozen=True)
class DaySlot:
    capacity: int  # minutes; 0 on a day off
    final: bool = False  # reviews and questions only


@dataclass(frozen=True)
class Work:
    """One piece of new material, in the order it should be studied within its scope."""

    key: str  # "lesson:<id>", "video:<id>", "questions:<scope id>", "new_cards:<scope id>"
    kind: str  # lesson | video | questions | new_cards
    scope: str  # the scope item it comes from
    priority: int
    order: int  # the scope's place among equal priorities
    units: int  # lesson: minutes; video: seconds left; questions / new cards: how many
    seconds_per_unit: float  # lesson: 60; video: 1 / speed; questions: seconds per question
    start: float = 0.0  # video: where what is left starts (seconds)
    daily_cap: int = 0  # new cards: at most this many a day
    # new cards: expected minutes of reviews 0, 1, 2... days after introducing one card
    review_minutes: tuple[float, ...] = ()

    @property
    def final_ok(self) -> bool:
        return self.kind == "questions"

    def minutes(self, units: int) -> int:
        if self.kind == "new_cards":
            return math.ceil(units * (self.review_minutes[0] if self.review_minutes else 0) - 1e-9)
        return math.ceil(units * self.seconds_per_unit / 60 - 1e-9)

    def units_within(self, minutes: int) -> int:
        """The most units whose minutes fit in `minutes`."""
        if self.kind == "new_cards":
            per = self.review_minutes[0] if self.review_minutes else 0.0
            return self.units if per <= 1e-6 else max(0, math.floor(minutes / per + 1e-9))
        if self.seconds_per_unit <= 1e-6:
            return self.units
        return max(0, math.floor(minutes * 60 / self.seconds_per_unit + 1e-9))


@dataclass(frozen=True)
class Placed:
    work: int  # index into the works
    units: int
    minutes: int
    offset: int  # units of the work placed before this part (a video's start, questions done)


@dataclass
class SpreadDay:
    capacity: int
    final: bool
    review_minutes: int = 0
    overflow: int = 0  # review minutes beyond capacity
    placed: list[Placed] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return self.review_minutes + sum(p.minutes for p in self.placed)


@dataclass
class Spread:
    days: list[SpreadDay]
    left: list[int]  # units of each work that did not fit
    left_minutes: int  # their minutes
    review_loads: list[float]  # expected review minutes per day, new cards' included

    @property
    def overflow_minutes(self) -> int:
        return self.left_minutes + sum(d.overflow for d in self.days)

    @property
    def fits(self) -> bool:
        return self.overflow_minutes == 0

    def finish_day(self) -> int | None:
        """The last day with new material, or None when none was placed."""
        last = None
        for index, day in enumerate(self.days):
            if day.placed:
                last = index
        return last


def _room_for_new(
    work: Work, day: int, loads: list[float], slots: Sequence[DaySlot], wanted: int
) -> int:
    """How many new cards can start today without their reviews overfilling a later day."""
    room = wanted
    response = work.review_minutes
    for ahead in range(1, min(len(response), len(slots) - day)):
        per = response[ahead]
        if per < 0.02:  # under a second a card: the day it lands on is not at risk
            continue
        if slots[day + ahead].capacity <= 0:
            continue  # its reviews move to the next study day
        spare = slots[day + ahead].capacity - loads[day + ahead]
        if spare <= 0:
            return 0
        room = min(room, math.floor(spare / per))
        if room <= 0:
            return 0
    return room


def spread(slots: Sequence[DaySlot], reviews: Sequence[float], works: Sequence[Work]) -> Spread:
    """Place `works` over `slots` (day 0 first) after each day's `reviews` (minutes)."""
    horizon = len(slots)
    loads = [float(reviews[i]) if i < len(reviews) else 0.0 for i in range(horizon)]
    left = [w.units for w in works]
    done = [0] * len(works)
    # Scopes in priority order; within each, its works in order.
    scopes: dict[str, list[int]] = {}
    for index in sorted(range(len(works)), key=lambda i: (works[i].priority, works[i].order, i)):
        scopes.setdefault(works[index].scope, []).append(index)
    queues = list(scopes.values())
    heads = [0] * len(queues)
    study_days_left = [0] * (horizon + 1)  # study days before the final period, from each day
    longest = [0] * (horizon + 1)  # the longest day from each day on
    for day in range(horizon - 1, -1, -1):
        slot = slots[day]
        study_days_left[day] = study_days_left[day + 1] + (
            1 if slot.capacity > 0 and not slot.final else 0
        )
        longest[day] = max(longest[day + 1], slot.capacity)
    days: list[SpreadDay] = []
    carried = 0.0  # reviews due on days without study: done on the next study day
    for day, slot in enumerate(slots):
        today = SpreadDay(slot.capacity, slot.final)
        if slot.capacity <= 0 and day + 1 < horizon:
            carried += loads[day]
            days.append(today)
            continue
        loads[day] += carried
        carried = 0.0
        load = math.ceil(loads[day] - 1e-9) if loads[day] > 0.01 else 0
        today.review_minutes = load
        if load > slot.capacity:
            today.overflow = load - slot.capacity
        free = max(0, slot.capacity - load)
        for q, queue in enumerate(queues):
            if free <= 0:
                break
            while heads[q] < len(queue) and free > 0:
                index = queue[heads[q]]
                work = works[index]
                if slot.final and not work.final_ok:
                    break
                units = _units_today(
                    work, left[index], free, day, loads, slots, study_days_left, longest[day]
                )
                if units <= 0:
                    break
                minutes = work.minutes(units)
                today.placed.append(Placed(index, units, minutes, done[index]))
                free -= minutes
                left[index] -= units
                done[index] += units
                if work.kind == "new_cards":
                    for ahead, per in enumerate(work.review_minutes[1:], start=1):
                        if day + ahead >= horizon:
                            break
                        loads[day + ahead] += units * per
                    break  # a deck's quota is once a day
                if left[index] > 0:
                    break  # split: the rest waits for the next day
                heads[q] += 1
        days.append(today)
    # Work left over counts at least a minute, so what did not fit never looks like a fit.
    left_minutes = sum(max(1, works[i].minutes(n)) for i, n in enumerate(left) if n > 0)
    return Spread(days, left, left_minutes, loads)


def _units_today(
    work: Work,
    left: int,
    free: int,
    day: int,
    loads: list[float],
    slots: Sequence[DaySlot],
    study_days_left: Sequence[int],
    longest: int,
) -> int:
    if left <= 0:
        return 0
    if work.kind == "new_cards":
        if slots[day].final or study_days_left[day] <= 0:
            return 0
        quota = math.ceil(left / study_days_left[day])
        if work.daily_cap > 0:
            quota = min(quota, work.daily_cap)
        quota = min(quota, left, work.units_within(free))
        return _room_for_new(work, day, loads, slots, quota) if quota > 0 else 0
    if work.minutes(left) <= free:
        return left
    if work.kind == "lesson" and work.minutes(left) <= longest:
        return 0  # whole, unless longer than any day could hold (then in parts, in order)
    units = min(left, work.units_within(free))
    if work.kind == "video" and units * 1.0 < MIN_VIDEO_CHUNK_S and units < left:
        return 0
    if work.kind == "questions" and units < MIN_QUESTIONS and units < left:
        return 0
    return units
