"""First sync of a big profile to a new computer (issue 18, "Speed": 100,000 cards with
1,000,000 reviews in under 60 s and under 500 MB of memory).

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_sync_first.py [--scale 1.0] [--edits 3] [--postgres]

How the profile is made: a small real profile (a deck, cards, reviews, made through the core
actions) syncs to the server; its operations, as the server stores them, are the templates.
From them this script writes SCALE x 100,000 card inserts, SCALE x 1,000,000 reviews (10 a
card) and, for a tenth of the cards, `--edits` edits of the front, straight into the server's
store through `Store.push` (the path a push takes, without HTTP): the profile is never built
on a device, so making it takes seconds, not an hour of answering.

Then a new, empty profile in a child process (so its memory is its own) brings it down as the
first launch's "I already use Study Desk" does: `setup_server(..., adopt=True)` and a sync
(the snapshot, as it is this many operations behind). The server is a `serve-sync` process of
its own. Printed: seconds and peak memory (ru_maxrss) of the new computer, peak memory of the
server, the snapshot's size (operations and bytes) and how much compaction left out, and the
server's share (the snapshot read over HTTP and thrown away, no apply).
BENCH_PROFILE=FILE: the new computer's work profiled (cProfile stats written to FILE).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sync_server"))

CARDS = 100_000
REVIEWS_PER_CARD = 10
PUSH_CHUNK = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = ["-m", "app", "--data-dir", str(data_dir), "serve-sync", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, *command, "--database", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("serve-sync did not start") from None
            time.sleep(0.05)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def templates(url: str, folder: Path) -> None:
    """A real profile (a deck, a card, a review) synced to the server: its operations there are
    the templates of the generated ones."""
    from server_helpers import PASSWORD

    from app.core.flashcards import card_actions, deck_actions
    from app.core.flashcards.card_actions import CardText
    from app.core.flashcards.review import answer_card
    from app.db.database import ProfileDatabase
    from app.sync import engine, server_setup

    database = ProfileDatabase.open(folder / "p.sqlite3", folder / "b", create=True)
    deck = deck_actions.create_deck(database, "Bench").deck_id
    card = card_actions.save_card(database, CardText(None, deck, "front", "back", ())).card_ids[0]
    with database.write_session() as session:
        answer_card(session, card, 3, 3000, datetime.now(UTC))
    server_setup.setup_server(database, url, "ada", PASSWORD)
    engine.sync(database)
    database.close()


def generate(store: Any, user_id: int, scale: float, edits: int) -> int:
    """Write the big profile's operations into the store; how many."""
    from app.db.types import db_time
    from app.sync.clock import now_ms, stamp_text
    from app.sync_server.wire import make_op_rows

    dataset, head = store.state(user_id)
    real = [json.loads(body) for body in store.snapshot(user_id, head, None, compact=False)]
    card_op = next(op for op in real if op["t"] == "cards" and op.get("i"))
    review_op = next(op for op in real if op["t"] == "card_reviews")
    cards = int(CARDS * scale)
    device = "generator"
    base = now_ms() - 50_000_000
    counter = 0
    pushed = 0
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rng = random.Random(7)
    batch: list[dict[str, Any]] = []

    def add(op: dict[str, Any]) -> None:
        nonlocal counter, pushed, batch
        counter += 1
        op["c"] = stamp_text(base + counter // 100, counter, device)
        batch.append(op)
        if len(batch) >= PUSH_CHUNK:
            flush()

    def flush() -> None:
        nonlocal pushed, batch
        if batch:
            store.push(user_id, dataset, device, make_op_rows(batch, now=2**62))
            pushed += len(batch)
            batch = []

    ids = [f"00000000-0000-7000-8000-{n:012d}" for n in range(cards)]
    for n, card_id in enumerate(ids):
        made = db_time(start + timedelta(seconds=n))
        values = {
            **card_op["v"],
            "front": f"Question {n}: what does structure {n} do?",
            "back": f"Answer {n}",
            "created_at": made,
            "updated_at": made,
        }
        add({"t": "cards", "k": card_id, "v": values, "i": 1})
    for n, card_id in enumerate(ids[: cards // 10]):
        for edit in range(edits):
            changed = db_time(start + timedelta(days=30 + edit, seconds=n))
            values = {"front": f"Question {n}, edit {edit}", "updated_at": changed}
            add({"t": "cards", "k": card_id, "v": values})
    for step in range(REVIEWS_PER_CARD):
        for n, card_id in enumerate(ids):
            when = db_time(start + timedelta(days=2**step, seconds=n))
            values = {
                **review_op["v"],
                "card_id": card_id,
                "rating": rng.choice((2, 3, 3, 3, 4)),
                "reviewed_at": when,
                "created_at": when,
            }
            add({"t": "card_reviews", "k": f"r{step:02d}-{card_id}", "v": values, "i": 1})
    flush()
    return pushed


def client(url: str, data_dir: Path | str) -> None:
    """The new computer (a child process): an empty profile brings the account's down."""
    from server_helpers import PASSWORD

    from app.db.database import ProfileDatabase
    from app.sync import engine, server_setup

    data_dir = Path(data_dir)
    start = time.perf_counter()
    database = ProfileDatabase.open(data_dir / "p.sqlite3", data_dir / "b", create=True)
    server_setup.setup_server(database, url, "ada", PASSWORD, adopt=True)
    result = engine.sync(database)
    seconds = time.perf_counter() - start
    conn = database.engine.raw_connection()
    try:
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        reviews = conn.execute("SELECT count(*) FROM card_reviews").fetchone()[0]
    finally:
        conn.close()
    database.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak, "pulled": result.pulled}
            | {"cards": cards, "reviews": reviews}
        )
    )


