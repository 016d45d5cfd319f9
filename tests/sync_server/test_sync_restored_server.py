"""A sync server restored from an older backup of its database file is filled again from the
devices: each notices the server holds fewer operations than it had pulled, pulls everything
again (harmless) and pushes everything it holds again; afterwards the server holds everything,
the devices converge and nothing is doubled."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from server_helpers import PASSWORD, RunningServer
from sync_helpers import Device, differences, scalar, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.sync import engine, server_setup
from app.sync_server import admin
from app.sync_server.app import create_app
from app.sync_server.store import Store


def start_on(database_url: str, port: int) -> RunningServer:
    """The server on this port (the devices keep its address across the restore)."""
    store = Store.open(database_url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(create_app(store), log_level="error", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sync server did not start")
        time.sleep(0.01)
    return RunningServer(f"http://127.0.0.1:{port}", store, server, thread)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def devices(tmp_path: Path):
    found = [Device.make(tmp_path, name) for name in ("a", "b", "c")]
    yield found
    for device in found:
        device.close()


def backup(db_file: Path, copy: Path) -> None:
    """What an administrator's backup takes: a consistent copy of the live file."""
    with sqlite3.connect(db_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()


def sync(*found: Device) -> list[engine.SyncResult]:
    return [engine.sync(device.database, device.media) for device in found]


def counts(device: Device) -> dict[str, int]:
    return {
        table: scalar(device.database, f"SELECT count(*) FROM {table}")
        for table in ("decks", "cards", "card_reviews", "notes", "note_versions")
    }


def test_a_server_restored_from_an_older_backup_is_filled_again(tmp_path: Path, devices) -> None:
    a, b, c = devices
    db_file = tmp_path / "server.sqlite3"
    url, port = f"sqlite:///{db_file}", free_port()
    server = start_on(url, port)
    admin.add_user(server.store, "ada", PASSWORD)
    try:
        deck = deck_actions.create_deck(a.database, "Bio").deck_id
        for n in range(3):
            card_actions.save_card(a.database, CardText(None, deck, f"Q{n}", "A", ()))
        for device in (a, b):
            server_setup.setup_server(device.database, server.url, "ada", PASSWORD)
        sync(a, b)
        backup(db_file, tmp_path / "backup.sqlite3")  # both devices signed in, 3 cards

        # After the backup: new cards, a review, a note; both devices see everything.
        card = scalar(a.database, "SELECT id FROM cards ORDER BY id LIMIT 1")
        card_actions.save_card(a.database, CardText(None, deck, "Q after", "A", ()))
        assert a.answer(card, 3)
        note = note_actions.create_note(b.database, title="N", body="one two").note_id
        sync(a, b, a)
        note_actions.save_note(b.database, note, title="N", body="one two!", base_version_id=None)
        sync(b, a)
        expected = counts(a)
        assert expected == counts(b)
        assert expected["cards"] == 4 and expected["card_reviews"] == 1
        head_before = server.store.state(1)[1]

        # The server's file restored from the backup.
        server.stop()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(tmp_path / "backup.sqlite3", db_file)
        server = start_on(url, port)
        assert server.store.state(1)[1] < head_before

        first = sync(a, b)
        assert all(
            any("restored from a backup" in note for note in result.skipped) for result in first
        )
        again = sync(a, b)
        assert not any("restored" in note for r in again for note in r.skipped)
        assert [r.pulled for r in sync(a, b)] == [0, 0]  # settled

        # Both converge, nothing doubled, and the server holds everything again: a new
        # device brought down from it alone gets all of it.
        assert counts(a) == expected == counts(b)
        assert not differences(synced_state(a.database), synced_state(b.database))
        server_setup.setup_server(c.database, server.url, "ada", PASSWORD)
        sync(c)
        assert counts(c) == expected
        assert not differences(synced_state(a.database), synced_state(c.database))
        assert scalar(c.database, "SELECT body FROM notes") == "one two!"
    finally:
        server.stop()
