"""A failing example of the long stateful sync test (tests/sync/test_sync_property.py), replayed
step by step: three devices delete and restore the one card offline while their clocks jump
ahead 2 hours at a time, then meet.

What it found: the device d2 ended 26 hours ahead of the computer's clock, past MAX_AHEAD_MS
(24 h), so d0 and d1 refused its last segment (its delete and restore of the card) with
ClockAhead, as designed, and said so in the sync's `skipped`; the test's convergence check did
not look there, and the card's updated_at (a restore's) differed on d2. The rule now jumps no
further than the limit; here the refusal is said and, once real time catches up, applied.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import test_sync_property
from sync_helpers import differences, synced_state
from test_sync_property import SyncMachine

from app.sync import clock


class Draws:
    """Stands in for Hypothesis's data(): hands out the recorded draws in order."""

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)

    def draw(self, _strategy: Any) -> int:
        return self.values.pop(0)


# (step, device index) of the failing example; the card picked is always 0 (there is one).
STEPS = [
    ("skew", 0), ("restore", 0), ("delete", 0), ("skew", 0), ("skew", 0), ("skew", 0),
    ("skew", 0), ("delete", 0), ("delete", 0), ("restore", 0), ("skew", 0), ("skew", 2),
    ("skew", 1), ("skew", 2), ("restore", 2), ("restore", 0), ("skew", 2), ("restore", 1),
    ("restore", 2), ("skew", 0), ("restore", 2), ("restore", 1), ("restore", 2), ("delete", 1),
    ("skew", 0), ("skew", 2), ("skew", 1), ("restore", 1), ("restore", 0), ("restore", 2),
    ("skew", 2), ("delete", 0), ("restore", 2), ("restore", 0), ("skew", 2), ("restore", 0),
    ("skew", 0), ("skew", 0), ("skew", 2), ("delete", 1), ("restore", 0), ("skew", 2),
    ("skew", 2), ("skew", 2), ("skew", 2), ("restore", 2), ("skew", 1), ("skew", 1),
    ("skew", 0), ("delete", 1), ("skew", 0), ("skew", 1), ("skew", 2), ("skew", 2),
    ("skew", 0), ("skew", 0), ("delete", 2), ("skew", 1), ("restore", 2),
]  # fmt: skip


def unbounded_skew(machine: SyncMachine, index: int) -> None:
    """The rule as it was: 2 hours more, however far ahead the clock already is."""
    device = machine.devices[index]
    device.skew += timedelta(hours=2)
    conn = sqlite3.connect(device.database.db_file)
    with conn:
        conn.execute("UPDATE sync_clock SET floor_ms = floor_ms + 7200000 WHERE id = 1")
    conn.close()


@contextmanager
def replayed(*, capped: bool) -> Iterator[SyncMachine]:
    machine = SyncMachine()
    try:
        machine.start(count=3)
        for step, index in STEPS:
            if step != "skew":
                data = Draws([index, 0])
                machine.delete_or_restore_card(data, delete=step == "delete")  # type: ignore[arg-type]
            elif capped:
                with mock.patch.object(test_sync_property, "event"):  # outside Hypothesis
                    machine.skew_clock_ahead(Draws([index]))  # type: ignore[arg-type]
            else:
                unbounded_skew(machine, index)
        yield machine
    finally:
        for device in machine.devices:
            device.close()
        shutil.rmtree(machine.root, ignore_errors=True)


def card_differences(machine: SyncMachine) -> list[str]:
    states = [synced_state(d.database) for d in machine.devices]
    return [
        f"{d.name}: {differences(states[0], s)}"
        for d, s in zip(machine.devices, states, strict=True)
        if s != states[0]
    ]


def test_a_clock_more_than_a_day_ahead_is_refused_out_loud_then_applied_in_time() -> None:
    with replayed(capped=False) as machine:
        assert machine.devices[2].skew == timedelta(hours=26)  # and wrote after the last jump
        refused: list[str] = []
        for _round in range(2):
            for device in machine.devices:
                refused += device.sync(machine.target).skipped
        assert refused and all("26 hours after this computer's time" in s for s in refused)
        assert card_differences(machine)  # d0 and d1 lack d2's last delete and restore
        later = clock.now_ms() + 3 * 3_600_000  # the computers' clocks catch up
        with mock.patch.object(clock, "now_ms", lambda: later + 26 * 3_600_000):
            machine.converge()
            assert not card_differences(machine)
            machine.check_converged()


def test_the_rule_keeps_clocks_within_a_day_and_the_devices_converge() -> None:
    with replayed(capped=True) as machine:
        assert all(d.skew <= timedelta(hours=22) for d in machine.devices)
        for _round in range(2):
            for device in machine.devices:
                assert not device.sync(machine.target).skipped
        assert not card_differences(machine)
        machine.check_converged()