def server_share(url: str, token_user: str, folder: Path) -> tuple[float, int, int]:
    """The snapshot read over HTTP and thrown away: (seconds, lines, bytes)."""
    from server_helpers import PASSWORD

    from app.sync.server_target import ServerTarget

    target = ServerTarget(url)
    target.login(token_user, PASSWORD, "reader", "reader")
    target.dataset = target.meta()["dataset"]
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
    query = urllib.parse.urlencode({"exclude": "reader", "dataset": target.dataset})
    start = time.perf_counter()
    conn.request(
        "GET", f"/v1/snapshot?{query}", headers={"Authorization": f"Bearer {target.token}"}
    )
    response = conn.getresponse()
    lines = size = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, lines - 2, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100,000 cards")
    parser.add_argument("--edits", type=int, default=3, help="edits of a tenth of the cards")
    parser.add_argument("--postgres", action="store_true", help="the server on PostgreSQL")
    parser.add_argument("--client", nargs=2, metavar=("URL", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        profile = os.environ.get("BENCH_PROFILE")  # a file: the new computer's cProfile stats
        if profile:
            import cProfile

            cProfile.runctx("client(*args.client)", globals(), {"args": args}, profile)
        else:
            client(args.client[0], Path(args.client[1]))
        return 0

    from server_helpers import PASSWORD, Postgres

    from app.sync_server import admin
    from app.sync_server.store import Store

    postgres = Postgres() if args.postgres else None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            url = postgres.new_database() if postgres else f"sqlite:///{folder / 'server.sqlite3'}"
            store = Store.open(url)
            admin.add_user(store, "ada", PASSWORD)
            process, server_url = start_server(url, folder / "server-data")
            try:
                (folder / "source").mkdir()
                templates(server_url, folder / "source")
                user_id = int(store.user("ada")["id"])  # type: ignore[index]
                started = time.perf_counter()
                count = generate(store, user_id, args.scale, args.edits)
                made_s = time.perf_counter() - started
                _dataset, head = store.state(user_id)
                compacted = sum(1 for _ in store.snapshot(user_id, head, None))
                store.close()
                cards = int(CARDS * args.scale)
                print(
                    f"profile: {cards:,} cards, {cards * REVIEWS_PER_CARD:,} reviews, "
                    f"{count:,} operations written to the server's store in {made_s:.1f} s; "
                    f"the snapshot holds {compacted:,} of the log's {head:,} (compacted)"
                )
                read_s, lines, size = server_share(server_url, "ada", folder)
                print(
                    f"server's share: the snapshot ({lines:,} operations, {size / 2**20:.0f} MB) "
                    f"sent in {read_s:.1f} s (read over loopback, not applied)"
                )
                (folder / "new").mkdir()
                done = subprocess.run(
                    [sys.executable, __file__, "--client", server_url, str(folder / "new")],
                    cwd=ROOT,
                    env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    print(done.stderr[-3000:])
                    return 1
                got = json.loads(done.stdout.strip().splitlines()[-1])
                print(
                    f"first sync to a new computer: {got['seconds']:.1f} s (target < 60 s), "
                    f"peak memory {got['peak_mb']:.0f} MB (target < 500 MB); "
                    f"{got['pulled']:,} operations pulled, {got['cards']:,} cards and "
                    f"{got['reviews']:,} reviews there; server peak memory "
                    f"{peak_rss_mb(process.pid):.0f} MB"
                )
            finally:
                process.terminate()
                process.wait(10)
    finally:
        if postgres is not None:
            postgres.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
