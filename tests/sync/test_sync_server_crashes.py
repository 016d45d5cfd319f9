"""Each crash window of a sync with the server, once, by hand (the property test,
tests/sync/test_sync_property_server.py, mixes them at random): a request lost before it
reaches the server, a push the server committed whose answer was lost, a pull that fails in the
middle of its pages, requests the server handles twice. Each time the sync says nothing was lost,
the next sync picks up, every review exists exactly once and the devices end equal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from faulty_server import Fault, Faults, faulty_server
from server_helpers import PASSWORD, RunningServer
from sync_helpers import Device, differences, rows, scalar, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.db import backup
from app.db.database import ProfileDatabase
from app.sync import engine
from app.sync.capture import prepare_database
from app.sync.server_setup import open_server_target, setup_server
from app.sync.server_sync import sync_with_server
from app.sync.server_target import ServerError


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Faults]]:
    root = tmp_path_factory.mktemp("crash-server")
    with faulty_server(f"sqlite:///{root / 'server.sqlite3'}") as running:
        yield running


class Pair:
    """Two devices of one learner on a fresh account: `a` made the deck, `b` brought it down."""

    def __init__(self, server: RunningServer, faults: Faults, root: Path) -> None:
        self.server, self.faults = server, faults
        user = f"u{uuid.uuid4().hex[:12]}"
        server.add_user(user)
        self.a, self.b = Device.make(root, "a"), Device.make(root, "b")
        self.deck = deck_actions.create_deck(self.a.database, "Biology").deck_id
        self.card = card_actions.save_card(
            self.a.database, CardText(None, self.deck, "What pumps blood?", "heart", ())
        ).card_ids[0]
        for device in (self.a, self.b):
            setup_server(device.database, server.url, user, PASSWORD)
            engine.sync(device.database, device.media)

    def sync_through(self, device: Device, fault: Fault, *, paged: bool = False) -> Faults:
        target = open_server_target(device.database, retries=1, backoff_s=0.001)
        try:
            with self.faults.armed(fault, page_limit=2 if paged else None) as armed:
                if paged:
                    with mock.patch.object(engine, "APPLY_OPS", 3):
                        sync_with_server(device.database, device.media, target=target)
                else:
                    sync_with_server(device.database, device.media, target=target)
        finally:
            target.close()
        return armed

    def head(self) -> int:
        target = open_server_target(self.a.database)
        try:
            return int(target.meta()["head"])
        finally:
            target.close()

    def converge(self) -> None:
        for _round in range(2):
            for device in (self.a, self.b):
                engine.sync(device.database, device.media)
        state = synced_state(self.a.database)
        assert not differences(state, synced_state(self.b.database))
        for device in (self.a, self.b):
            ids = [r[0] for r in rows(device.database, "SELECT id FROM card_reviews")]
            assert len(ids) == len(set(ids))
            assert set(self.a.reviews + self.b.reviews) <= set(ids)
            engine.sync(device.database, device.media)  # again: nothing changes
        assert synced_state(self.a.database) == state == synced_state(self.b.database)

    def close(self) -> None:
        self.a.close()
        self.b.close()


@contextmanager
def pair(faulty: tuple[RunningServer, Faults], tmp_path: Path) -> Iterator[Pair]:
    made = Pair(*faulty, tmp_path)
    try:
        yield made
    finally:
        made.close()


def pending(device: Device) -> int:
    return int(scalar(device.database, "SELECT count(*) FROM sync_outbox"))


def test_a_push_that_never_reaches_the_server_is_sent_next_time(
    faulty: tuple[RunningServer, Faults], tmp_path: Path
) -> None:
    with pair(faulty, tmp_path) as two:
        two.a.answer(two.card, 3)
        head, waiting = two.head(), pending(two.a)
        assert waiting
        with pytest.raises(ServerError, match="nothing was lost"):
            two.sync_through(two.a, Fault("/v1/push", "before", times=2))
        assert two.head() == head  # it never arrived
        assert pending(two.a) == waiting  # and is still to send
        two.converge()


def test_a_push_committed_by_the_server_whose_answer_is_lost_is_not_doubled(
    faulty: tuple[RunningServer, Faults], tmp_path: Path
) -> None:
    with pair(faulty, tmp_path) as two:
        two.a.answer(two.card, 3)
        two.b.answer(two.card, 1)  # the same card on the other device
        head, waiting = two.head(), pending(two.a)
        with pytest.raises(ServerError, match="nothing was lost"):
            two.sync_through(two.a, Fault("/v1/push", "after", times=2))
        committed = two.head()
        assert committed > head  # the server has it ...
        assert pending(two.a) == waiting  # ... the client did not record it
        engine.sync(two.a.database, two.a.media)  # sent again: the server keeps it once
        assert two.head() == committed
        two.converge()
        assert scalar(two.b.database, "SELECT count(*) FROM card_reviews") == 2


def test_a_pull_that_fails_in_the_middle_keeps_what_it_applied_and_resumes(
    faulty: tuple[RunningServer, Faults], tmp_path: Path
) -> None:
    with pair(faulty, tmp_path) as two:
        for number in range(12):
            card_actions.save_card(two.a.database, CardText(None, two.deck, f"{number}", "x", ()))
        engine.sync(two.a.database, two.a.media)
        cards = "SELECT count(*) FROM cards"
        cursor = "SELECT position FROM sync_cursors WHERE source = 'server'"
        before = scalar(two.b.database, cursor)
        with pytest.raises(ServerError, match="nothing was lost"):  # pages of 2, applied by 3
            two.sync_through(two.b, Fault("/v1/pull", "before", times=2, skip=4), paged=True)
        assert before < scalar(two.b.database, cursor) < two.head()  # stopped in the middle
        assert 1 < scalar(two.b.database, cards) < 13  # after applying some pages
        two.converge()
        assert scalar(two.b.database, cards) == 13


def test_a_push_delayed_on_the_way_arriving_after_everything_else_changes_nothing(
    faulty: tuple[RunningServer, Faults], tmp_path: Path
) -> None:
    with pair(faulty, tmp_path) as two:
        two.a.answer(two.card, 3)
        with pytest.raises(ServerError, match="nothing was lost"):
            two.sync_through(two.a, Fault("/v1/push", "delay", times=2))  # held twice
        assert len(two.faults.held) == 2
        engine.sync(two.a.database, two.a.media)  # sent again, and arrives
        two.b.answer(two.card, 1)
        engine.sync(two.b.database, two.b.media)
        head = two.head()
        assert two.faults.deliver(two.server.url) == [200, 200]  # the held ones, late
        assert two.head() == head  # the server had them: nothing new
        two.converge()
        assert scalar(two.b.database, "SELECT count(*) FROM card_reviews") == 2


@pytest.mark.parametrize("path", ["/v1/push", "/v1/pull", "/v1/"])
def test_requests_the_server_handles_twice_change_nothing_twice(
    faulty: tuple[RunningServer, Faults], tmp_path: Path, path: str
) -> None:
    with pair(faulty, tmp_path) as two:
        two.a.answer(two.card, 3)
        card_actions.save_card(two.a.database, CardText(None, two.deck, "lung", "breath", ()))
        two.b.answer(two.card, 2)
        hits = []
        for device in (two.a, two.b, two.a):
            armed = two.sync_through(device, Fault(path, "duplicate", times=10), paged=True)
            hits += armed.hits
        assert len(hits) >= 2, hits  # a pushes, b pushes (and pulls what a pushed)
        two.converge()
        assert scalar(two.a.database, "SELECT count(*) FROM card_reviews") == 2


def test_a_backup_restored_in_place_gets_back_what_it_pushed_after_the_backup(
    faulty: tuple[RunningServer, Faults], tmp_path: Path
) -> None:
    with pair(faulty, tmp_path) as two:
        a = two.a
        a.answer(two.card, 4)
        engine.sync(a.database, a.media)
        backups = a.folder / "backups"
        taken = backup.backup_file(a.database.db_file, backups, "manual", media_dir=a.media)
        later = a.answer(two.card, 2)  # pushed after the backup
        engine.sync(a.database, a.media)
        engine.sync(two.b.database, two.b.media)
        a.database.close()
        backup.restore(a.database.db_file, taken.path, backups, media_dir=a.media)
        a.database = ProfileDatabase.open(a.database.db_file, backups)
        prepare_database(a.database)
        two.converge()  # a new device now (app.db.backup.restore): `later` comes back to a
        assert scalar(a.database, "SELECT 1 FROM card_reviews WHERE id = ?", (later,))
