"""The compacted snapshot (app.sync_server.compaction) takes a device where the whole log does.

Random operations (inserts, updates of any columns, purges, updates of rows that never came,
on last-writer-wins, MAX/MIN, membership and log tables, stamps from three devices in any
order): one new profile applies every operation, another the compacted ones; both hold the
same rows and the same field stamps, and do again after the rows that were waiting arrive.
A second test does the same with the log real devices pushed to a real server.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_helpers import PASSWORD, RunningServer
from sync_helpers import Device, differences, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.db.database import ProfileDatabase
from app.sync import engine, server_setup
from app.sync.capture import DEVICE, get_state
from app.sync.clock import stamp_text
from app.sync_server.compaction import compact

BASE_MS = 1_780_000_000_000
DEVICES = ("dev-a", "dev-b", "dev-c")
TAGS = [f"tag-{n}" for n in range(4)]  # inserted (maybe purged)
LOOSE_TAGS = ["tag-late-0", "tag-late-1"]  # updated first, inserted only later
VIDEOS = [f"video-{n}" for n in range(3)]  # always inserted, never purged
STAMPS_AT = ("2026-01-01T00:00:00", "2026-02-01T00:00:00", "2026-03-01T00:00:00")


def _profile(folder: Path) -> ProfileDatabase:
    folder.mkdir(parents=True, exist_ok=True)
    return ProfileDatabase.open(folder / "p.sqlite3", folder / "b", create=True)


def _state(database: ProfileDatabase) -> dict[str, list[Any]]:
    state = synced_state(database)
    conn = sqlite3.connect(database.db_file)
    try:
        state["sync_row_clocks"] = conn.execute(
            "SELECT tbl, row_key, clocks FROM sync_row_clocks ORDER BY tbl, row_key"
        ).fetchall()
    finally:
        conn.close()
    return state


def _apply(database: ProfileDatabase, ops: list[dict[str, Any]]) -> None:
    engine.apply_remote(database, "receiver", ops, {})


stamp = st.tuples(st.integers(0, 40), st.integers(0, 3), st.sampled_from(DEVICES))
when = st.one_of(st.none(), st.sampled_from(STAMPS_AT))


@st.composite
def operations(draw: st.DrawFn) -> list[dict[str, Any]]:
    used: set[tuple[int, int, str]] = set()

    def clock() -> str:
        while True:
            ms, counter, device = draw(stamp)
            if (ms, counter, device) not in used:
                used.add((ms, counter, device))
                return stamp_text(BASE_MS + ms, counter, device)

    ops: list[dict[str, Any]] = []
    tag_values = {
        "name": st.sampled_from(["bio", "chem", "hard", "easy"]),  # made unique by key below
        "created_at": st.sampled_from(STAMPS_AT),
        "updated_at": st.sampled_from(STAMPS_AT),
        "deleted_at": when,
    }
    video_values = {
        "title": st.sampled_from(["Heart", "Lung", "Kidney"]),
        "last_position_s": st.sampled_from([0.0, 12.5, 40.0]),
        "furthest_position_s": st.sampled_from([0.0, 12.5, 40.0, 90.0]),
        "completed_at": when,
        "last_watched_at": when,
        "updated_at": st.sampled_from(STAMPS_AT),
        "deleted_at": when,
    }
    video_insert = {
        "fingerprint": "fp",
        "file_name": "a.mp4",
        "duration_s": 100.0,
        "size_bytes": 10,
        "has_video": 1,
        "is_sample": 0,
        "created_at": STAMPS_AT[0],
    }

    def values(strategies: dict[str, st.SearchStrategy[Any]], every: bool) -> dict[str, Any]:
        names = list(strategies)
        if not every:
            names = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        return {name: draw(strategies[name]) for name in names}

    def tag(key: str, values: dict[str, Any]) -> dict[str, Any]:
        if "name" in values:  # tag names are unique
            values["name"] = f"{key} {values['name']}"
        return values

    for key in TAGS + LOOSE_TAGS:
        if key in TAGS:
            for _ in range(draw(st.integers(1, 2))):  # a second insert: the same id twice
                ops.append(
                    {
                        "c": clock(),
                        "t": "tags",
                        "k": key,
                        "v": tag(key, values(tag_values, True)),
                        "i": 1,
                    }
                )
        for _ in range(draw(st.integers(0, 5))):
            ops.append(
                {"c": clock(), "t": "tags", "k": key, "v": tag(key, values(tag_values, False))}
            )
        if key in TAGS and key != TAGS[0] and draw(st.integers(0, 3)) == 0:
            for _ in range(draw(st.integers(1, 2))):
                ops.append({"c": clock(), "t": "tags", "k": key, "p": 1})
    for key in VIDEOS:
        inserted = {**video_insert, **values(video_values, True)}
        ops.append({"c": clock(), "t": "videos", "k": key, "v": inserted, "i": 1})
        for _ in range(draw(st.integers(0, 6))):
            ops.append({"c": clock(), "t": "videos", "k": key, "v": values(video_values, False)})
        for _ in range(draw(st.integers(0, 3))):
            member = {"updated_at": draw(st.sampled_from(STAMPS_AT)), "deleted_at": draw(when)}
            op = {"c": clock(), "t": "video_tags", "k": [key, TAGS[0]], "v": member}
            if draw(st.booleans()):
                op["i"] = 1
            ops.append(op)
    for _ in range(draw(st.integers(0, 3))):  # a log: every row kept
        settings = {"kind": "fsrs", "settings": draw(st.sampled_from(["{}", '{"a":1}']))}
        ops.append(
            {
                "c": clock(),
                "t": "scheduler_configs",
                "k": f"config-{len(ops)}",
                "v": {**settings, "created_at": STAMPS_AT[0]},
                "i": 1,
            }
        )
    return draw(st.permutations(ops))  # the order the server numbered them in


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
    ],
)
@given(ops=operations())
def test_the_compacted_snapshot_gives_what_every_operation_gives(
    tmp_path_factory: pytest.TempPathFactory, ops: list[dict[str, Any]]
) -> None:
    root = tmp_path_factory.mktemp("compaction")
    everything, compacted = _profile(root / "all"), _profile(root / "compact")
    try:
        kept = compact(ops)
        assert len(kept) <= len(ops)
        _apply(everything, ops)
        _apply(compacted, kept)
        assert differences(_state(everything), _state(compacted)) == []
        # The rows that were waiting for their insert arrive: both take them the same way.
        late = [
            {
                "c": stamp_text(BASE_MS + 100, n, "dev-z"),
                "t": "tags",
                "k": key,
                "v": {
                    "name": f"late {key}",
                    "created_at": STAMPS_AT[0],
                    "updated_at": STAMPS_AT[0],
                },
                "i": 1,
            }
            for n, key in enumerate(LOOSE_TAGS)
        ]
        _apply(everything, late)
        _apply(compacted, late)
        assert differences(_state(everything), _state(compacted)) == []
    finally:
        everything.close()
        compacted.close()


def test_compaction_keeps_the_newest_field_and_every_log_row() -> None:
    def op(ms: int, table: str, key: str, values: dict[str, Any], **flags: int) -> dict[str, Any]:
        return {
            "c": stamp_text(BASE_MS + ms, 0, "dev-a"),
            "t": table,
            "k": key,
            "v": values,
            **flags,
        }

    insert = op(1, "tags", "t1", {"name": "a", "created_at": STAMPS_AT[1]}, i=1)
    renames = [op(ms, "tags", "t1", {"name": f"n{ms}"}) for ms in range(2, 6)]
    earlier = op(6, "tags", "t1", {"created_at": STAMPS_AT[0]})  # MIN: kept, it is smaller
    logs = [op(ms, "card_reviews", f"r{ms}", {"rating": 3}, i=1) for ms in range(3)]
    unknown = op(7, "a_future_table", "x", {"a": 1})
    kept = compact([insert, *renames, earlier, *logs, unknown])
    assert kept == [insert, renames[-1], earlier, *logs, unknown]
    gone = [op(8, "tags", "t2", {"name": "b"}, i=1), op(9, "tags", "t2", {"name": "c"})]
    purge = [op(10, "tags", "t2", {}, p=1), op(11, "tags", "t2", {}, p=1)]
    assert compact([*gone, *purge]) == [purge[0]]


def test_a_snapshot_of_real_devices_compacted_gives_the_same_profile(
    server: RunningServer, tmp_path: Path
) -> None:
    first, second = Device.make(tmp_path, "d1"), Device.make(tmp_path, "d2")
    try:
        server_setup.setup_server(first.database, server.url, "ada", PASSWORD)
        engine.sync(first.database)
        server_setup.setup_server(second.database, server.url, "ada", PASSWORD, adopt=True)
        engine.sync(second.database)
        deck = deck_actions.create_deck(first.database, "Biology").deck_id
        cards = [
            card_actions.save_card(first.database, CardText(None, deck, f"Q{n}", "A", ())).card_ids[
                0
            ]
            for n in range(4)
        ]
        note = note_actions.create_note(first.database, title="Heart", body="It pumps.")
        engine.sync(first.database)
        engine.sync(second.database)
        for round_ in range(3):
            for device in (first, second):
                for card in cards[:2]:
                    card_actions.save_card(
                        device.database,
                        CardText(card, deck, f"Q {device.name} {round_}", "A", ("bio",)),
                    )
                device.answer(cards[round_ % 4], 3)
                note_actions.save_note(
                    device.database,
                    note.note_id,
                    title="Heart",
                    body=f"It pumps ({device.name} {round_}).",
                    base_version_id=None,
                )
            deck_actions.rename_deck(first.database, deck, f"Biology {round_}")
            engine.sync(first.database)
            engine.sync(second.database)
        card_actions.delete_cards(second.database, [cards[3]])
        engine.sync(second.database)
        engine.sync(first.database)

        user_id = int(server.store.user("ada")["id"])  # type: ignore[index]
        _dataset, head = server.store.state(user_id)
        every = [json.loads(b) for b in server.store.snapshot(user_id, head, None, compact=False)]
        kept = [json.loads(b) for b in server.store.snapshot(user_id, head, None)]
        assert len(kept) < len(every)
        assert get_state(sqlite3.connect(first.database.db_file), DEVICE)
        everything, compacted = _profile(tmp_path / "all"), _profile(tmp_path / "compact")
        try:
            _apply(everything, every)
            _apply(compacted, kept)
            assert differences(_state(everything), _state(compacted)) == []
            assert differences(synced_state(compacted), synced_state(first.database)) == []
        finally:
            everything.close()
            compacted.close()
    finally:
        first.close()
        second.close()
