"""The push and the pull check the device's sign-in in the statement that does the work on
PostgreSQL (app/sync_server/postgres_direct.py), with nothing cached: a revoked token, a
disabled account or a forged secret is refused by the very next request; a refused token is
said before anything wrong in the request; the same operations pushed at once through HTTP by
two connections are stored once, numbered without a gap. The same on SQLite (the other way)."""

from __future__ import annotations

import http.client
import json
import threading

import pytest
from server_helpers import PASSWORD, RunningServer

from app.sync.clock import now_ms, stamp_text
from app.sync.server_target import ServerError, ServerTarget
from app.sync_server import admin


def signed_in(server: RunningServer, user: str, device: str) -> ServerTarget:
    target = ServerTarget(server.url)
    target.login(user, PASSWORD, device, f"{user}'s {device}")
    return target


def ops(device: str, start: int, count: int) -> list[dict[str, object]]:
    return [
        {"c": stamp_text(now_ms(), n, device), "t": "decks", "k": f"{device}-{n}",
         "v": {"name": f"deck {n}"}}
        for n in range(start, start + count)
    ]  # fmt: skip


def raw(server: RunningServer, method: str, path: str, token: str, body: bytes = b"") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request(method, path, body, {"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        assert "error" in json.loads(response.read()) or response.status == 200
        return response.status
    finally:
        conn.close()


def test_a_revoked_or_disabled_sign_in_is_refused_by_the_next_push_and_pull(
    server: RunningServer,
) -> None:
    ada = signed_in(server, "ada", "d1")
    ada.dataset = ada.claim("ada-data")
    other = signed_in(server, "ada", "d2")
    other.dataset = "ada-data"
    assert other.push_ops("d2", ops("d2", 0, 3)) == 3
    assert len(other.pull(0, "x")["ops"]) == 3
    other_id = other.meta()["device"]

    ada.revoke(other_id)
    for call in (lambda: other.push_ops("d2", ops("d2", 3, 2)), lambda: other.pull(0, "x")):
        with pytest.raises(ServerError, match="sign in again") as refused:
            call()
        assert refused.value.status == 401
    forged = ServerTarget(server.url, ada.token.partition(".")[0] + ".forged", dataset="ada-data")
    for call in (lambda: forged.push_ops("d1", ops("d1", 0, 1)), lambda: forged.pull(0, "x")):
        with pytest.raises(ServerError, match="sign in again"):
            call()
    assert ada.pull(0, "x")["head"] == 3  # nothing stored by the refused pushes

    admin.set_disabled(server.store, "ada", True)
    for call in (lambda: ada.push_ops("d1", ops("d1", 0, 1)), lambda: ada.pull(0, "x")):
        with pytest.raises(ServerError, match="sign in again"):
            call()
    admin.set_disabled(server.store, "ada", False)
    assert ada.push_ops("d1", ops("d1", 0, 1)) == 1
    assert ada.pull(0, "x")["head"] == 4


def test_a_refused_token_is_said_before_a_bad_request(server: RunningServer) -> None:
    bob = signed_in(server, "bob", "d1")
    bob.dataset = bob.claim("bob-data")
    forged = bob.token.partition(".")[0] + ".forged"
    assert raw(server, "POST", "/v1/push", forged, b"not json") == 401
    assert raw(server, "POST", "/v1/push", forged, b'{"dataset": "bob-data", "ops": 3}') == 401
    assert raw(server, "GET", "/v1/pull?cursor=x&dataset=bob-data", forged) == 401
    assert raw(server, "POST", "/v1/push", bob.token, b"not json") == 400
    assert raw(server, "POST", "/v1/push", bob.token, b'{"dataset": "x", "ops": 3}') == 409
    assert raw(server, "GET", "/v1/pull?cursor=x&dataset=bob-data", bob.token) == 400
    assert raw(server, "GET", "/v1/pull?cursor=0&dataset=other", bob.token) == 409
    assert raw(server, "GET", "/v1/pull?cursor=0", bob.token) == 400


def test_an_account_without_dataset_refuses_push_and_pull(server: RunningServer) -> None:
    bob = signed_in(server, "bob", "d1")
    bob.dataset = "never-claimed"
    for call in (lambda: bob.push_ops("d1", ops("d1", 0, 1)), lambda: bob.pull(0, "x")):
        with pytest.raises(ServerError, match="holds no data") as refused:
            call()
        assert refused.value.code == "no_dataset"


def test_the_same_pushes_at_once_through_http_are_stored_once(server: RunningServer) -> None:
    first = signed_in(server, "ada", "d1")
    first.dataset = first.claim("ada-data")
    targets = [first] + [signed_in(server, "ada", f"d{n}") for n in range(2, 5)]
    batches = [ops(f"dev{n % 2}", round_ * 10, 10) for round_ in range(5) for n in range(2)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def device(target: ServerTarget, index: int) -> None:
        target.dataset = "ada-data"
        try:
            barrier.wait()
            for n, batch in enumerate(batches):
                if n % 2 == index % 2:  # two connections push each device's batches
                    target.push_ops(str(batch[0]["c"]).rsplit("-", 1)[1], batch)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=device, args=(t, n)) for n, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    page = first.pull(0, "nobody", limit=1000)
    assert page["head"] == 100
    assert sorted(op["k"] for op in page["ops"]) == sorted(
        str(op["k"]) for batch in batches for op in batch
    )


def test_values_json_reads_but_msgspec_refuses_are_stored_as_pushed(server: RunningServer) -> None:
    ada = signed_in(server, "ada", "d1")
    ada.dataset = ada.claim("ada-data")
    plain, odd = ops("d1", 0, 2)
    plain["v"] = {"name": 'é \u0000 "x"', "n": 2**70, "f": 0.1}
    odd["v"] = {"n": float("nan"), "big": float("inf")}  # json writes NaN and Infinity
    body = json.dumps({"dataset": "ada-data", "device": "d1", "ops": [odd]}).encode()
    assert raw(server, "POST", "/v1/push", ada.token, body) == 200
    assert ada.push_ops("d1", [plain]) == 1
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=10)
    conn.request("GET", "/v1/pull?cursor=0&dataset=ada-data", headers={
        "Authorization": f"Bearer {ada.token}"})  # fmt: skip
    text = conn.getresponse().read().decode()
    conn.close()
    assert '"n":NaN,"big":Infinity' in text
    pulled = json.loads(text)["ops"]
    assert pulled[1] == plain and pulled[1]["v"]["name"] == 'é \u0000 "x"'
    assert pulled[0]["v"]["big"] == float("inf") and pulled[0]["k"] == odd["k"]


def test_a_pull_asking_for_a_devices_newest_operation_answers_as_the_store(
    server: RunningServer,
) -> None:
    ada = signed_in(server, "ada", "d1")
    ada.dataset = ada.claim("ada-data")
    ada.push_ops("d1", ops("d1", 0, 3))
    ada.push_ops("d2", ops("d2", 0, 4))
    user = int(server.store.user("ada")["id"])  # type: ignore[index]
    for cursor, limit, own in ((0, 5, "d1"), (3, 2, "d1"), (0, 100, "d2"), (7, 5, "d1")):
        page = ada.pull(cursor, "d2", limit, own=own)
        expected = server.store.pull(user, cursor, limit, "d2", own)
        assert page["own"] == (expected.own and list(expected.own))
        assert [op["k"] for op in page["ops"]] == [json.loads(b)["k"] for b in expected.bodies]
        assert (page["next"], page["head"], page["more"]) == (
            expected.next, expected.head, expected.more)  # fmt: skip
    assert ada.pull(0, "x", own="nobody")["own"] is None
