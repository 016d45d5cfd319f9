"""`studydesk serve-sync` as real processes: its user commands, and server processes on one
PostgreSQL database (one alone, two as `--workers 2`) giving the same results as one (the
sequence has no gaps or repeats, whichever process a push reaches, and devices syncing through
either converge)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server_helpers import PASSWORD, REPO, Postgres, server_process
from sync_helpers import Device, differences, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.sync import engine, server_setup
from app.sync.clock import now_ms, stamp_text
from app.sync.server_target import ServerTarget


def studydesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDYDESK_PASSWORD": PASSWORD, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_user_commands(tmp_path: Path) -> None:
    assert studydesk(tmp_path, "serve-sync", "user", "add", "ada").returncode == 0
    again = studydesk(tmp_path, "serve-sync", "user", "add", "ada")
    assert again.returncode == 1 and "already a user" in again.stderr
    assert studydesk(tmp_path, "serve-sync", "user", "disable", "ada").returncode == 0
    listed = studydesk(tmp_path, "serve-sync", "user", "list")
    assert "ada\tdisabled\t0 devices" in listed.stdout
    assert studydesk(tmp_path, "serve-sync", "user", "passwd", "ada").returncode == 0
    assert studydesk(tmp_path, "serve-sync", "user", "enable", "nobody").returncode == 1
    assert (tmp_path / "sync-server" / "sync-server.sqlite3").exists()  # in the data dir


def test_two_server_processes_on_one_postgresql(postgres: Postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    assert (
        studydesk(tmp_path, "serve-sync", "--database", url, "user", "add", "ada").returncode == 0
    )
    one, two = (
        server_process(url, tmp_path, "--workers", "1"),
        server_process(url, tmp_path, "--workers", "2"),
    )  # three processes in all: one serving alone, two sharing their socket
    with one as first, two as second:
        a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
        deck = deck_actions.create_deck(a.database, "Bio").deck_id
        server_setup.setup_server(a.database, first, "ada", PASSWORD)
        engine.sync(a.database, a.media)
        server_setup.setup_server(b.database, second, "ada", PASSWORD)
        engine.sync(b.database, b.media)
        for n in range(5):
            card_actions.save_card(a.database, CardText(None, deck, f"a{n}", "x", ()))
            card_actions.save_card(b.database, CardText(None, deck, f"b{n}", "x", ()))
            engine.sync(a.database, a.media)
            engine.sync(b.database, b.media)
        engine.sync(a.database, a.media)
        assert not differences(synced_state(a.database), synced_state(b.database))
        a.close()
        b.close()

        # Pushes racing through both processes: every operation numbered once, no gaps.
        def push(worker: int) -> None:
            target = ServerTarget(first if worker % 2 else second)
            target.login("ada", PASSWORD, f"w{worker}", f"worker {worker}")
            target.dataset = target.meta()["dataset"]
            for batch in range(5):
                ops = [
                    {
                        "c": stamp_text(now_ms(), batch * 100 + n, f"w{worker}"),
                        "t": "decks",
                        "k": f"w{worker}-{batch}-{n}",
                        "v": {"name": "x"},
                    }
                    for n in range(20)
                ]
                target.push_ops(f"w{worker}", ops)
                target.push_ops(f"w{worker}", ops[:5])  # repeated: stored once

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(push, range(8)))
        reader = ServerTarget(second)
        reader.login("ada", PASSWORD, "reader", "reader")
        reader.dataset = reader.meta()["dataset"]
        seen, cursor = [], 0
        while True:
            page = reader.pull(cursor, "nobody", limit=20_000)
            seen += page["ops"]
            cursor = page["next"]
            if not page["more"]:
                break
        assert cursor == page["head"] == len(seen)
        keys = [(o["c"], o["k"]) for o in seen]
        assert len(set(keys)) == len(keys)
        assert sum(1 for o in seen if str(o["k"]).startswith("w")) == 8 * 5 * 20
