"""Sync server benchmarks (issue 18, "Speed"): loopback figures of `studydesk serve-sync`.

Run on its own (not part of the test suite; PostgreSQL figures need initdb/pg_ctl):

    .venv/bin/python tests/perf/bench_sync_server.py [--ops 10000] [--devices-sqlite 20]
        [--devices-postgres 200] [--rounds 5] [--parts loopback,sqlite,postgres,postgres-paced]
        [--workers N] [--client-processes 4] [--light-clients | --raw-clients]

- 10,000 operations pushed by one device and pulled by another through the server (target
  under 2 s): the transport alone (ServerTarget push/pull), and whole syncs of 10,000 cards
  added on one profile (push, then pull + apply on a second profile);
- a sync with nothing new (target under 50 ms);
- N devices syncing at once (20 on SQLite, 200 on PostgreSQL; target p95 push under 200 ms):
  each device a thread with its own connection and token (two devices per user), the threads
  spread over `--client-processes` processes (default 4: real devices are other computers,
  and 200 threads in one Python process queue for its one interpreter lock, which added
  40-50 ms to the p95 here), all started together, each round a push of 20 operations then a
  pull; the server is a `serve-sync` process of its own (`--workers N` processes). This
  machine's 2 cores run the server, PostgreSQL and all the clients: the figure prints the CPU
  each spent a request, the push p95 of each round (the first is 200 pushes arriving at the
  same instant) and the load average (other work on the machine slows every figure).
  `--light-clients`: the same requests sent with half the client CPU of the app's client
  (LightTarget); `--raw-clients`: the same requests again, built before the start and sent from
  one asyncio loop per client process (a third of the app client's CPU a request, the load
  generator as near to absent as this machine allows); `postgres-paced`: each device syncing
  every 5 s on average.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sync_server"))

from server_helpers import PASSWORD, Postgres, server_process, start_server  # noqa: E402

from app.core.flashcards.cards import NewCard, add_cards  # noqa: E402
from app.core.flashcards.decks import ensure_deck  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.sync import engine, server_setup  # noqa: E402
from app.sync.clock import now_ms, stamp_text  # noqa: E402
from app.sync.server_target import ServerTarget  # noqa: E402
from app.sync_server.accounts import hash_password  # noqa: E402
from app.sync_server.store import Store  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def reference_ms() -> float:
    """This machine's speed now: the best of five runs of a fixed Python loop, in ms. The
    machine's speed drifts (a shared virtual machine): every figure moves with it."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for n in range(300_000):
            total += n * n % 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def tree_cpu_s(roots: set[int]) -> tuple[float, int, float]:
    """CPU seconds (user + system) used so far by these processes and their descendants that
    are still running, how many they are, and the system part of the seconds (Linux /proc;
    0 elsewhere)."""
    parents, used, system = {}, {}, {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        system[int(entry.name)] = int(fields[12]) / os.sysconf("SC_CLK_TCK")
    total, count, kernel, found = 0.0, 0, 0.0, set(roots) & set(used)
    while found:
        total, count = total + sum(used[pid] for pid in found), count + len(found)
        kernel += sum(system[pid] for pid in found)
        found = {pid for pid, parent in parents.items() if parent in found}
    return total, count, kernel


def server_pid(url: str) -> set[int]:
    port = url.rsplit(":", 1)[1].encode()
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve-sync" in args and port in args:
            found.add(int(entry.name))
    return found


def request_bytes(head: str, method: str, path: str, body: bytes = b"") -> bytes:
    """An HTTP/1.1 request as the bench's light and raw clients send it (`head`: the Host and
    Authorization lines)."""
    typed = "Content-Type: application/json\r\n" if body else ""
    return (
        f"{method} {path} HTTP/1.1\r\n{head}{typed}Content-Length: {len(body)}\r\n\r\n"
        .encode() + body
    )  # fmt: skip


class LightTarget:
    """The push and the pull of the sync protocol (the same requests as ServerTarget's) over
    one kept-alive HTTP/1.1 connection, with a fraction of http.client's Python a request:
    the bench's 200 client threads share this machine's cores with the server and
    PostgreSQL, which real devices (other computers) do not."""

    def __init__(self, url: str, token: str, dataset: str) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\n"
        self.dataset = dataset

    def request(self, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
        self.sock.sendall(request_bytes(self.head, method, path, body))
        status, length = self.reader.readline(), 0
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        data = self.reader.read(length)
        if status.split()[1] != b"200":
            raise RuntimeError(f"{status!r}: {data[:200]!r}")
        return dict(json.loads(data))

    def meta(self) -> None:
        self.request("GET", "/v1/meta")

    def push_ops(self, device: str, ops: list[dict[str, object]]) -> int:
        body = {"dataset": self.dataset, "device": device, "ops": ops}
        return int(self.request("POST", "/v1/push", json.dumps(body).encode())["accepted"])

    def pull(self, cursor: int, exclude: str) -> dict[str, Any]:
        query = f"cursor={cursor}&limit=5000&exclude={exclude}&dataset={self.dataset}"
        return self.request("GET", f"/v1/pull?{query}")


def ops_for(device: str, count: int, start: int = 0) -> list[dict[str, object]]:
    base = now_ms()
    return [
        {
            "c": stamp_text(base, start + n, device),
            "t": "cards",
            "k": f"{device}-{start + n:08d}",
            "v": {"front": f"front {start + n}", "back": "back", "deck_id": "deck"},
            "i": 1,
        }
        for n in range(count)
    ]


def loopback(folder: Path, count: int) -> None:
    server = start_server(f"sqlite:///{folder / 'server.sqlite3'}")
    server.add_user("ada")
    server.add_user("bob")
    try:
        pusher, puller = ServerTarget(server.url), ServerTarget(server.url)
        pusher.login("bob", PASSWORD, "aaaa", "pusher")
        puller.login("bob", PASSWORD, "bbbb", "puller")
        pusher.dataset = puller.dataset = pusher.claim("bench")
        ops = ops_for("aaaa", count)
        start = time.perf_counter()
        pusher.push_ops("aaaa", ops)
        push_s = time.perf_counter() - start
        start = time.perf_counter()
        got, cursor = 0, 0
        while True:
            page = puller.pull(cursor, "bbbb")
            got, cursor = got + len(page["ops"]), page["next"]
            if not page["more"]:
                break
        pull_s = time.perf_counter() - start
        print(
            f"transport: {count:,} operations pushed in {push_s:.2f} s, {got:,} pulled in "
            f"{pull_s:.2f} s (together {push_s + pull_s:.2f} s; target < 2 s)"
        )

        a = ProfileDatabase.open(folder / "a.sqlite3", folder / "ba", create=True)
        b = ProfileDatabase.open(folder / "b.sqlite3", folder / "bb", create=True)
        server_setup.setup_server(a, server.url, "ada", PASSWORD)
        engine.sync(a)
        server_setup.setup_server(b, server.url, "ada", PASSWORD)
        engine.sync(b)
        with a.write_session() as session:
            deck = ensure_deck(session, "Bench").id
            add_cards(session, deck, [NewCard(f"front {n}", f"back {n}") for n in range(count)])
        start = time.perf_counter()
        pushed = engine.sync(a)
        push_s = time.perf_counter() - start
        start = time.perf_counter()
        pulled = engine.sync(b)
        pull_s = time.perf_counter() - start
        print(
            f"sync: {pushed.pushed:,} operations pushed in {push_s:.2f} s, {pulled.pulled:,} "
            f"pulled and applied in {pull_s:.2f} s (together {push_s + pull_s:.2f} s; "
            "target < 2 s)"
        )
        times = []
        for _ in range(20):
            start = time.perf_counter()
            engine.sync(b)
            times.append(time.perf_counter() - start)
        print(
            f"no-op sync: median {ms(statistics.median(times))}, p95 {ms(p95(times))} "
            "(target < 50 ms)"
        )
        a.close()
        b.close()
    finally:
        server.stop()


def _client_group(
    server_url: str,
    tokens: list[tuple[str, str, str]],
    barrier: tuple[Any, Any],
    found: Any,
    rounds: int,
    every_s: float,
    light: bool,
) -> None:
    """One client process: a thread per device, each with its own connection and token; puts
    (each device's push times, all pull times, errors) on `found`."""
    pushes: list[list[float]] = []
    pulls: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def device(token: str, dataset: str, device_id: str) -> None:
        target: ServerTarget | LightTarget
        if light:
            target = LightTarget(server_url, token, dataset)
        else:
            target = ServerTarget(server_url, token, dataset=dataset, timeout_s=120)
        cursor, mine, theirs = 0, [], []
        try:
            target.meta()  # connected before the start
            barrier[0].wait(timeout=120)
            barrier[1].wait(timeout=120)
            pause = random.Random(device_id)
            for round_ in range(rounds):
                if every_s:
                    time.sleep(pause.uniform(0, 2 * every_s))
                ops = ops_for(device_id, 20, round_ * 20)
                start = time.perf_counter()
                target.push_ops(device_id, ops)
                mine.append(time.perf_counter() - start)
                start = time.perf_counter()
                cursor = int(target.pull(cursor, device_id)["next"])
                theirs.append(time.perf_counter() - start)
        except Exception as error:  # reported by the bench
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        with lock:
            pushes.append(mine)
            pulls.extend(theirs)

    threads = [threading.Thread(target=device, args=t) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found.put((pushes, pulls, errors))


def _raw_client_group(
    server_url: str,
    tokens: list[tuple[str, str, str]],
    barrier: tuple[Any, Any],
    found: Any,
    rounds: int,
) -> None:
    """One client process for `--raw-clients`: every device of the group a connection of one
    asyncio loop, its requests (the same bytes as LightTarget's) built before the start, and
    the answer read with as little Python as it can: the load generator as close to absent
    as a machine that also runs the server and PostgreSQL allows. Puts what `_client_group`
    puts on `found`."""
    import asyncio

    host, port = server_url.removeprefix("http://").rsplit(":", 1)

    async def answer(reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        at = head.lower().find(b"content-length:")
        data = await reader.readexactly(int(head[at + 15 : head.find(b"\r\n", at)]))
        if head[9:12] != b"200":
            raise RuntimeError(f"{head[:40]!r}: {data[:200]!r}")
        return data

    async def run() -> tuple[list[list[float]], list[float], list[str]]:
        devices = []
        for token, dataset, device_id in tokens:
            reader, writer = await asyncio.open_connection(host, int(port))
            head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\n"
            writer.write(request_bytes(head, "GET", "/v1/meta"))
            await answer(reader)
            ops = [
                json.dumps(
                    {"dataset": dataset, "device": device_id, "ops": ops_for(device_id, 20, r * 20)}
                ).encode()
                for r in range(rounds)
            ]
            pushes = [request_bytes(head, "POST", "/v1/push", body) for body in ops]
            devices.append((reader, writer, head, dataset, device_id, pushes))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, barrier[0].wait, 120)
        await loop.run_in_executor(None, barrier[1].wait, 120)
        pulls: list[float] = []
        errors: list[str] = []

        async def device(
            reader: asyncio.StreamReader,
            writer: asyncio.StreamWriter,
            head: str,
            dataset: str,
            device_id: str,
            pushes: list[bytes],
        ) -> list[float]:
            mine, cursor, clock = [], 0, time.perf_counter
            try:
                for push in pushes:
                    start = clock()
                    writer.write(push)
                    if json.loads(await answer(reader))["accepted"] != 20:
                        raise RuntimeError("a push was not stored whole")
                    mine.append(clock() - start)
                    query = f"cursor={cursor}&limit=5000&exclude={device_id}&dataset={dataset}"
                    start = clock()
                    writer.write(request_bytes(head, "GET", f"/v1/pull?{query}"))
                    cursor = int(json.loads(await answer(reader))["next"])
                    pulls.append(clock() - start)
            except Exception as error:  # reported by the bench
                errors.append(f"{type(error).__name__}: {error}")
            writer.close()
            return mine

        times = await asyncio.gather(*(device(*found) for found in devices))
        return list(times), pulls, errors

    found.put(asyncio.run(run()))


def devices_at_once(
    url: str,
    data_dir: Path,
    count: int,
    rounds: int,
    label: str,
    every_s: float = 0.0,
    postgres: Postgres | None = None,
    workers: int | None = None,
    light: bool = False,
    client_processes: int = 4,
    raw: bool = False,
) -> None:
    store = Store.open(url)
    hashed = hash_password(PASSWORD)
    tokens: list[tuple[str, str, str]] = []
    for user in range((count + 1) // 2):
        user_id = store.add_user(f"user{user}", hashed)
        store.claim_dataset(user_id, f"data{user}")
        for device in range(2):
            if len(tokens) == count:
                break
            public, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
            digest = hashlib.sha256(secret.encode()).hexdigest()
            store.add_device(user_id, public, f"d{device}", f"dev{user}x{device}", digest)
            tokens.append((f"{public}.{secret}", f"data{user}", f"dev{user}x{device}"))
    store.close()
    pushes: list[float] = []
    by_round: list[list[float]] = [[] for _ in range(rounds)]
    pulls: list[float] = []
    errors: list[str] = []
    args = () if workers is None else ("--workers", str(workers))
    with server_process(url, data_dir, *args) as server_url:
        # Every device waits for all the others, across the client processes, then starts.
        spawn = multiprocessing.get_context("fork")
        groups = [group for n in range(client_processes) if (group := tokens[n::client_processes])]
        # (ready: all connected; go: the start): each device's thread and the bench's own, or
        # with raw clients each client process and the bench
        parties = (len(groups) if raw else count) + 1
        barrier = (spawn.Barrier(parties), spawn.Barrier(parties))
        found: Any = spawn.Queue()
        clients = [
            spawn.Process(
                target=_raw_client_group, args=(server_url, group, barrier, found, rounds)
            )
            if raw
            else spawn.Process(
                target=_client_group,
                args=(server_url, group, barrier, found, rounds, every_s, light),
            )
            for group in groups
        ]
        servers = server_pid(server_url)
        postmaster = set()
        if postgres is not None:  # the cluster's first process: the parent of its backends
            postmaster.add(int((postgres.data / "postmaster.pid").read_text().split()[0]))
        time.sleep(1.0)  # the server's worker processes started
        processes = tree_cpu_s(servers)[1]
        cpu = (tree_cpu_s(servers), tree_cpu_s(postmaster))
        for client in clients:
            client.start()
        client_pids = {client.pid for client in clients if client.pid is not None}
        barrier[0].wait(timeout=120)  # the clients' connections made (`meta`)
        client_cpu = tree_cpu_s(client_pids)[0]
        barrier[1].wait(timeout=120)
        start = time.perf_counter()
        results = [found.get() for _ in clients]
        wall = time.perf_counter() - start
        client_cpu = tree_cpu_s(client_pids)[0] - client_cpu
        after = (tree_cpu_s(servers), tree_cpu_s(postmaster))
        for client in clients:
            client.join()
        used = (
            after[0][0] - cpu[0][0],
            after[1][0] - cpu[1][0],
            client_cpu,
            after[0][2] - cpu[0][2],
        )
    for mine, theirs, failed in results:
        pushes.extend(took for device in mine for took in device)
        for device in mine:
            for round_, took in enumerate(device):
                by_round[round_].append(took)
        pulls.extend(theirs)
        errors.extend(failed)
    how = f"each syncing every {every_s:g} s on average" if every_s else "all at once"
    how += (
        " (raw clients: asyncio, requests built before the start"
        if raw
        else " (light HTTP clients"
        if light
        else " (the app's client, ServerTarget"
    )
    how += f", {len(clients)} client processes)"
    print(
        f"{label}: {count} devices {how}, {rounds} rounds of push (20 ops) + pull: push "
        f"median {ms(statistics.median(pushes))}, p95 {ms(p95(pushes))} (target < 200 ms); "
        f"pull p95 {ms(p95(pulls))}; {len(pushes) / wall:.0f} pushes/s; "
        f"{len(errors)} errors{': ' + errors[0] if errors else ''}"
    )
    rounds_p95 = ", ".join(f"{p95(found) * 1000:.0f}" for found in by_round if found)
    print(f"  push p95 by round: {rounds_p95} ms")
    requests = len(pushes) + len(pulls)
    print(
        f"  CPU per request (push or pull), {requests} in {wall:.1f} s: server "
        f"({processes} processes{', parent and workers' if processes > 1 else ''}) "
        f"{used[0] / requests * 1000:.2f} ms ({used[3] / requests * 1000:.2f} in the kernel), "
        f"database {used[1] / requests * 1000:.2f} ms, "
        f"clients {used[2] / requests * 1000:.2f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--devices-sqlite", type=int, default=20)
    parser.add_argument("--devices-postgres", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--workers", type=int, help="serve-sync --workers on PostgreSQL (default: its own)"
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=4,
        help="devices at once: the devices' threads spread over this many processes (default 4)",
    )
    parser.add_argument(
        "--light-clients",
        action="store_true",
        help="devices at once: the same requests with less client CPU (LightTarget)",
    )
    parser.add_argument(
        "--raw-clients",
        action="store_true",
        help="devices at once: the same requests from asyncio clients that build them first",
    )
    parser.add_argument(
        "--parts",
        default="loopback,sqlite,postgres,postgres-paced",
        help="which figures, comma-separated (default: all four)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"machine: a reference Python loop takes {reference_ms():.1f} ms now (slower: busier)")
    if "loopback" in parts:
        with tempfile.TemporaryDirectory() as scratch:
            loopback(Path(scratch), args.ops)
    if "sqlite" in parts:
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{Path(scratch) / 'server.sqlite3'}"
            devices_at_once(
                url,
                Path(scratch),
                args.devices_sqlite,
                args.rounds,
                "SQLite",
                client_processes=args.client_processes,
            )
    if not parts & {"postgres", "postgres-paced"}:
        return 0
    postgres = Postgres()
    try:
        if "postgres" in parts:
            with tempfile.TemporaryDirectory() as scratch:
                url = postgres.new_database()
                devices_at_once(
                    url,
                    Path(scratch),
                    args.devices_postgres,
                    args.rounds,
                    "PostgreSQL",
                    postgres=postgres,
                    workers=args.workers,
                    light=args.light_clients,
                    client_processes=args.client_processes,
                    raw=args.raw_clients,
                )
        if "postgres-paced" in parts:
            with tempfile.TemporaryDirectory() as scratch:
                url = postgres.new_database()
                devices_at_once(
                    url,
                    Path(scratch),
                    args.devices_postgres,
                    args.rounds,
                    "PostgreSQL",
                    5.0,
                    postgres=postgres,
                    workers=args.workers,
                    light=args.light_clients,
                    client_processes=args.client_processes,
                    raw=args.raw_clients,
                )
    finally:
        postgres.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
