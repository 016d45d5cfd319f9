"""The sync client against servers that misbehave: an HTML page, nothing at all, an answer cut
short, 5xx answers (retried with backoff), and plain HTTP to another computer (refused)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from server_helpers import free_port

from app.errors import UserError
from app.sync.server_target import ServerError, ServerTarget, Unreachable, check_url

META = b'{"server":"studydesk-sync","format":1}'


class Scripted(BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, str, bytes]]] = []
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        status, kind, body = (
            self.answers.pop(0) if self.answers else (200, "application/json", META)
        )
        self.send_response(status)
        self.send_header("Content-Type", kind)
        length = len(body) + (100 if status == 299 else 0)  # 299: a body cut short
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[str]:
    Scripted.answers, Scripted.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_plain_http_is_refused_off_this_computer() -> None:
    with pytest.raises(UserError, match="--insecure-http"):
        check_url("http://sync.example.org")
    check_url("http://sync.example.org", insecure_http=True)
    for url in (
        "https://sync.example.org",
        "http://127.0.0.1:8765",
        "http://localhost",
        "http://[::1]:1",
    ):
        check_url(url)
    with pytest.raises(UserError, match="Not a sync server address"):
        check_url("ftp://sync.example.org")


def test_an_html_page_is_said_clearly(scripted: str) -> None:
    Scripted.answers = [(200, "text/html", b"<html><body>Sign in to the Wi-Fi</body></html>")]
    with pytest.raises(ServerError, match=r"did not answer as a Study Desk sync server.*Sign in"):
        ServerTarget(scripted, retries=0).meta()
    Scripted.answers = [(200, "application/json", b"{not json")]
    with pytest.raises(ServerError, match="did not answer as a Study Desk sync server"):
        ServerTarget(scripted, retries=0).meta()


def test_5xx_is_retried_with_backoff_then_said(scripted: str) -> None:
    Scripted.answers = [(503, "text/plain", b"busy"), (502, "text/html", b"<h1>bad gateway</h1>")]
    assert ServerTarget(scripted, backoff_s=0.01).meta()["server"] == "studydesk-sync"
    assert len(Scripted.seen) == 3
    Scripted.answers = [(500, "text/plain", b"oops")] * 3
    with pytest.raises(ServerError, match=r"failed.*HTTP 500.*3 tries"):
        ServerTarget(scripted, retries=2, backoff_s=0.01).meta()


def test_an_answer_cut_short_or_no_server(scripted: str) -> None:
    Scripted.answers = [(299, "application/json", META)] * 2
    with pytest.raises(ServerError, match="cut short"):
        ServerTarget(scripted, retries=1, backoff_s=0.01).meta()
    with pytest.raises(Unreachable, match="cannot be reached"):
        ServerTarget(f"http://127.0.0.1:{free_port()}", retries=1, backoff_s=0.01).meta()


class Streaming(BaseHTTPRequestHandler):
    """A snapshot of `count` operations written as they are made (no length: read to the end)."""

    count: ClassVar[int] = 0
    end: ClassVar[bool] = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        self.wfile.write(b'{"upto":%d,"head":%d}\n' % (self.count, self.count))
        lines = []
        for n in range(self.count):
            lines.append(b'{"c":"1780000000000-%010d-aaaa","t":"decks","k":"d%d","v":{}}' % (n, n))
            if len(lines) == 2000:
                self.wfile.write(b"\n".join(lines) + b"\n")
                lines = []
        self.wfile.write(b"\n".join(lines) + b"\n" if lines else b"")
        if self.end:
            self.wfile.write(b'{"end":true}\n')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def streaming() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Streaming)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_snapshot_is_read_as_it_arrives_whatever_the_pieces(
    scripted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.sync import server_target

    body = b'{"upto":2,"head":2}\n{"c":"1","t":"decks","k":"a"}\n\n{"c":"2","t":"decks","k":"b"}\n'
    monkeypatch.setattr(server_target, "READ_CHUNK", 7)  # lines split across reads
    Scripted.answers = [(200, "application/x-ndjson", body + b'{"end":true}\n')]
    items = list(ServerTarget(scripted, retries=0).snapshot("x"))
    assert items == [
        {"upto": 2, "head": 2},
        {"c": "1", "t": "decks", "k": "a"},
        {"c": "2", "t": "decks", "k": "b"},
    ]
    Scripted.answers = [(200, "application/x-ndjson", body)]  # no end: cut short
    found = []
    with pytest.raises(ServerError, match="cut short"):
        for item in ServerTarget(scripted, retries=0).snapshot("x"):
            found.append(item)
    assert len(found) == 3  # what came before is given; the cursor moves only at the end
    Scripted.answers = [(299, "application/x-ndjson", body)]  # the connection drops mid-body
    with pytest.raises(ServerError, match="cut short"):
        list(ServerTarget(scripted, retries=0).snapshot("x"))
    Scripted.answers = [(200, "application/x-ndjson", b'{"upto":1}\n<html>\n')]
    with pytest.raises(ServerError, match="not readable"):
        list(ServerTarget(scripted, retries=0).snapshot("x"))
    Scripted.answers = [(401, "application/json", b'{"error":"revoked","message":"Revoked."}')]
    with pytest.raises(ServerError, match="Revoked"):
        list(ServerTarget(scripted, retries=0).snapshot("x"))


def test_a_large_snapshot_is_never_in_memory_whole(streaming: str) -> None:
    import tracemalloc

    Streaming.count, Streaming.end = 100_000, True  # ~7 MB of answer, ~60 MB parsed
    target = ServerTarget(streaming, retries=0)
    tracemalloc.start()
    try:
        seen = sum(1 for _ in target.snapshot("x"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == 100_001  # the header and every operation
    assert peak < 4_000_000, f"{peak / 1e6:.1f} MB held at once"
