"""What the sync server's requests and answers look like on the wire: the error an endpoint
answers with (`ApiError`), bodies read within their limit, JSON fields checked, pushed
operations made ready to store and a pull's page written out (`app.sync_server.app` serves
them).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from app.sync.json_wire import loads_checked
from app.sync_server import protocol
from app.sync_server.records import OpRow, Page, now_ms

JSON = "application/json"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_answer(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, separators=(",", ":")), status, media_type=JSON)


async def read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "bad_request", "The Content-Length is not a number.")
        if int(length) > limit:
            raise ApiError(413, "too_large", f"The request is larger than {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"The request is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


_ENCODE = msgspec.json.Encoder()


async def json_object(request: Request) -> tuple[dict[str, Any], bool]:
    data = await read_body(request, protocol.MAX_JSON_BODY)
    try:
        value, fast = (
            await run_in_threadpool(loads_checked, data)
            if len(data) > 65536
            else loads_checked(data)
        )
    except ValueError:
        raise ApiError(400, "bad_request", "The request is not JSON.") from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", "The request is not a JSON object.")
    return value, fast


async def json_body(request: Request) -> dict[str, Any]:
    return (await json_object(request))[0]


def text_field(value: Any, name: str, pattern: Any = None, *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ApiError(400, "bad_request", f"`{name}` is missing or not text.")
    if pattern is not None and not pattern.match(value):
        raise ApiError(400, "bad_request", f"`{name}` is not valid: {value[:80]!r}.")
    return value


def page_text(page: Page, own: bool = False) -> str:
    """A pull's answer (`own`: asked for a device's newest operation, `Page.own`)."""
    more = "true" if page.more else "false"
    newest = "" if not own else f',"own":{json.dumps(page.own and list(page.own))}'
    return (
        '{"ops":['
        + ",".join(page.bodies)
        + f'],"next":{page.next},"head":{page.head},"more":{more}{newest}}}'
    )


def make_op_rows(ops: list[Any], now: int | None = None, fast: bool = False) -> list[OpRow]:
    """The pushed operations checked and ready to store; ApiError for a malformed one or a
    stamp far past the server's clock (the device's clock is wrong: nothing is stored).
    `fast`: the operations were read by msgspec (`loads_checked`), which writes them back too."""
    current = now_ms() if now is None else now
    rows = []
    latest = 0
    for op in ops:
        if not isinstance(op, dict):
            raise ApiError(422, "bad_op", "An operation is not a JSON object.")
        stamp, table, key = op.get("c"), op.get("t"), op.get("k")
        match = protocol.STAMP.match(stamp) if isinstance(stamp, str) else None
        if match is None or not isinstance(stamp, str):
            raise ApiError(422, "bad_op", f"Not an operation stamp: {str(stamp)[:80]!r}.")
        if not isinstance(table, str) or not 0 < len(table) <= 200:
            raise ApiError(422, "bad_op", "An operation names no table.")
        if isinstance(key, str):
            row_key = key
        elif isinstance(key, list) and all(isinstance(p, str | int) for p in key):
            row_key = json.dumps(key, separators=(",", ":"))
        else:
            raise ApiError(422, "bad_op", "An operation's key is neither text nor a pair.")
        if "v" in op and not isinstance(op["v"], dict):
            raise ApiError(422, "bad_op", "An operation's values are not an object.")
        latest = max(latest, int(match[1]))
        rows.append(
            OpRow(
                protocol.op_id(op),
                stamp,
                table,
                row_key,
                _ENCODE.encode(op).decode()
                if fast
                else json.dumps(op, separators=(",", ":"), ensure_ascii=False),
            )
        )
    if latest > current + protocol.MAX_AHEAD_MS:
        hours = (latest - current) / 3_600_000
        raise ApiError(
            422,
            "clock_ahead",
            f"These changes are stamped {hours:.0f} hours after the server's time: check this "
            "computer's clock, then sync again. Nothing was stored; your changes are kept.",
        )
    return rows
