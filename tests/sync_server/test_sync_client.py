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
