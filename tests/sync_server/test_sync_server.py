"""The sync server (`studydesk serve-sync`) and its client, on SQLite and on a real PostgreSQL:
two devices converge through it, pushes are idempotent, pulls come in pages, a device far
behind takes the snapshot, a revoked token, a wrong password, another user's ids, another
profile's account, a clock far ahead, a 2 GB body, a blob that does not match its name."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from unittest import mock

import pytest
from server_helpers import PASSWORD, RunningServer
from sync_helpers import Device, differences, scalar, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.errors import UserError
from app.sync import engine, server_setup, server_sync
from app.sync.clock import now_ms, stamp_text
from app.sync.server_target import ServerError, ServerTarget


def signed_in(server: RunningServer, user: str = "ada", device: str = "d1") -> ServerTarget:
    target = ServerTarget(server.url)
    target.login(user, PASSWORD, device, f"{user}'s {device}")
    return target


def op(n: int, device: str = "aaaa", ms: int | None = None) -> dict:
    return {
        "c": stamp_text(ms or now_ms(), n, device),
        "t": "decks",
        "k": f"deck-{n}",
        "v": {"name": f"deck {n}"},
    }


@pytest.fixture
def devices(tmp_path: Path):
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    yield a, b
    a.close()
    b.close()


def set_up(server: RunningServer, *found: Device, user: str = "ada") -> None:
    for device in found:
        server_setup.setup_server(device.database, server.url, user, PASSWORD)
        engine.sync(device.database, device.media)


def sync(*found: Device) -> None:
    for device in found:
        engine.sync(device.database, device.media)


def test_two_devices_converge_through_the_server(server: RunningServer, devices) -> None:
    a, b = devices
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ("t",)))
    note_actions.create_note(a.database, title="Heart", body="The heart pumps blood.")
    a.media.mkdir(parents=True, exist_ok=True)
    (a.media / "heart.png").write_bytes(b"\x89PNG picture of a heart")
    set_up(server, a, b)
    assert not differences(synced_state(a.database), synced_state(b.database))
    assert (b.media / "heart.png").read_bytes() == b"\x89PNG picture of a heart"
    card = scalar(b.database, "SELECT id FROM cards")
    a.answer(card, 3)
    b.answer(card, 1)  # the same card, offline on both
    deck_actions.rename_deck(b.database, deck, "Biology")
    sync(a, b, a)
    assert scalar(a.database, "SELECT count(*) FROM card_reviews") == 2
    assert scalar(a.database, "SELECT name FROM decks") == "Biology"
    assert not differences(synced_state(a.database), synced_state(b.database))
    again = engine.sync(a.database, a.media)  # nothing new: nothing moves
    assert (again.pushed, again.pulled) == (0, 0)
    status = engine.status(a.database)
    assert status.target is not None and status.target["kind"] == "server"
    assert "token" not in json.dumps(status.as_json())  # the token is never shown


def test_push_is_idempotent_and_pull_comes_in_pages(server: RunningServer) -> None:
    target = signed_in(server)
    target.dataset = target.claim("dataset-1")
    ops = [op(n) for n in range(1, 13)]
    assert target.push_ops("aaaa", ops) == 12
    assert target.push_ops("aaaa", ops) == 0  # the same operations again: stored once
    assert target.push_ops("aaaa", [*ops[:3], op(13)]) == 1
    pages, cursor = [], 0
    while True:
        page = target.pull(cursor, "bbbb", limit=5)
        pages.append(page["ops"])
        cursor = page["next"]
        if not page["more"]:
            break
    assert [len(p) for p in pages] == [5, 5, 3]
    assert [o["k"] for p in pages for o in p] == [f"deck-{n}" for n in range(1, 14)]
    assert target.pull(0, "aaaa")["ops"] == []  # a device is not sent its own
    assert target.pull(cursor, "bbbb") == {"ops": [], "next": 13, "head": 13, "more": False}


def test_a_device_far_behind_takes_the_snapshot(server: RunningServer, devices) -> None:
    a, b = devices
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    for n in range(30):
        card_actions.save_card(a.database, CardText(None, deck, f"Q{n}", "A", ()))
    set_up(server, a)
    pulls = []
    with (
        mock.patch.object(server_sync, "SNAPSHOT_AFTER", 5),
        mock.patch.object(
            server_sync, "_pull_snapshot", wraps=server_sync._pull_snapshot
        ) as snapshot,
    ):
        set_up(server, b)
        pulls.append(snapshot.call_count)
        card_actions.save_card(a.database, CardText(None, deck, "one more", "A", ()))
        sync(a, b)  # one operation behind: pages
        pulls.append(snapshot.call_count)
    assert pulls == [1, 1]
    assert scalar(b.database, "SELECT count(*) FROM cards") == 31
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_revoked_token_and_wrong_password(server: RunningServer, devices) -> None:
    a, b = devices
    set_up(server, a, b)
    with pytest.raises(UserError, match="Wrong user name or password"):
        server_setup.setup_server(a.database, server.url, "ada", "not the password")
    with pytest.raises(UserError, match="Wrong user name or password"):
        server_setup.setup_server(a.database, server.url, "nobody", PASSWORD)
    listed = server_setup.list_devices(a.database)
    theirs = [d for d in listed if not d["this"] and d["revoked_at"] is None]
    assert len(theirs) == 1
    server_setup.revoke_device(a.database, theirs[0]["id"])
    with pytest.raises(ServerError, match="sign in again") as refused:
        engine.sync(b.database, b.media)
    assert refused.value.status == 401
    with pytest.raises(UserError, match="no device"):
        server_setup.revoke_device(a.database, theirs[0]["id"])
    forged = ServerTarget(server.url, theirs[0]["id"] + ".forged-secret")
    with pytest.raises(ServerError, match="sign in again"):
        forged.devices()
    engine.sync(a.database, a.media)  # the other device still syncs


def test_sign_ins_are_rate_limited(server: RunningServer) -> None:
    target = ServerTarget(server.url)
    for _ in range(5):
        with pytest.raises(ServerError, match="Wrong"):
            target.login("bob", "wrong password", "d1", "pc")
    with pytest.raises(ServerError, match="Too many failed sign-ins") as refused:
        target.login("bob", PASSWORD, "d1", "pc")  # even the right one, for a while
    assert refused.value.status == 429


def test_another_users_ids_give_nothing(server: RunningServer) -> None:
    ada = signed_in(server, "ada")
    ada.dataset = ada.claim("ada-data")
    ada.push_ops("aaaa", [op(1)])
    picture = b"ada's picture"
    import hashlib

    sha = hashlib.sha256(picture).hexdigest()
    assert ada.put_blob(sha, picture)
    ada_device = ada.meta()["device"]
    bob = signed_in(server, "bob")
    bob.dataset = bob.claim("bob-data")
    assert bob.meta()["head"] == 0
    assert [d["id"] for d in bob.devices()] == [bob.meta()["device"]]
    assert bob.get_blob(sha) is None
    assert bob.request("POST", "/v1/blobs/missing", {"sha256": [sha]})["missing"] == [sha]
    assert bob.pull(0, "bbbb")["ops"] == []
    for call in (
        lambda: bob.revoke(ada_device),
        lambda: ServerTarget(server.url, bob.token, dataset="ada-data").pull(0, "bbbb"),
        lambda: ServerTarget(server.url, bob.token, dataset="ada-data").push_ops("b", [op(2)]),
        lambda: list(ServerTarget(server.url, bob.token, dataset="ada-data").snapshot("b")),
        lambda: bob.claim("ada-data") == "ada-data" or (_ for _ in ()).throw(ServerError("x")),
    ):
        with pytest.raises(ServerError):
            call()
    assert ada.pull(0, "bbbb")["head"] == 1  # ada's log untouched
    assert ada.get_blob(sha) == picture


def test_a_profile_is_refused_an_account_holding_another(server: RunningServer, devices) -> None:
    a, b = devices
    deck_actions.create_deck(a.database, "Mine")
    deck_actions.create_deck(b.database, "Theirs")
    set_up(server, a)
    before = synced_state(b.database)
    with pytest.raises(UserError, match=r"another profile's data.*--merge"):
        server_setup.setup_server(b.database, server.url, "ada", PASSWORD)
    assert synced_state(b.database) == before
    assert engine.status(b.database).target is None  # nothing touched
    server_setup.setup_server(b.database, server.url, "bob", PASSWORD)  # an account of its own
    with pytest.raises(UserError, match="another profile's data") as refused:
        server_setup.setup_server(b.database, server.url, "ada", PASSWORD, merge=True)
    assert "Nothing was changed" in str(refused.value)
    assert server_setup.list_devices(a.database)[-1]["revoked_at"] is not None  # token undone


def test_bad_requests_are_refused_clearly(server: RunningServer) -> None:
    target = signed_in(server)
    target.dataset = target.claim("dataset-1")
    ahead = now_ms() + 3 * 24 * 3600 * 1000
    with pytest.raises(ServerError, match="check this computer's clock"):
        target.push_ops("aaaa", [op(1), op(2, ms=ahead)])
    assert target.pull(0, "b")["head"] == 0  # nothing stored
    with pytest.raises(ServerError, match="stamp"):
        target.push_ops("aaaa", [{"c": "yesterday", "t": "decks", "k": "x"}])
    with pytest.raises(ServerError, match="does not match"):
        target.request("PUT", "/v1/blobs/" + "0" * 64, raw=b"not that")
    for name in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "ABC"):
        with pytest.raises(ServerError) as refused:
            target.request("GET", f"/v1/blobs/{name}", expect_json=False)
        assert refused.value.status in (400, 404)
    # A 2 GB body is refused from its headers, before any of it is sent.
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=5)
    conn.putrequest("POST", "/v1/push")
    conn.putheader("Authorization", f"Bearer {target.token}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(2 * 1024**3))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"] == "too_large"
    conn.close()
