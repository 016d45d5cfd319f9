"""`quick_init` records behave as the dataclasses they are: the same parameters and defaults,
equal, hashable, frozen, `replace`-able; a schedule's time is stored as `db_time` stores it."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.core.flashcards.queue_tally import QueueCounts, QueuePlan
from app.core.flashcards.records import quick_init
from app.core.flashcards.replay import LoggedReview
from app.core.flashcards.review import AnswerResult, CardToShow, NextCard
from app.core.flashcards.review_sql import CardRow, stored_time
from app.core.flashcards.scheduling import NEW_CARD, Schedule
from app.db.types import db_time

RECORDS = [Schedule, CardRow, CardToShow, NextCard, AnswerResult, QueueCounts, QueuePlan]
RECORDS.append(LoggedReview)


def generated_signature(cls: type) -> inspect.Signature:
    """The signature dataclasses itself would give `cls`."""
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)
    ]
    return inspect.signature(dataclasses.make_dataclass("Copy", fields, frozen=True).__init__)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_the_same_parameters_and_defaults(cls: type):
    assert inspect.signature(cls.__init__) == generated_signature(cls)


def test_a_record_is_equal_hashable_frozen_and_replaceable():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    made = Schedule(2, None, at, 3.5, 4.5, None, 3, 2, 0, at)
    same = Schedule(
        state=2,
        due=at,
        stability=3.5,
        difficulty=4.5,
        interval_days=3,
        reps=2,
        last_review=at,
    )
    assert made == same and hash(made) == hash(same)
    assert Schedule() == NEW_CARD and Schedule().due is None
    assert repr(made).startswith("Schedule(state=2, step=None, due=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.reps = 3  # type: ignore[misc]
    assert dataclasses.replace(made, reps=4).reps == 4 and made.reps == 2
    with pytest.raises(TypeError):
        Schedule(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        LoggedReview("r", "c", 3, at)  # type: ignore[call-arg]


def test_only_plain_frozen_dataclasses_are_taken():
    @dataclasses.dataclass
    class Plain:
        value: int

    @dataclasses.dataclass(frozen=True)
    class Factory:
        values: list[int] = dataclasses.field(default_factory=list)

    for cls in (Plain, Factory):
        with pytest.raises(TypeError):
            quick_init(cls)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 10, 15, 30, 5, 123456, tzinfo=UTC),
        datetime(2026, 3, 10, 15, 30, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 30, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 10, 10, 30, tzinfo=timezone(timedelta(0))),
    ],
)
def test_a_schedules_time_is_stored_as_db_time_stores_it(value: datetime):
    assert stored_time(value) == db_time(value)
    assert stored_time(value.astimezone(ZoneInfo("America/New_York"))) == db_time(value)


def test_a_time_without_a_zone_is_refused_as_db_time_refuses_it():
    with pytest.raises(ValueError):
        stored_time(datetime(2026, 3, 10, 10, 30))
