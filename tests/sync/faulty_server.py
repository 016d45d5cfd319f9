"""A real sync server (tests/sync_server/server_helpers.py) behind a network that misbehaves on
cue: ASGI middleware in front of the app fails, duplicates or shrinks requests as `Faults` says.

- "before": the request never reaches the app; the client gets a 503 (a dropped request, a
  proxy's 5xx).
- "after": the app handles it (a push is committed), then the client gets a 503 instead of the
  answer (a crash after the server's commit, before the client records it).
- "duplicate": the app handles the same request twice (a retried request that had arrived);
  the client gets the second answer.
- "delay": the request is held on the way (the client gets a 503) and reaches the app only
  when `Faults.deliver` sends it, later, after whatever happened meanwhile.
- `page_limit`: pulls ask for pages of at most this many operations (a pull in many pages, so
  a fault can hit the middle of it).
"""

from __future__ import annotations

import asyncio
import http.client
import sys
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync_server"))  # server_helpers

from argon2 import PasswordHasher
from server_helpers import RunningServer, start_server

from app.sync_server import accounts

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Message, Receive, Send], Awaitable[None]]
MODES = ("before", "after", "duplicate", "delay")
REPLAYED = b"x-test-replayed"  # a held request delivered: no faults for it
# Sign-ins cost little here (a test makes many accounts and signs many devices in): the
# server's Argon2id parameters are tested in tests/sync_server.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Fault:
    path: str  # requests whose path starts with this
    mode: str  # one of MODES
    times: int = 1  # how many such requests it hits
    skip: int = 0  # such requests let through first


@dataclass
class Held:
    method: str
    target: str  # path and query
    headers: dict[str, str]
    body: bytes


@dataclass
class Faults:
    pending: list[Fault] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)  # "delay": not delivered yet
    page_limit: int | None = None
    hits: list[tuple[str, str]] = field(default_factory=list)  # (mode, path) of each fault
    passed: list[str] = field(default_factory=list)  # paths of requests let through
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, path: str) -> str | None:
        with self.lock:
            for fault in self.pending:
                if not path.startswith(fault.path):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    break
                fault.times -= 1
                if not fault.times:
                    self.pending.remove(fault)
                self.hits.append((fault.mode, path))
                return fault.mode
            self.passed.append(path)
            return None

    def deliver(self, url: str) -> list[int]:
        """Send the held requests to the server now, oldest first; their HTTP statuses."""
        with self.lock:
            held, self.held = self.held, []
        parts = urllib.parse.urlsplit(url)
        statuses = []
        for request in held:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            try:
                headers = {**request.headers, REPLAYED.decode(): "1"}
                conn.request(request.method, request.target, body=request.body, headers=headers)
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
            finally:
                conn.close()
        return statuses

    @contextmanager
    def armed(self, *faults: Fault, page_limit: int | None = None) -> Iterator[Faults]:
        with self.lock:
            self.pending, self.hits, self.passed = list(faults), [], []
            self.page_limit = page_limit
        try:
            yield self
        finally:
            with self.lock:
                self.pending, self.page_limit = [], None


async def _unavailable(send: Send) -> None:
    body = b'{"error":"unavailable","message":"injected by the test"}'
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _discard(message: Message) -> None:
    pass


def _replay(body: bytes) -> Receive:
    given = False

    async def receive() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect: waits until the answer is done
        raise AssertionError("unreachable")

    return receive


def faulty(app: App, faults: Faults) -> App:
    async def wrapped(scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == REPLAYED for name, _ in scope["headers"]):
            await app(scope, receive, send)
            return
        if faults.page_limit and scope["path"] == "/v1/pull":
            query = dict(urllib.parse.parse_qsl(scope["query_string"].decode()))
            query["limit"] = str(min(int(query.get("limit", 10**9)), faults.page_limit))
            scope = {**scope, "query_string": urllib.parse.urlencode(query).encode()}
        mode = faults.take(scope["path"])
        if mode is None:
            await app(scope, receive, send)
            return
        if mode == "before":
            await _unavailable(send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if mode == "delay":
            query = scope["query_string"].decode()
            kept = {"authorization", "content-type", "accept"}
            headers = {k.decode(): v.decode() for k, v in scope["headers"] if k.decode() in kept}
            target = scope["path"] + (f"?{query}" if query else "")
            with faults.lock:
                faults.held.append(Held(scope["method"], target, headers, body))
            await _unavailable(send)
            return
        await app(scope, _replay(body), _discard)
        if mode == "after":
            await _unavailable(send)
        else:  # duplicate
            await app(scope, _replay(body), send)

    return wrapped


@contextmanager
def faulty_server(database_url: str) -> Iterator[tuple[RunningServer, Faults]]:
    """The server and its faults; sign-ins hashed cheaply meanwhile."""
    faults = Faults()
    with mock.patch.object(accounts, "HASHER", CHEAP_HASHER):
        server = start_server(database_url, lambda app: faulty(app, faults))
        try:
            yield server, faults
        finally:
            server.stop()
