"""When the work left does not fit before the exam: the ways out, each with its effect computed
by spreading the same work again with one thing changed (never by guessing); and the what-if of
other minutes per weekday.

- more minutes: the fewest extra minutes on every study day that make it fit;
- fewer new cards: the largest share of each deck's new cards that fits;
- drop the lowest priority: leave out the items of the lowest priorities, one level at a time;
- move the exam: the first later exam date (up to 60 days) that fits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from app.core.planner.plans import MAX_MINUTES, WEEKDAYS, PlanSettings, check_minutes
from app.core.planner.schedule import EXTRA_DAYS, Inputs, WayOut
from app.core.planner.spread import Spread, Work

_STEP = 5  # extra minutes are offered in steps of 5


def _finish(inputs: Inputs, result: Spread) -> date | None:
    last = result.finish_day()
    return None if last is None else inputs.first + timedelta(days=last)


def _way(
    kind: str, text: str, inputs: Inputs, result: Spread, change: tuple[tuple[str, str], ...]
) -> WayOut:
    return WayOut(kind, text, result.fits, result.overflow_minutes, _finish(inputs, result), change)


def _first_fitting(
    fits: Callable[[int], bool], guess: int, limit: int, step: int = 1
) -> int | None:
    """The smallest multiple of `step` up to `limit` for which `fits` (assumed monotonic),
    searched from a guess: a few spreads instead of one per value."""
    guess = max(step, min(limit, -(-guess // step) * step))
    if fits(guess):
        low, high = 0, guess
    else:
        low, high = guess, guess
        while not fits(high):
            if high >= limit:
                return None
            low, high = high, min(limit, high * 2)
    while high - low > step:
        middle = (low + high) // 2 // step * step
        if middle <= low:
            break
        if fits(middle):
            high = middle
        else:
            low = middle
    return high


def more_minutes(inputs: Inputs, overflow: int) -> WayOut | None:
    settings = inputs.settings
    days = [d for d, m in zip(WEEKDAYS, settings.minutes, strict=True) if m > 0]

    def with_extra(extra: int) -> tuple[PlanSettings, Spread]:
        minutes = tuple(m + extra if m > 0 else 0 for m in settings.minutes)
        changed = replace(settings, minutes=minutes)
        return changed, inputs.run(changed)

    study_days = sum(1 for s in settings.slots(inputs.first, settings.exam_date) if s.capacity)
    guess = overflow // max(1, study_days)
    extra = _first_fitting(lambda x: with_extra(x)[1].fits, guess, MAX_MINUTES, _STEP)
    if extra is None:
        return None
    changed, result = with_extra(extra)
    text = f"Study {extra} more minutes on each study day ({', '.join(days)})"
    return _way("more_minutes", text, inputs, result,
                (("minutes", ",".join(str(m) for m in changed.minutes)),))  # fmt: skip


def fewer_new_cards(inputs: Inputs) -> WayOut | None:
    decks = [w for w in inputs.collected.works if w.kind == "new_cards"]
    if not decks:
        return None

    def scaled(share: float) -> tuple[list[Work], Spread]:
        works = [
            replace(w, units=math.floor(w.units * share)) if w.kind == "new_cards" else w
            for w in inputs.collected.works
        ]
        return works, inputs.run(works=[w for w in works if w.units > 0])

    if not scaled(0.0)[1].fits:
        return None  # even without new cards it does not fit: another way is needed
    low, high = 0.0, 1.0
    for _ in range(5):  # to about 3 % of the new cards
        middle = (low + high) / 2
        if scaled(middle)[1].fits:
            low = middle
        else:
            high = middle
    works, result = scaled(low)
    kept = {w.scope: w.units for w in works if w.kind == "new_cards"}
    total_before = sum(w.units for w in decks)
    total_after = sum(kept.values())
    text = f"Introduce {total_after} of the {total_before} new cards before the exam"
    started = inputs.collected.started
    change = tuple(
        ("count:" + scope, str(max(1, started.get(scope, 0) + units)))
        for scope, units in kept.items()
    )
    return _way("fewer_new_cards", text, inputs, result, change)


def drop_lowest_priority(inputs: Inputs) -> WayOut | None:
    levels = sorted({w.priority for w in inputs.collected.works}, reverse=True)
    dropped: list[int] = []
    for level in levels[:-1] if len(levels) > 1 else []:
        dropped.append(level)
        works = [w for w in inputs.collected.works if w.priority not in dropped]
        result = inputs.run(works=works)
        if result.fits:
            scopes = sorted({w.scope for w in inputs.collected.works if w.priority in dropped})
            titles = [i.title for i in inputs.settings.scope if i.id in scopes]
            text = "Leave out " + "; ".join(titles) + f" (priority {', '.join(map(str, dropped))})"
            return _way("drop_lowest_priority", text, inputs, result,
                        (("drop", ",".join(scopes)),))  # fmt: skip
    return None


def move_exam(inputs: Inputs, overflow: int) -> WayOut | None:
    settings = inputs.settings

    def moved(extra: int) -> tuple[PlanSettings, Spread]:
        later = replace(settings, exam_date=settings.exam_date + timedelta(days=extra))
        return later, inputs.run(later)

    slots = settings.slots(inputs.first, settings.exam_date)
    per_day = sum(s.capacity for s in slots) / max(1, len(slots))
    extra = _first_fitting(
        lambda x: moved(x)[1].fits, round(overflow / max(per_day, 1)), EXTRA_DAYS
    )
    if extra is None:
        return None
    later, result = moved(extra)
    text = f"Move the exam to {later.exam_date.isoformat()} ({extra} days later)"
    return _way("move_exam", text, inputs, result, (("exam_date", later.exam_date.isoformat()),))


def find_ways_out(inputs: Inputs, result: Spread) -> tuple[WayOut, ...]:
    overflow = result.overflow_minutes
    found = [
        more_minutes(inputs, overflow),
        fewer_new_cards(inputs),
        drop_lowest_priority(inputs),
        move_exam(inputs, overflow),
    ]
    return tuple(w for w in found if w is not None)


@dataclass(frozen=True)
class WhatIf:
    minutes: tuple[int, ...]
    fits: bool
    overflow_minutes: int
    finish_date: date | None  # when the last new material would be done (maybe after the exam)
    days_late: int  # days after the exam that is (0: in time)


def what_if(inputs: Inputs, minutes: Sequence[int]) -> WhatIf:
    values = check_minutes(minutes)
    changed = replace(inputs.settings, minutes=values)
    result = inputs.run(changed)
    finish = _finish(inputs, result)
    if not result.fits:
        longer = inputs.run(changed, extra_days=EXTRA_DAYS)
        finish = None if any(longer.left) else _finish(inputs, longer)
    late = max(0, (finish - changed.exam_date).days + 1) if finish else 0
    if finish is None and not result.fits:
        late = EXTRA_DAYS + 1
    return WhatIf(values, result.fits, result.overflow_minutes, finish, late)
