"""The sync server as a target: the HTTP client of `studydesk serve-sync` (app.sync_server).

One persistent connection (http.client, no dependency). Plain HTTP is refused to any host but
this computer unless asked for (`insecure_http`): the token and the learner's data would
cross the network readable. Answers are checked: one that is not the server's JSON (a login
page of a captive portal, a proxy's error page, nothing at all, or cut short) is a clear
`ServerError`; a 5xx or a dropped connection is tried again with growing pauses (every request
is safe to repeat: pushes are idempotent by operation id).

The sync engine drives it through `app.sync.server_sync.ServerAccount` (the account as a
sync `Target`).
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

from app.errors import UserError
from app.sync.json_wire import loads
from app.sync.ops import Op

PUSH_BATCH = 5_000  # operations per push request
READ_CHUNK = 1 << 16  # bytes read at a time from a streamed answer (the snapshot)
PULL_PAGE = 5_000
RETRIES = 4
BACKOFF_S = 0.5
TIMEOUT_S = 60.0
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class ServerError(UserError):
    """The server refused or failed a request, or did not answer as a sync server."""

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class Unreachable(ServerError):
    """No answer at all (offline, wrong address, server down): a quiet status, not an alarm."""


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, insecure_http: bool = False) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"Not a sync server address: {url!r} (it starts https://).")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not insecure_http:
        raise UserError(
            f"Refused plain http:// to {parts.hostname}: your password and data would cross the "
            "network unencrypted. Use the server's https:// address (TLS), or pass "
            "--insecure-http if this network is trusted."
        )
    return parts


class ServerTarget:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        dataset: str | None = None,
        insecure_http: bool = False,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        parts = check_url(url, insecure_http=insecure_http)
        self.url = url.strip().rstrip("/")
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.base = parts.path.rstrip("/")
        self.token = token
        self.dataset = dataset
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._conn: http.client.HTTPConnection | None = None
        # (first, last) sequence numbers the server gave this device's accepted pushes
        self.pushed: list[tuple[int, int]] = []
        # The server's head after this device's last push answered: everything it pushed so
        # far is at or below it (duplicates too, stored by an earlier push).
        self.pushed_head = 0

    # The connection
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self._conn = kind(self.host, self.port, timeout=self.timeout_s)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        response = self._open(method, path, body, headers)
        data = response.read()
        if response.getheader("connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("content-type", ""), data

    def _open(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        conn = self._connection()
        conn.request(method, self.base + path, body=body, headers=headers)
        return conn.getresponse()

    def request(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        raw: bytes | None = None,
        expect_json: bool = True,
        missing_ok: bool = False,
    ) -> Any:
        """The answer's JSON (or bytes when not `expect_json`); None for a 404 when
        `missing_ok`. Retries dropped connections and 5xx answers with growing pauses."""
        headers = {"Accept": "application/json", "User-Agent": "StudyDesk-sync/1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = raw
        if payload is not None:
            body = json.dumps(payload, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        elif raw is not None:
            headers["Content-Type"] = "application/octet-stream"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                reused = self._conn is not None
                try:
                    status, kind, data = self._send(method, path, body, headers)
                except (ConnectionError, http.client.RemoteDisconnected):
                    if not reused:
                        raise
                    self.close()  # the server closed an idle kept-alive connection: again now
                    status, kind, data = self._send(method, path, body, headers)
            except http.client.IncompleteRead:
                self.close()
                problem = "its answer was cut short"
                continue
            except (OSError, http.client.HTTPException) as error:
                self.close()
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                continue
            if status >= 500:
                problem = f"it answered HTTP {status}"
                continue
            return self._answer(status, kind, data, expect_json, missing_ok)
        if problem.startswith("it answered") or "cut short" in problem:
            raise ServerError(
                f"The sync server at {self.url} failed ({problem}, {self.retries + 1} tries): "
                "nothing was lost; sync again later."
            )
        raise Unreachable(
            f"The sync server at {self.url} cannot be reached ({problem}): sync again when "
            "it is. Your changes are kept."
        )

    def _answer(
        self, status: int, kind: str, data: bytes, expect_json: bool, missing_ok: bool
    ) -> Any:
        if status == 404 and missing_ok:
            return None
        is_json = kind.split(";")[0].strip() == "application/json"
        found: Any = None
        if is_json:
            try:
                found = loads(data)
            except ValueError:
                is_json = False
        if 200 <= status < 300 and not expect_json:
            return data
        if not is_json or not isinstance(found, dict):
            sample = data[:80].decode("utf-8", "replace").strip().replace("\n", " ")
            raise ServerError(
                f"{self.url} did not answer as a Study Desk sync server (HTTP {status}, "
                f"{kind or 'no content type'}: {sample!r}). Check the address; a hotel or "
                "campus network may need a sign-in page first.",
                status=status,
            )
        if status >= 400:
            message = str(found.get("message") or found.get("error") or f"HTTP {status}")
            raise ServerError(message, status=status, code=str(found.get("error", "")))
        return found

    # The API
    def meta(self) -> dict[str, Any]:
        found = self.request("GET", "/v1/meta")
        if found.get("server") != "studydesk-sync":
            raise ServerError(f"{self.url} is not a Study Desk sync server.")
        return dict(found)

    def login(self, user: str, password: str, device_id: str, device_name: str) -> str:
        answer = self.request(
            "POST",
            "/v1/login",
            {
                "user": user,
                "password": password,
                "device_id": device_id,
                "device_name": device_name,
            },
        )
        self.token = str(answer["token"])
        return self.token

    def claim(self, dataset: str) -> str:
        return str(self.request("POST", "/v1/dataset", {"dataset": dataset})["dataset"])

    def push_ops(self, device: str, ops: list[Op]) -> int:
        """Push operations in batches; how many the server did not have yet."""
        accepted = 0
        for start in range(0, len(ops), PUSH_BATCH):
            answer = self.request(
                "POST",
                "/v1/push",
                {"dataset": self.dataset, "device": device, "ops": ops[start : start + PUSH_BATCH]},
            )
            accepted += int(answer["accepted"])
            self.pushed_head = max(self.pushed_head, int(answer["head"]))
            if answer["accepted"]:
                head = int(answer["head"])
                self.pushed.append((head - int(answer["accepted"]) + 1, head))
        return accepted

    def pull(
        self, cursor: int, exclude: str, limit: int = PULL_PAGE, *, own: str | None = None
    ) -> dict[str, Any]:
        """A page of the log after `cursor`; `own`: a device id whose newest operation after
        the cursor the page says too (`own`: [seq, stamp] or None; absent from a server older
        than that)."""
        fields: dict[str, Any] = {
            "cursor": cursor,
            "limit": limit,
            "exclude": exclude,
            "dataset": self.dataset,
        }
        if own is not None:
            fields["own"] = own
        page = self.request("GET", f"/v1/pull?{urllib.parse.urlencode(fields)}")
        if not isinstance(page.get("ops"), list) or not isinstance(page.get("next"), int):
            raise ServerError(f"{self.url} answered a pull without operations.")
        return dict(page)

    def snapshot(self, exclude: str) -> Iterator[Op | dict[str, Any]]:
        """The header ({upto, head}), then every operation, read and parsed as they arrive
        (a snapshot of a million operations is never in memory whole); ServerError if it is
        cut short or unreadable, after the operations before that point."""
        query = urllib.parse.urlencode({"exclude": exclude, "dataset": self.dataset})
        response = self._stream("GET", f"/v1/snapshot?{query}")
        cut = ServerError(f"The snapshot from {self.url} was cut short: sync again.")
        done = False
        try:
            first = True
            for line in _lines(response):
                try:
                    item = loads(line)
                except ValueError:
                    raise ServerError(f"{self.url} sent a snapshot that is not readable.") from None
                if not isinstance(item, dict) or (first and "upto" not in item):
                    raise ServerError(f"{self.url} sent a snapshot that is not readable.")
                first = False
                if item == {"end": True}:
                    done = True
                    break
                yield item
            if not done:
                raise cut
        except (OSError, http.client.HTTPException):
            raise cut from None
        finally:
            if not done or response.getheader("connection", "").lower() == "close":
                self.close()  # what is left of the answer is not read: a new connection
            else:
                response.read()

    def _stream(self, method: str, path: str) -> http.client.HTTPResponse:
        """A 2xx answer whose body is still to be read; failures and 5xx tried again as
        `request` does, any other answer said as `request` says it."""
        headers = {"Accept": "application/x-ndjson", "User-Agent": "StudyDesk-sync/1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                try:
                    response = self._open(method, path, None, headers)
                except (ConnectionError, http.client.RemoteDisconnected):
                    self.close()  # a kept-alive connection the server had closed: again now
                    response = self._open(method, path, None, headers)
                if 200 <= response.status < 300:
                    return response
                data = response.read()
                kind = response.getheader("content-type", "")
            except (OSError, http.client.HTTPException) as error:
                self.close()
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                continue
            if response.status >= 500:
                problem = f"it answered HTTP {response.status}"
                continue
            found = self._answer(response.status, kind, data, True, False)
            raise ServerError(f"{self.url} answered HTTP {response.status}: {found}")
        if problem.startswith("it answered"):
            raise ServerError(
                f"The sync server at {self.url} failed ({problem}, {self.retries + 1} tries): "
                "nothing was lost; sync again later."
            )
        raise Unreachable(
            f"The sync server at {self.url} cannot be reached ({problem}): sync again when "
            "it is. Your changes are kept."
        )

    def devices(self) -> list[dict[str, Any]]:
        return list(self.request("GET", "/v1/devices")["devices"])

    def revoke(self, device: str) -> None:
        self.request("POST", f"/v1/devices/{urllib.parse.quote(device, safe='')}/revoke")

    # Blobs
    def has_blob(self, sha256: str) -> bool:
        missing = self.request("POST", "/v1/blobs/missing", {"sha256": [sha256]})["missing"]
        return sha256 not in missing

    def put_blob(self, sha256: str, data: bytes) -> bool:
        if self.has_blob(sha256):
            return False
        self.request("PUT", f"/v1/blobs/{sha256}", raw=data)
        return True

    def get_blob(self, sha256: str) -> bytes | None:
        """The blob's content, verified against its name; None if missing or damaged."""
        data = self.request("GET", f"/v1/blobs/{sha256}", expect_json=False, missing_ok=True)
        if data is None or hashlib.sha256(data).hexdigest() != sha256:
            return None
        return bytes(data)


def _lines(response: http.client.HTTPResponse) -> Iterator[bytes]:
    """The answer's non-empty lines, read a chunk at a time."""
    rest = b""
    while True:
        chunk = response.read(READ_CHUNK)
        if not chunk:
            break
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from (line for line in lines if line)
    if rest:
        yield rest


def device_name() -> str:
    return socket.gethostname()[:200] or "computer"
