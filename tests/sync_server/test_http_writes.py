"""The sync server sends each answer's head and body in one send (app/sync_server/http_writes.py),
through a real uvicorn server on a real socket: what a device reads is the whole answer, in one
piece, and nothing is held back when the connection closes."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from app.sync_server.http_writes import OneSendProtocol


class _Sends:
    """The sends a server made, counted by wrapping the real socket transport's write."""

    def __init__(self) -> None:
        self.sizes: list[int] = []


def _app(body: bytes) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        length = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": length})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[uvicorn.Server] = []

    def start(body: bytes, sends: _Sends) -> int:
        class Counting(OneSendProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                write = transport.write  # type: ignore[attr-defined]

                def counted(data: bytes) -> None:
                    sends.sizes.append(len(data))
                    write(data)

                transport.write = counted  # type: ignore[attr-defined]
                super().connection_made(transport)

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(_app(body), log_level="error", access_log=False, http=Counting)
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        servers.append(server)
        return int(sock.getsockname()[1])

    yield start
    for server in servers:
        server.should_exit = True


def _ask(port: int, close: bool = False) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        connection = "close" if close else "keep-alive"
        conn.sendall(f"GET / HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            part = conn.recv(1 << 20)
            if not part:
                break
            answer += part
        return answer


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


@pytest.mark.parametrize("close", [False, True], ids=["kept open", "closed after"])
def test_an_answer_leaves_in_one_send_and_arrives_whole(serve: Any, close: bool) -> None:
    sends = _Sends()
    port = serve(b'{"accepted": 20}', sends)
    answer = _ask(port, close)
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"accepted": 20}')
    assert sends.sizes == [len(answer)]  # uvicorn alone: head, then body


def test_a_large_answer_arrives_whole(serve: Any) -> None:
    sends = _Sends()
    body = b"x" * (1 << 20)
    port = serve(body, sends)
    answer = _ask(port)
    assert answer.endswith(body) and len(answer.partition(b"\r\n\r\n")[2]) == len(body)
    assert sum(sends.sizes) == len(answer)
