"""The quick ways of making ids and time texts give exactly what the plain ways give.

Stable ids are how a second import finds what the first one wrote, and time texts are compared
as text in the database: both must not change by a single character.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.db.types import db_time
from app.importers.bulk_rows import time_text
from app.importers.legacy_records import LEGACY_NAMESPACE, derived_id, derived_ids, legacy_time

part = st.one_of(
    st.text(max_size=40).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)),
    st.integers(),
    st.none(),
    st.floats(allow_nan=False),
    st.uuids().map(str),
)


@given(parts=st.lists(part, min_size=1, max_size=5))
def test_derived_ids_are_uuid5_of_the_parts_joined(parts: list[object]):
    expected = str(uuid.uuid5(LEGACY_NAMESPACE, "/".join(str(p) for p in parts)))
    assert derived_id(*parts) == expected


@given(parts=st.lists(part, max_size=4), count=st.integers(0, 12))
def test_derived_ids_in_a_row_are_each_a_derived_id(parts: list[object], count: int):
    assert derived_ids(tuple(parts), count) == [derived_id(*parts, n) for n in range(count)]


@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_time_texts_are_what_the_column_type_stores(moment: datetime):
    assert time_text(moment) == db_time(moment)
    other_zone = moment.astimezone(timezone(timedelta(hours=-5)))
    assert time_text(other_zone) == db_time(moment)


def test_naive_legacy_times_are_local_time_in_one_step(local_zone: str):
    """America/New_York (the tests' zone): the hours around both changes of the clocks."""
    for day in (datetime(2025, 3, 9), datetime(2025, 11, 2), datetime(2024, 6, 1)):
        for minute in range(0, 24 * 60, 10):
            naive = day + timedelta(minutes=minute)
            assert legacy_time(naive.isoformat()) == naive.astimezone().astimezone(UTC)
            assert legacy_time(naive.isoformat()).tzinfo is UTC
