"""A profile file copied back over itself by hand (the learner copies yesterday's copy of the
file over the live one with the file manager, the app closed; not `app.db.backup.restore`)
keeps its path, inode and so its sync device id. The server still holds what that device
pushed after the copy was taken: the copied-back file notices (the server holds more of its
device id than it remembers pushing), becomes a new device, and gets all of it back. Every
review exists exactly once on both devices and nothing is lost; on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from faulty_server import Fault, faulty_server
from server_helpers import PASSWORD, RunningServer, start_server
from sync_helpers import Device, differences, rows, scalar, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.db.database import ProfileDatabase
from app.sync import engine, server_setup, server_sync
from app.sync.capture import prepare_database
from app.sync.clock import now_ms, stamp_text
from app.sync.server_target import ServerError, ServerTarget


def files_of(db_file: Path) -> list[Path]:
    """The profile's files as a file manager sees them (the -wal only if there is one)."""
    return [p for p in (db_file, Path(f"{db_file}-wal")) if p.exists()]


def copy_away(device: Device, folder: Path) -> None:
    """The app closed, the learner copies the profile file (and its -wal, if any) away."""
    device.database.close()
    folder.mkdir(parents=True, exist_ok=True)
    for path in files_of(device.database.db_file):
        shutil.copy(path, folder / path.name)
    reopen(device)


def copy_back(device: Device, folder: Path) -> None:
    """The app closed, the learner copies the saved files back over the live ones (in place:
    shutil.copy writes into the existing file, the same inode)."""
    device.database.close()
    assert (
        not Path(f"{device.database.db_file}-wal").exists()
        or (folder / f"{device.database.db_file.name}-wal").exists()
    )
    for path in folder.iterdir():
        shutil.copy(path, device.folder / path.name)
    reopen(device)


def reopen(device: Device) -> None:
    device.database = ProfileDatabase.open(device.database.db_file, device.folder / "backups")
    prepare_database(device.database)


def device_id(device: Device) -> str:
    return str(scalar(device.database, "SELECT value FROM sync_state WHERE key = 'device_id'"))


def sync(*found: Device) -> list[engine.SyncResult]:
    return [engine.sync(device.database, device.media) for device in found]


def converged(a: Device, b: Device) -> None:
    sync(a, b, a, b)
    assert not differences(synced_state(a.database), synced_state(b.database))
    made = set(a.reviews + b.reviews)
    for device in (a, b):
        ids = [r[0] for r in rows(device.database, "SELECT id FROM card_reviews")]
        assert len(ids) == len(set(ids)), device.name
        assert made <= set(ids), (device.name, made - set(ids))
    assert [r.pulled for r in sync(a, b)] == [0, 0]  # settled


def test_a_profile_copied_back_by_hand_gets_back_what_it_pushed_since(
    server: RunningServer, tmp_path: Path
) -> None:
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    try:
        deck = deck_actions.create_deck(a.database, "Biology").deck_id
        cards = [
            card_actions.save_card(a.database, CardText(None, deck, f"Q{n}", "A", ())).card_ids[0]
            for n in range(3)
        ]
        note = note_actions.create_note(a.database, title="N", body="one").note_id
        for device in (a, b):
            server_setup.setup_server(device.database, server.url, "ada", PASSWORD)
        sync(a, b)
        a.answer(cards[0], 3)
        sync(a)
        a.answer(cards[1], 4)  # in the copy, not pushed yet when it was taken
        copy_away(a, tmp_path / "copy")
        first = device_id(a)

        # After the copy: pushed from a (some of it in the copy's outbox), seen by b.
        later = [a.answer(cards[0], 2), a.answer(cards[2], 1)]
        card_actions.save_card(a.database, CardText(cards[1], deck, "Q1 edited", "A", ()))
        note_actions.save_note(a.database, note, title="N", body="one two", base_version_id=None)
        sync(a, b)
        for review in later:
            assert scalar(b.database, "SELECT 1 FROM card_reviews WHERE id = ?", (review,))
        b.answer(cards[1], 3)
        sync(b)

        # The copy comes back over the live file; the learner studies, then syncs.
        copy_back(a, tmp_path / "copy")
        assert device_id(a) == first  # the same file to the app: only the server can tell
        assert not scalar(a.database, "SELECT 1 FROM card_reviews WHERE id = ?", (later[0],))
        a.reviews = [r for r in a.reviews if r not in later]  # gone from the file...
        a.answer(cards[2], 3)
        sync(a)
        assert device_id(a) != first  # a new device: what the server holds of the old one
        for review in later:  # ...and back from the server
            assert scalar(a.database, "SELECT 1 FROM card_reviews WHERE id = ?", (review,))
        b_id = device_id(b)
        converged(a, b)
        assert device_id(b) == b_id  # nothing the matter with b: it stays itself
        assert scalar(a.database, "SELECT front FROM cards WHERE id = ?", (cards[1],)) == (
            "Q1 edited"
        )
        assert scalar(a.database, "SELECT body FROM notes WHERE id = ?", (note,)) == "one two"
        assert len(set(a.reviews + b.reviews + later)) == scalar(
            a.database, "SELECT count(*) FROM card_reviews"
        )
    finally:
        a.close()
        b.close()


