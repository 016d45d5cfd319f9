"""Rotation keeps the learner's own backups whatever safety copies pile up, and the last backup
of each of the last days the learner used Study Desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.db.backup import BEFORE_IMPORT, BEFORE_RESTORE, list_backups, rotate_backups
from app.db.backup_rotation import RotationPolicy, backups_to_keep, is_safety

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
POLICY = RotationPolicy()


def backup_at(folder: Path, when: datetime, reason: str) -> Path:
    path = folder / f"{when.strftime('%Y%m%dT%H%M%S%fZ')}-{reason}.sqlite3"
    path.write_bytes(b"")
    return path


def kept(folder: Path) -> list[tuple[datetime, str]]:
    return [(b.taken_at, b.reason) for b in list_backups(folder)]


def test_restores_tried_one_after_another_keep_the_learners_own_backups(tmp_path: Path):
    own = [backup_at(tmp_path, NOW - timedelta(hours=n), "on-close") for n in range(1, 11)]
    for n in range(15):  # a learner trying backups, minutes apart
        backup_at(tmp_path, NOW - timedelta(minutes=n), BEFORE_RESTORE)

    rotate_backups(tmp_path, NOW, zone=UTC)

    assert all(path.exists() for path in own)
    safety = [when for when, reason in kept(tmp_path) if reason == BEFORE_RESTORE]
    assert len(safety) == POLICY.recent_safety
    assert max(safety) == NOW  # the newest is always kept


def test_a_script_of_imports_keeps_the_last_backup_of_each_day(tmp_path: Path):
    """The learner studied on seven days over three weeks; then fifty imports from a script."""
    days = [20, 15, 12, 9, 3, 1, 0]
    last_of_day = []
    for days_ago in days:
        day = NOW - timedelta(days=days_ago)
        for hour in (8, 13, 18):
            backup_at(tmp_path, day.replace(hour=hour), "auto")
        last_of_day.append(backup_at(tmp_path, day.replace(hour=21), "on-close"))
    for minute in range(50):
        backup_at(tmp_path, NOW.replace(hour=22) + timedelta(minutes=minute), BEFORE_IMPORT)

    rotate_backups(tmp_path, NOW.replace(hour=23), zone=UTC)

    assert all(path.exists() for path in last_of_day), [p.name for p in last_of_day]
    own = [when for when, reason in kept(tmp_path) if not is_safety(reason)]
    assert len(own) >= POLICY.recent


events = st.lists(
    st.tuples(
        st.datetimes(
            min_value=(NOW - timedelta(days=400)).replace(tzinfo=None),
            max_value=NOW.replace(tzinfo=None),
            timezones=st.just(UTC),
        ),
        st.sampled_from(["manual", "auto", "on-close", BEFORE_IMPORT, BEFORE_RESTORE]),
    ),
    max_size=150,
    unique_by=lambda event: event[0],
)


@settings(max_examples=200, deadline=None, database=None)
@given(events=events)
def test_each_kind_keeps_its_newest_and_each_recent_day_its_last(
    events: list[tuple[datetime, str]],
):
    times = [when for when, _reason in events]
    reasons = [reason for _when, reason in events]
    keep = backups_to_keep(times, NOW, POLICY, reasons=reasons, zone=UTC)
    assert keep <= set(times)
    own = sorted((t for t, r in events if not is_safety(r)), reverse=True)
    assert set(own[: POLICY.recent]) <= keep
    for kind in (BEFORE_IMPORT, BEFORE_RESTORE):
        newest = sorted((t for t, r in events if r == kind), reverse=True)
        assert set(newest[: POLICY.recent_safety]) <= keep
    for day in sorted({t.date() for t in times}, reverse=True)[: POLICY.daily]:
        assert max(t for t in times if t.date() == day) in keep
    bound = POLICY.recent + 2 * POLICY.recent_safety + POLICY.daily + POLICY.weekly
    assert len(keep) <= bound + POLICY.monthly
