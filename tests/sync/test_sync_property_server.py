"""Devices converge through a real sync server whatever they do offline and whatever the network
does (Hypothesis, stateful): the folder test's machine (tests/sync/test_sync_property.py), its
devices set up with `setup_server` on a fresh account of one real server (uvicorn in a thread on
a loopback port), on SQLite and on a real PostgreSQL. Besides the folder machine's rules (offline
edits of every kind, the same card reviewed on two devices, concurrent note edits, deletes
against edits, clock skew, crashes mid-apply, restored backups, and older copies of the file put
back over it by hand, which keep its device id), a sync runs through faults
(tests/sync/faulty_server.py): requests that never reach the server (503), pushes committed by
the server whose answer is lost (a crash after the server's commit, before the client records
it), requests the server handles twice, pushes held on the way that arrive later (after other
devices' syncs and the client's own retry), and pulls in pages of two operations with a
fault in the middle (a crash mid-pull). At the end every device equals every other, every
review exists exactly once, every note save survives as a version, and syncing again changes
nothing.

`STUDYDESK_LONG_SYNC=1 pytest -m slow tests/sync/test_sync_property_server.py` runs it longer.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from faulty_server import Fault, Faults, faulty_server
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test
from server_helpers import PASSWORD, RunningServer, _pg_bin
from sync_helpers import Device
from test_sync_property import SyncMachine

from app.sync import engine
from app.sync.server_setup import open_server_target, setup_server
from app.sync.server_sync import sync_with_server
from app.sync.server_target import ServerError

PAGE = 2  # operations per pull page when a sync is paged
APPLY = 3  # operations per apply transaction then

SEEN: Counter[str] = Counter()  # what the faults did, over a run (printed at its end)

needs_postgres = pytest.mark.skipif(
    _pg_bin("initdb") is None or _pg_bin("pg_ctl") is None,
    reason="PostgreSQL (initdb, pg_ctl) is not installed: bash packaging/setup-env.sh installs it",
)


@contextmanager
def small_batches(paged: bool) -> Iterator[None]:
    """Apply pulled operations a few at a time, each batch its own transaction."""
    if not paged:
        yield
        return
    with mock.patch.object(engine, "APPLY_OPS", APPLY):
        yield


class ServerSyncMachine(SyncMachine):
    def check_converged(self) -> None:
        super().check_converged()
        SEEN["converged"] += 1  # devices compared equal, every review and version present

    def __init__(self, server: RunningServer, faults: Faults) -> None:
        super().__init__()
        self.server = server
        self.faults = faults
        self.user = f"u{uuid.uuid4().hex[:12]}"  # each example its own account
        server.add_user(self.user)
        faults.held.clear()  # another example's
        self.by_hand = False
        self.copied: set[str] = set()  # devices copied back by hand, not synced since

    def set_up(self, device: Device) -> None:
        setup_server(device.database, self.server.url, self.user, PASSWORD)

    def run_sync(self, device: Device) -> engine.SyncResult:
        return self.noted(device, engine.sync(device.database, device.media))

    def noted(self, device: Device, result: engine.SyncResult) -> engine.SyncResult:
        if any("is a new device now" in note for note in result.skipped):
            copied = device.name in self.copied
            self.saw("a copy put back became a new device" if copied else "new device, no copy")
        self.copied.discard(device.name)
        return result

    def put_back(self, backup: Path, db_file: Path) -> None:
        """The backup comes back as a new file (a new inode), which makes it a new device, as
        the app's own restore does (app.db.backup.restore forgets the file's identity;
        test_sync_server_crashes.py); or (`copy_back_by_hand`) copied over the file in place,
        the same path and inode: it keeps its device id until the server tells it it holds
        more of that id than the file pushed (tests/sync_server/test_sync_hand_copy.py)."""
        if self.by_hand:
            shutil.copy(backup, db_file)
            self.copied.add(db_file.parent.name)
            self.saw("copied back by hand")
            return
        copy = db_file.with_name(db_file.name + ".restoring")
        shutil.copy(backup, copy)
        os.replace(copy, db_file)

    @precondition(lambda self: bool(self.backups))
    @rule(data=st.data())
    def copy_back_by_hand(self, data: st.DataObject) -> None:
        """The learner copies an older copy of the profile file back over the live one with
        the file manager, the app closed (a backup restored in place, not by the app)."""
        names = sorted(self.backups)
        name = names[data.draw(st.integers(0, len(names) - 1))]
        self.by_hand = True
        try:
            self.restore(next(d for d in self.devices if d.name == name))
        finally:
            self.by_hand = False

    def sync_through(self, device: Device, fault: Fault, *, paged: bool = False) -> None:
        """Sync with one try again (retries=1): a fault that hits once is retried away; twice,
        the sync stops with a ServerError that says nothing was lost, and the next sync picks
        up where this one stopped."""
        target = open_server_target(device.database, retries=1, backoff_s=0.001)
        self.saw(f"synced through {fault.mode} {fault.path}" + (" paged" if paged else ""))
        with (
            self.faults.armed(fault, page_limit=PAGE if paged else None) as armed,
            small_batches(paged),
        ):
            try:
                self.noted(device, sync_with_server(device.database, device.media, target=target))
            except ServerError as error:
                assert fault.mode != "duplicate", error
                assert "nothing was lost" in str(error), error
                stopped = armed.hits[-1][1]
                self.saw(f"sync stopped: {fault.mode} {stopped.split('?')[0]}")
                if stopped.startswith("/v1/pull") and "/v1/pull" in armed.passed:
                    self.saw("crashed mid-pull")
                if fault.mode == "after" and stopped.startswith("/v1/push"):
                    self.saw("crashed after the server's commit")
            finally:
                target.close()
        for mode, path in armed.hits:
            self.saw(f"fault: {mode} {path.split('?')[0]}")

    @rule(
        data=st.data(),
        path=st.sampled_from(("/v1/push", "/v1/pull", "/v1/")),
        times=st.integers(1, 2),
        skip=st.integers(0, 2),
        paged=st.booleans(),
    )
    def requests_lost(
        self, data: st.DataObject, path: str, times: int, skip: int, paged: bool
    ) -> None:
        """Requests that never reach the server (a dropped request, a proxy's 503)."""
        self.sync_through(self.device(data), Fault(path, "before", times, skip), paged=paged)

    @rule(data=st.data(), times=st.integers(1, 2), skip=st.integers(0, 1))
    def crash_after_server_commit(self, data: st.DataObject, times: int, skip: int) -> None:
        """The server commits a push, and its answer is lost (503): twice, the client stops
        without recording that its changes went out, and pushes them again next time. A
        review first, so there is something to push (and it must exist once everywhere)."""
        device = self.device(data)
        card = self.pick(data, self._ids(device, "SELECT id FROM cards WHERE deleted_at IS NULL"))
        if card is not None:
            device.answer(card, data.draw(st.integers(1, 4)))
        self.sync_through(device, Fault("/v1/push", "after", times, skip))

    @rule(data=st.data(), skip=st.integers(1, 3))
    def crash_mid_pull(self, data: st.DataObject, skip: int) -> None:
        """A pull in pages of two operations, applied three at a time, fails for good after
        `skip` pages: what was applied stays, with its cursor; the rest comes next time."""
        self.sync_through(self.device(data), Fault("/v1/pull", "before", 2, skip), paged=True)

    @rule(data=st.data(), times=st.integers(1, 2))
    def push_delayed(self, data: st.DataObject, times: int) -> None:
        """Pushes held on the way (the client sees a 503) that reach the server later, after
        whatever happens meanwhile (`delayed_pushes_arrive`, at the latest when everyone
        meets). A review first."""
        device = self.device(data)
        card = self.pick(data, self._ids(device, "SELECT id FROM cards WHERE deleted_at IS NULL"))
        if card is not None:
            device.answer(card, data.draw(st.integers(1, 4)))
        self.sync_through(device, Fault("/v1/push", "delay", times))

    @precondition(lambda self: bool(self.faults.held))
    @rule()
    def delayed_pushes_arrive(self) -> None:
        statuses = self.faults.deliver(self.server.url)
        assert statuses and all(status == 200 for status in statuses), statuses
        self.saw("delayed pushes arrived")

    def converge(self) -> None:
        if self.faults.held:  # the last late pushes arrive before everyone meets
            self.delayed_pushes_arrive()
        super().converge()

    @rule(
        data=st.data(),
        path=st.sampled_from(("/v1/push", "/v1/pull", "/v1/")),
        times=st.integers(1, 3),
        paged=st.booleans(),
    )
    def requests_duplicated(self, data: st.DataObject, path: str, times: int, paged: bool) -> None:
        """The server handles the same request twice (a retry of a request that had arrived)."""
        self.sync_through(self.device(data), Fault(path, "duplicate", times), paged=paged)

    def saw(self, what: str) -> None:
        event(what)
        SEEN[what] += 1


def run_machine(database_url: str, examples: int, steps: int) -> int:
    """Run the machine; returns how many times its devices were compared and found equal."""
    SEEN.clear()
    started = time.process_time()
    with faulty_server(database_url) as (server, faults):
        run_state_machine_as_test(
            lambda: ServerSyncMachine(server, faults),
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    print(
        f"{database_url.split(':')[0]}: {examples} examples x {steps} steps, "
        f"{time.process_time() - started:.1f} s CPU; {dict(SEEN)}"
    )
    return SEEN["converged"]


EXAMPLES = int(os.environ.get("SYNC_SERVER_EXAMPLES", "6"))
STEPS = 20
LONG = pytest.mark.skipif(
    os.environ.get("STUDYDESK_LONG_SYNC") != "1",
    reason="the long sync stress run: set STUDYDESK_LONG_SYNC=1",
)


def test_devices_converge_through_sqlite_server(tmp_path: Path) -> None:
    assert run_machine(f"sqlite:///{tmp_path / 'server.sqlite3'}", EXAMPLES, STEPS) >= EXAMPLES


@needs_postgres
def test_devices_converge_through_postgresql_server(request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("postgres").new_database()
    assert run_machine(url, EXAMPLES, STEPS) >= EXAMPLES


@LONG
@pytest.mark.slow
def test_devices_converge_through_sqlite_server_long(tmp_path: Path) -> None:
    assert run_machine(f"sqlite:///{tmp_path / 'server.sqlite3'}", 60, 50) >= 60


@LONG
@pytest.mark.slow
@needs_postgres
def test_devices_converge_through_postgresql_server_long(request: pytest.FixtureRequest) -> None:
    assert run_machine(request.getfixturevalue("postgres").new_database(), 60, 50) >= 60
