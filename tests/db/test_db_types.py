"""UTC timestamps and UUIDv7 keys: the row shapes sync depends on."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from db_helpers import ProfileFile, rows
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError

from app.db.models import ProfileSetting
from app.db.types import UTCDateTime, new_id

DIALECT = sqlite.dialect()


def test_a_naive_datetime_is_refused(profile_file: ProfileFile):
    database = profile_file.open()
    try:
        with pytest.raises(StatementError, match="naive datetime"), database.write_session() as s:
            s.add(ProfileSetting(key="goal", value=1, updated_at=datetime(2026, 3, 1, 9, 30)))
        with database.read_session() as session:
            assert session.get(ProfileSetting, "goal") is None
    finally:
        database.close()


def test_an_aware_datetime_round_trips_as_utc_text(profile_file: ProfileFile):
    india = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=india)
    database = profile_file.open()
    try:
        with database.write_session() as session:
            session.add(ProfileSetting(key="goal", value=1, updated_at=moment))
        with database.read_session() as session:
            stored = session.get(ProfileSetting, "goal")
            assert stored is not None
            assert stored.updated_at == moment
            assert stored.updated_at.utcoffset() == timedelta(0)
    finally:
        database.close()
    raw = rows(profile_file.db_file, "SELECT updated_at FROM profile_settings WHERE key='goal'")
    assert raw == [("2026-03-01T04:00:15.123456Z",)]


moments = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=9))]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(a=moments, b=moments)
def test_stored_text_has_one_width_and_sorts_in_time_order(a: datetime, b: datetime):
    column = UTCDateTime()
    text_a = column.process_bind_param(a, DIALECT)
    text_b = column.process_bind_param(b, DIALECT)
    assert text_a is not None and text_b is not None
    assert len(text_a) == len(text_b) == 27
    assert (text_a < text_b) == (a < b)
    assert column.process_result_value(text_a, DIALECT) == a


def test_new_ids_are_uuid7_and_increase_over_time():
    first = [new_id() for _ in range(500)]
    time.sleep(0.002)
    later = new_id()
    ids = [*first, later]
    assert all(uuid.UUID(value).version == 7 for value in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    millis = int(uuid.UUID(later).hex[:12], 16)
    assert abs(millis / 1000 - time.time()) < 5


def id_time(value: str) -> float:
    """The moment a UUIDv7 says it was made, in seconds since the epoch."""
    return int(uuid.UUID(value).hex[:12], 16) / 1000


def test_ids_made_in_bulk_keep_the_clock_s_time_and_their_order():
    """An import makes hundreds of thousands of ids in a second or two: they must not run
    ahead of the clock (taking the next millisecond for each id put them minutes ahead)."""
    ids = [new_id() for _ in range(200_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(value).variant == uuid.RFC_4122 for value in ids[::1000])
    assert id_time(ids[-1]) <= time.time() + 0.01
    assert time.time() - id_time(new_id()) < 0.5


def test_ids_made_on_several_threads_are_unique_and_each_thread_s_increase():
    from concurrent.futures import ThreadPoolExecutor

    def many(_: int) -> list[str]:
        return [new_id() for _ in range(20_000)]

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(many, range(4)))
    assert all(ids == sorted(ids) for ids in made)
    assert len({value for ids in made for value in ids}) == 80_000


def test_a_forked_child_draws_other_random_bits_than_its_parent():
    """The ids' random bits come from a seeded generator: a child of fork seeds its own, so it
    never repeats the ids its parent makes next."""
    import os

    new_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids' random tails, then out at once
        os.write(write, " ".join(new_id()[-8:] for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    mine = " ".join(new_id()[-8:] for _ in range(5))
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        theirs = pipe.read()
    assert theirs and theirs != mine
