"""The sync server's HTTP endpoints (Starlette): see `protocol` for what each takes and gives.

Every endpoint but /v1/meta and /v1/login needs a device token, and every query it makes is
scoped to the token's user: another user's dataset, device ids or blobs are simply not there.
Bodies are refused early when too large (by Content-Length, else while reading). Database work
runs in the thread pool, so one slow push never holds the event loop.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from app import __version__
from app.sync_server import protocol
from app.sync_server.accounts import (
    AddressLimit,
    LoginRefused,
    authenticate,
    login,
    token_parts,
)
from app.sync_server.records import Auth, DatasetMismatch, now_ms
from app.sync_server.store import Store
from app.sync_server.wire import (
    JSON,
    ApiError,
    json_answer,
    json_body,
    json_object,
    make_op_rows,
    page_text,
    read_body,
    text_field,
)

if TYPE_CHECKING:
    from app.sync_server.postgres_direct import Direct


class Server:
    def __init__(self, store: Store, *, workers: int = 1) -> None:
        self.store = store
        self.addresses = AddressLimit()
        # PostgreSQL: the push and the pull from the event loop, the token checked by the
        # same statement (postgres_direct).
        self.direct: Direct | None = None
        if store.postgres:
            from app.sync_server.postgres_direct import POOL_SIZE, Direct

            self.direct = Direct(store, max(4, POOL_SIZE // workers))

    async def auth(self, request: Request) -> Auth:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        found = None
        if scheme.lower() == "bearer" and token:
            found = await run_in_threadpool(authenticate, self.store, token.strip())
        return await self.signed_in(found)

    async def signed_in(self, found: Auth | None) -> Auth:
        """The device a token was found to be; 401 when none."""
        if found is None:
            raise ApiError(
                401,
                "unauthorized",
                "This device's sign-in was refused (revoked, expired or not valid): "
                "sign in again with `studydesk sync setup --server URL --user NAME`.",
            )
        if found.last_seen < now_ms() - 60_000:  # "last seen" to the minute: no write a request
            await run_in_threadpool(self.store.touch_device, found.user_id, found.device)
        return found

    @staticmethod
    def same_dataset(auth: Auth, dataset: Any) -> str:
        dataset = text_field(dataset, "dataset", protocol.DATASET)
        if auth.dataset is None:
            raise ApiError(
                409,
                "no_dataset",
                "This account on the server holds no data (a new or wiped server); nothing "
                "was changed. Set sync up again to fill it from this device.",
            )
        if auth.dataset != dataset:
            raise ApiError(
                409,
                "dataset_mismatch",
                f"This account holds another profile's data (dataset {auth.dataset}, this "
                f"profile's is {dataset}); nothing was changed.",
            )
        return str(dataset)

    def direct_token(self, request: Request) -> tuple[str, str] | None:
        """The bearer token's (device, secret's sha256) when this request's push or pull can
        take the direct way (PostgreSQL, the token checked by the statement itself)."""
        if self.direct is None or not self.direct.usable():
            return None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token_parts(token.strip()) if scheme.lower() == "bearer" else None

    async def push_direct(
        self, direct: Direct, request: Request, token: tuple[str, str]
    ) -> Response:
        """`push` on PostgreSQL: one statement checks the token and stores the operations.
        What is refused is said in the order `push` says it (a refused token first)."""
        body: dict[str, Any] = {}
        try:
            body, fast = await json_object(request)
            dataset = text_field(body.get("dataset"), "dataset", protocol.DATASET)
            device = text_field(body.get("device"), "device", protocol.DEVICE)
            ops = body.get("ops")
            if not isinstance(ops, list) or len(ops) > protocol.MAX_PUSH_OPS:
                raise ApiError(
                    400, "bad_request", f"`ops` must be a list of at most {protocol.MAX_PUSH_OPS}."
                )
            if len(ops) <= 200:
                rows = make_op_rows(ops, None, fast)
            else:
                rows = await run_in_threadpool(make_op_rows, ops, None, fast)
        except ApiError:
            auth = await self.auth(request)
            if body:
                self.same_dataset(auth, body.get("dataset"))
            raise
        from psycopg.errors import UniqueViolation

        try:
            found, done = await direct.push(token, dataset, device, rows)
        except UniqueViolation:  # stored meanwhile by a push this one waited for (a retry)
            auth = await self.auth(request)
            self.same_dataset(auth, dataset)
            try:
                done = await run_in_threadpool(self.store.push, auth.user_id, dataset, device, rows)
            except DatasetMismatch:
                done = None
            found = auth
        auth = await self.signed_in(found)
        self.same_dataset(auth, dataset)
        if done is None:
            raise ApiError(409, "dataset_mismatch", "This account now holds another dataset.")
        accepted, duplicates, head = done
        return json_answer({"accepted": accepted, "duplicates": duplicates, "head": head})

    async def pull_direct(
        self, direct: Direct, request: Request, token: tuple[str, str]
    ) -> Response:
        """`pull` on PostgreSQL: one statement checks the token and reads the page."""
        params = request.query_params
        try:
            dataset = text_field(params.get("dataset"), "dataset", protocol.DATASET)
            cursor = int(params.get("cursor", "0"))
            limit = int(params.get("limit", str(protocol.PULL_LIMIT)))
            own = params.get("own")
            if own is not None:
                own = text_field(own, "own", protocol.DEVICE)
        except (ApiError, ValueError) as error:
            auth = await self.auth(request)
            self.same_dataset(auth, params.get("dataset"))
            if isinstance(error, ApiError):
                raise
            raise ApiError(400, "bad_request", "`cursor` and `limit` are numbers.") from None
        limit = max(1, min(limit, protocol.MAX_PULL_LIMIT))
        exclude = params.get("exclude")
        found, page = await direct.pull(token, dataset, cursor, limit, exclude, own)
        self.same_dataset(await self.signed_in(found), dataset)
        assert page is not None
        return Response(page_text(page, own is not None), media_type=JSON)

    # Endpoints
    async def meta(self, request: Request) -> Response:
        info: dict[str, Any] = {
            "server": "studydesk-sync",
            "version": __version__,
            "format": protocol.FORMAT,
            "limits": {
                "max_body": protocol.MAX_JSON_BODY,
                "max_push_ops": protocol.MAX_PUSH_OPS,
                "pull_limit": protocol.PULL_LIMIT,
                "snapshot_after": protocol.SNAPSHOT_AFTER,
                "max_blob": protocol.MAX_BLOB,
            },
            "time_ms": now_ms(),
        }
        if request.headers.get("authorization"):
            auth = await self.auth(request)
            dataset, head = await run_in_threadpool(self.store.state, auth.user_id)
            info.update(user=auth.user, device=auth.device, dataset=dataset, head=head)
        return json_answer(info)

    async def login(self, request: Request) -> Response:
        body = await json_body(request)
        user = text_field(body.get("user"), "user")
        password = body.get("password")
        if not isinstance(password, str) or len(password) > 1024:
            raise ApiError(400, "bad_request", "`password` is missing.")
        device_id = text_field(body.get("device_id"), "device_id", protocol.DEVICE)
        name = text_field(body.get("device_name") or device_id, "device_name")
        address = request.client.host if request.client else "-"
        try:
            made = await run_in_threadpool(
                login, self.store, self.addresses, address, user, password, device_id, name
            )
        except LoginRefused as refused:
            if refused.wait_s:
                raise ApiError(429, "rate_limited", str(refused)) from None
            raise ApiError(401, "wrong_password", str(refused)) from None
        return json_answer({"token": made.token, "device": made.device})

    async def claim(self, request: Request) -> Response:
        auth = await self.auth(request)
        body = await json_body(request)
        dataset = text_field(body.get("dataset"), "dataset", protocol.DATASET)
        held = await run_in_threadpool(self.store.claim_dataset, auth.user_id, dataset)
        return json_answer({"dataset": held})

    async def push(self, request: Request) -> Response:
        token = self.direct_token(request)
        if token is not None and self.direct is not None:
            return await self.push_direct(self.direct, request, token)
        auth = await self.auth(request)
        body, fast = await json_object(request)
        dataset = self.same_dataset(auth, body.get("dataset"))
        device = text_field(body.get("device"), "device", protocol.DEVICE)
        ops = body.get("ops")
        if not isinstance(ops, list) or len(ops) > protocol.MAX_PUSH_OPS:
            raise ApiError(
                400, "bad_request", f"`ops` must be a list of at most {protocol.MAX_PUSH_OPS}."
            )
        rows = await run_in_threadpool(make_op_rows, ops, None, fast)
        try:
            accepted, duplicates, head = await run_in_threadpool(
                self.store.push, auth.user_id, dataset, device, rows
            )
        except DatasetMismatch:
            raise ApiError(
                409, "dataset_mismatch", "This account now holds another dataset."
            ) from None
        return json_answer({"accepted": accepted, "duplicates": duplicates, "head": head})

    async def pull(self, request: Request) -> Response:
        token = self.direct_token(request)
        if token is not None and self.direct is not None:
            return await self.pull_direct(self.direct, request, token)
        auth = await self.auth(request)
        params = request.query_params
        self.same_dataset(auth, params.get("dataset"))
        try:
            cursor = int(params.get("cursor", "0"))
            limit = int(params.get("limit", str(protocol.PULL_LIMIT)))
        except ValueError:
            raise ApiError(400, "bad_request", "`cursor` and `limit` are numbers.") from None
        limit = max(1, min(limit, protocol.MAX_PULL_LIMIT))
        exclude = params.get("exclude")
        own = params.get("own")
        if own is not None:
            own = text_field(own, "own", protocol.DEVICE)
        page = await run_in_threadpool(self.store.pull, auth.user_id, cursor, limit, exclude, own)
        return Response(page_text(page, own is not None), media_type=JSON)

    async def snapshot(self, request: Request) -> Response:
        auth = await self.auth(request)
        self.same_dataset(auth, request.query_params.get("dataset"))
        exclude = request.query_params.get("exclude")
        _dataset, head = await run_in_threadpool(self.store.state, auth.user_id)
        store = self.store

        def lines() -> Iterator[bytes]:
            yield json.dumps({"upto": head, "head": head}).encode() + b"\n"
            batch: list[str] = []
            for body in store.snapshot(auth.user_id, head, exclude):
                batch.append(body)
                if len(batch) >= 2000:
                    yield ("\n".join(batch) + "\n").encode()
                    batch = []
            if batch:
                yield ("\n".join(batch) + "\n").encode()
            yield b'{"end":true}\n'

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    def _sha(self, request: Request) -> str:
        sha = str(request.path_params["sha"])
        if not protocol.SHA256.match(sha):
            raise ApiError(400, "bad_blob_name", "A blob is named by its sha256 (64 hex digits).")
        return sha

    async def put_blob(self, request: Request) -> Response:
        auth = await self.auth(request)
        sha = self._sha(request)
        data = await read_body(request, protocol.MAX_BLOB)
        if hashlib.sha256(data).hexdigest() != sha:
            raise ApiError(422, "hash_mismatch", "The blob's content does not match its sha256.")
        stored = await run_in_threadpool(self.store.put_blob, auth.user_id, sha, data)
        return json_answer({"stored": stored}, 201 if stored else 200)

    async def get_blob(self, request: Request) -> Response:
        auth = await self.auth(request)
        sha = self._sha(request)
        data = await run_in_threadpool(self.store.get_blob, auth.user_id, sha)
        if data is None:
            raise ApiError(404, "not_found", "No such blob.")
        return Response(data, media_type="application/octet-stream")

    async def missing_blobs(self, request: Request) -> Response:
        auth = await self.auth(request)
        body = await json_body(request)
        shas = body.get("sha256")
        if not isinstance(shas, list) or not all(
            isinstance(s, str) and protocol.SHA256.match(s) for s in shas
        ):
            raise ApiError(400, "bad_request", "`sha256` must be a list of sha256 names.")
        found = await run_in_threadpool(self.store.has_blobs, auth.user_id, shas)
        return json_answer({"missing": [s for s in shas if s not in found]})

    async def devices(self, request: Request) -> Response:
        auth = await self.auth(request)
        found = await run_in_threadpool(self.store.list_devices, auth.user_id)
        for row in found:
            row["this"] = row["id"] == auth.device
        return json_answer({"devices": found})

    async def revoke(self, request: Request) -> Response:
        auth = await self.auth(request)
        device = str(request.path_params["device"])
        done = await run_in_threadpool(self.store.revoke_device, auth.user_id, device)
        if not done:
            raise ApiError(404, "not_found", f"This account has no device {device[:40]!r}.")
        return json_answer({"revoked": device})


def create_app(store: Store, *, workers: int = 1) -> Starlette:
    """The app serving `store`; `workers`: how many processes serve it (each keeps its share
    of the connections)."""
    server = Server(store, workers=workers)

    async def api_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return json_answer({"error": error.code, "message": error.message}, error.status)

    async def crashed(_request: Request, _error: Exception) -> Response:
        return json_answer({"error": "server_error", "message": "The sync server failed."}, 500)

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ApiError: api_error,
        Exception: crashed,
    }
    routes = [
        Route("/v1/meta", server.meta, methods=["GET"]),
        Route("/v1/login", server.login, methods=["POST"]),
        Route("/v1/dataset", server.claim, methods=["POST"]),
        Route("/v1/push", server.push, methods=["POST"]),
        Route("/v1/pull", server.pull, methods=["GET"]),
        Route("/v1/snapshot", server.snapshot, methods=["GET"]),
        Route("/v1/blobs/missing", server.missing_blobs, methods=["POST"]),
        Route("/v1/blobs/{sha}", server.put_blob, methods=["PUT"]),
        Route("/v1/blobs/{sha}", server.get_blob, methods=["GET"]),
        Route("/v1/devices", server.devices, methods=["GET"]),
        Route("/v1/devices/{device}/revoke", server.revoke, methods=["POST"]),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if server.direct is not None:
            await server.direct.open()
        # What the server holds from its start on (modules, routes, connections) is left out
        # of the cycle collector's passes, which otherwise walk it again and again.
        gc.freeze()
        yield
        if server.direct is not None:
            await server.direct.close()

    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.store = store
    return app
