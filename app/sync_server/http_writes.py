"""One send for each answer: uvicorn writes an answer's head and its body to the socket one after
the other (two sends, two packets, and on the device's side two wake-ups for one answer). The
server's connections here hold what is written in one turn of the event loop and send it at the
end of that turn, together: the head and body of an answer leave as one.

On 2 cores, 200 devices syncing at once (tests/perf/bench_sync_server.py), the sends were a
fifth of the server's CPU.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Written at once, not held: a large part (a snapshot's pages) gains nothing from waiting.
_LARGE = 64 * 1024


class _OneSend:
    """A connection's transport that holds the parts written in one turn of the event loop and
    sends them together at its end (or before closing). Everything else is the transport's."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._parts: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._parts:
            if len(data) >= _LARGE:
                self._transport.write(data)
                return
            asyncio.get_running_loop().call_soon(self._send)
        self._parts.append(bytes(data))

    def _send(self) -> None:
        if self._parts:
            data = b"".join(self._parts)
            self._parts.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._send()
        self._transport.close()

    def write_eof(self) -> None:
        self._send()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneSendProtocol(HttpToolsProtocol):
    """uvicorn's protocol with its C parser (httptools), a connection's answers sent with one
    send each: uvicorn's `http` setting for `serve-sync`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        super().connection_made(cast(asyncio.Transport, _OneSend(transport)))