def test_a_copy_back_with_nothing_pushed_since_stays_the_same_device(
    server: RunningServer, tmp_path: Path
) -> None:
    """Copied back when the server holds nothing more of it: nothing to get back, no new
    device (what the copy had not pushed goes out under its own id)."""
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    try:
        deck = deck_actions.create_deck(a.database, "Biology").deck_id
        card = card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ())).card_ids[0]
        for device in (a, b):
            server_setup.setup_server(device.database, server.url, "ada", PASSWORD)
        sync(a, b)
        a.answer(card, 3)
        copy_away(a, tmp_path / "copy")
        first = device_id(a)
        a.answer(card, 4)  # never pushed, then lost with the copy back
        copy_back(a, tmp_path / "copy")
        a.reviews = a.reviews[:1]
        sync(a)
        assert device_id(a) == first
        converged(a, b)
    finally:
        a.close()
        b.close()


def test_a_pull_says_the_newest_operation_of_a_device_when_asked(server: RunningServer) -> None:
    target = ServerTarget(server.url)
    target.login("ada", PASSWORD, "d1", "ada's d1")
    target.dataset = target.claim("dataset-1")
    ms = now_ms()
    ops = [{"c": stamp_text(ms, n, d), "t": "decks", "k": f"{d}{n}"} for n, d in enumerate("abab")]
    for pushed in ops:  # a, b, a, b: seq 1 to 4
        target.push_ops(pushed["c"][-1], [pushed])
    assert target.pushed_head == 4
    page = target.pull(0, "a", own="a")
    assert page["own"] == [3, ops[2]["c"]] and len(page["ops"]) == 2  # a pushed 1 and 3
    assert target.pull(3, "a", own="a")["own"] is None  # none of a's after the cursor
    assert target.pull(0, "a", own="c")["own"] is None
    assert "own" not in target.pull(0, "a")  # not asked (an older client): as before


def test_against_an_older_server_a_copy_back_is_not_judged(tmp_path: Path) -> None:
    """A server that does not know `own` (older) answers without it: no judgment, no error."""

    def older(app: Any) -> Any:
        async def strip(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                query = scope.get("query_string", b"").split(b"&")
                kept = b"&".join(q for q in query if not q.startswith(b"own="))
                scope = {**scope, "query_string": kept}
            await app(scope, receive, send)

        return strip

    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", wrap=older)
    running.add_user("ada")
    a = Device.make(tmp_path, "a")
    try:
        deck = deck_actions.create_deck(a.database, "Biology").deck_id
        card = card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ())).card_ids[0]
        server_setup.setup_server(a.database, running.url, "ada", PASSWORD)
        sync(a)
        copy_away(a, tmp_path / "copy")
        first = device_id(a)
        a.answer(card, 3)
        sync(a)
        copy_back(a, tmp_path / "copy")
        sync(a)
        assert device_id(a) == first  # as before: nothing told it otherwise
    finally:
        a.close()
        running.stop()


def test_a_profile_an_older_version_synced_is_not_judged_until_it_pushes(
    server: RunningServer, tmp_path: Path
) -> None:
    """No record of what it pushed (an older version's profile): not judged, and its next
    push records it; from then on a copy put back is noticed."""
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    try:
        deck = deck_actions.create_deck(a.database, "Biology").deck_id
        card = card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ())).card_ids[0]
        for device in (a, b):
            server_setup.setup_server(device.database, server.url, "ada", PASSWORD)
        sync(a, b)
        forget = "DELETE FROM sync_state WHERE key = 'server_pushed'"
        with a.database.write_session() as session:
            session.connection().exec_driver_sql(forget)
        a.answer(card, 3)
        sync(a)  # pushes: recorded now
        first = device_id(a)
        copy_away(a, tmp_path / "copy")
        a.answer(card, 4)
        sync(a)
        copy_back(a, tmp_path / "copy")
        a.reviews = a.reviews[:1] + a.reviews[2:]
        sync(a)
        assert device_id(a) != first
        converged(a, b)
    finally:
        a.close()
        b.close()


def test_a_lost_answer_or_a_late_push_does_not_make_a_new_device(tmp_path: Path) -> None:
    """What the server holds of this device beyond what the file remembers pushing is not
    always a copy put back: a push committed whose answer was lost (still in the outbox: it
    goes again), or one held on the way that arrives after the file pushed the same changes
    again (stamped before them). The device stays itself."""
    with faulty_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as (running, faults):
        running.add_user("ada")
        a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
        try:
            deck = deck_actions.create_deck(a.database, "Biology").deck_id
            card = card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
            card_id = card.card_ids[0]
            for device in (a, b):
                server_setup.setup_server(device.database, running.url, "ada", PASSWORD)
            sync(a, b)
            first = device_id(a)

            def through(fault: Fault) -> None:
                target = server_setup.open_server_target(a.database, retries=1, backoff_s=0.001)
                try:
                    with faults.armed(fault), pytest.raises(ServerError):
                        server_sync.sync_with_server(a.database, a.media, target=target)
                finally:
                    target.close()

            a.answer(card_id, 3)
            through(Fault("/v1/push", "after", times=2))  # committed, the answer lost
            sync(a)
            assert device_id(a) == first

            card_actions.save_card(a.database, CardText(card_id, deck, "Q one", "A", ()))
            through(Fault("/v1/push", "delay", times=2))  # held on the way
            card_actions.save_card(a.database, CardText(card_id, deck, "Q two", "A", ()))
            sync(a)  # the front's newer stamp goes; the held push's older one is not sent
            assert faults.deliver(running.url) == [200, 200]  # and arrives now
            sync(a)
            assert device_id(a) == first
            converged(a, b)
            assert scalar(b.database, "SELECT front FROM cards") == "Q two"
        finally:
            a.close()
            b.close()
