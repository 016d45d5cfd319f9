"""An operation's identity (`protocol.op_id`) is what makes a repeated push store nothing new:
it must stay the sha256 of the compact JSON of (stamp, table, key) for every operation, as the
ids already stored on servers were made that way."""

from __future__ import annotations

import hashlib
import json
import random

from app.sync_server import protocol


def reference(op: dict[str, object]) -> str:
    text = json.dumps([op.get("c"), op.get("t"), op.get("k")], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def test_an_operation_id_is_the_same_for_plain_and_unusual_text() -> None:
    pick = random.Random(18)
    letters = [chr(n) for n in range(0, 160)] + ["é", "\u2028", "\ud800", "😀", '"', "\\"]

    def text() -> str:
        return "".join(pick.choice(letters) for _ in range(pick.randint(0, 8)))

    ops: list[dict[str, object]] = [
        {"c": "1765000000000-0000000001-dev", "t": "cards", "k": "0f3a"},
        {"c": "1765000000000-0000000001-dev", "t": "card_tags", "k": ["0f3a", "machine learning"]},
        {"c": "1765000000000-0000000001-dev", "t": "reviews"},
    ]
    for _ in range(20_000):
        key = pick.choice([text(), [text(), pick.randint(0, 9)], None, 7])
        ops.append({"c": text(), "t": text(), "k": key})
    for op in ops:
        assert protocol.op_id(op) == reference(op), op


def test_a_known_operation_keeps_its_id() -> None:
    op = {"c": "1765000000000-0000000001-dev", "t": "cards", "k": "0f3a"}
    assert protocol.op_id(op) == "91b4a82ff07be1ab525ac267f1131154"
