"""The folder target and the engine on explicit cases: capture, bad input, crash windows."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sync_helpers import Device, differences, rows, scalar, synced_state

from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.db.database import ProfileDatabase
from app.db.merge_rules import RULES
from app.errors import UserError
from app.sync import engine
from app.sync.capture import prepare_database
from app.sync.clock import ClockAhead, check_not_ahead, now_ms, parse_stamp, stamp_text
from app.sync.crypto import WrongPassphrase
from app.sync.folder import FolderTarget
from app.sync.rebuild import KEPT_BY_TRIGGERS, REBUILDERS
from app.sync.textmerge import merge3


@pytest.fixture
def pair(tmp_path: Path):
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    yield tmp_path / "shared", a, b
    a.close()
    b.close()


def set_up(folder: Path, *devices: Device, passphrase: str | None = None) -> None:
    for device in devices:
        engine.setup_folder(device.database, folder, passphrase=passphrase)
        device.sync(folder, passphrase)


def segments(folder: Path) -> list[Path]:
    return sorted(folder.glob("devices/*/*.seg"))


# --- the registry, the clock, capture ----------------------------------------------------------


def test_every_rebuilt_table_has_a_rebuilder() -> None:
    for rule in RULES.values():
        if not rule.rebuilt_from or rule.table in KEPT_BY_TRIGGERS:
            continue
        assert rule.table in REBUILDERS, f"{rule.table}: add its rebuilder to app/sync/rebuild.py"
        assert set(REBUILDERS[rule.table].sources) == set(rule.rebuilt_from)


def test_stamps_sort_as_text_and_refuse_the_far_future() -> None:
    early, late = stamp_text(1_000, 99, "ffff"), stamp_text(1_001, 1, "0000")
    assert early < late
    assert parse_stamp(late).ms == 1_001
    with pytest.raises(ClockAhead, match="check this computer's clock"):
        check_not_ahead(now_ms() + 3 * 24 * 3600 * 1000, "device x")


def test_capture_records_synced_changes_only(pair) -> None:
    folder, a, _b = pair
    engine.setup_folder(a.database, folder)
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ("t1",)))
    card = scalar(a.database, "SELECT id FROM cards")
    a.answer(card, 3)  # the first review also stores its scheduler settings (a log)
    before = scalar(a.database, "SELECT count(*) FROM sync_outbox")
    a.answer(card, 3)  # a review: one log row; the schedule cache writes nothing
    outbox = rows(a.database, "SELECT tbl, cols FROM sync_outbox ORDER BY seq")[before:]
    assert [t for t, _ in outbox] == ["card_reviews"]
    deck_actions.rename_deck(a.database, deck, "Biology")
    assert rows(a.database, "SELECT tbl, cols FROM sync_outbox ORDER BY seq DESC LIMIT 1") == [
        ("decks", "name updated_at")
    ]


def test_a_profile_not_set_up_captures_nothing(tmp_path: Path) -> None:
    device = Device.make(tmp_path, "solo")
    deck_actions.create_deck(device.database, "Bio")
    assert scalar(device.database, "SELECT count(*) FROM sync_outbox") == 0
    device.close()


# --- convergence on explicit cases ---------------------------------------------------------------


def test_second_device_brings_the_profile_down_and_both_converge(pair) -> None:
    folder, a, b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ("t",)))
    set_up(folder, a, b)
    assert not differences(synced_state(a.database), synced_state(b.database))
    card = scalar(b.database, "SELECT id FROM cards")
    a.answer(card, 3)
    b.answer(card, 1)  # the same card, offline on both
    for device in (a, b, a):
        device.sync(folder)
    assert scalar(a.database, "SELECT count(*) FROM card_reviews") == 2
    assert not differences(synced_state(a.database), synced_state(b.database))
    assert scalar(a.database, "SELECT reps FROM cards") == 2  # replayed from both


def test_concurrent_note_edits_merge_and_keep_both_where_they_clash(pair) -> None:
    folder, a, b = pair
    note = note_actions.create_note(a.database, title="N", body="one two three four").note_id
    set_up(folder, a, b)
    note_actions.save_note(
        a.database, note, title="N", body="ONE two three four", base_version_id=None
    )
    note_actions.save_note(
        b.database, note, title="N", body="one two three FOUR", base_version_id=None
    )
    for device in (a, b, a):
        device.sync(folder)
    body = scalar(a.database, "SELECT body FROM notes")
    assert body == "ONE two three FOUR"
    assert body == scalar(b.database, "SELECT body FROM notes")
    assert scalar(a.database, "SELECT count(*) FROM note_versions") == 4  # 1 + 2 edits + merge
    note_actions.save_note(a.database, note, title="N", body="X two", base_version_id=None)
    note_actions.save_note(b.database, note, title="N", body="Y two", base_version_id=None)
    for device in (a, b, a):
        device.sync(folder)
    body = scalar(b.database, "SELECT body FROM notes")
    assert "merged from two devices" in body and "X" in body and "Y" in body
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_concurrent_deck_moves_make_no_cycle(pair) -> None:
    folder, a, b = pair
    x = deck_actions.create_deck(a.database, "X").deck_id
    y = deck_actions.create_deck(a.database, "Y").deck_id
    set_up(folder, a, b)
    deck_actions.move_deck(a.database, x, y)
    deck_actions.move_deck(b.database, y, x)
    for device in (a, b, a, b):
        device.sync(folder)
    parents = dict(rows(a.database, "SELECT id, parent_id FROM decks"))
    assert parents[max(x, y)] is None and parents[min(x, y)] == max(x, y)
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_delete_against_edit_keeps_the_row(pair) -> None:
    folder, a, b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    set_up(folder, a, b)
    card = scalar(a.database, "SELECT id FROM cards")
    card_actions.delete_cards(a.database, [card])
    card_actions.save_card(b.database, CardText(card, None, "Q edited", "A", ()))
    for device in (a, b, a):
        device.sync(folder)
    assert scalar(b.database, "SELECT front FROM cards") == "Q edited"  # the edit survives
    assert scalar(b.database, "SELECT deleted_at FROM cards") is not None  # and the delete
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_applying_twice_or_reordered_changes_nothing(pair) -> None:
    folder, a, b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    for n in range(5):
        card_actions.save_card(a.database, CardText(None, deck, f"Q{n}", "A", ("t",)))
    set_up(folder, a, b)
    state = synced_state(b.database)
    b.database.close()
    conn = __import__("sqlite3").connect(b.database.db_file)
    with conn:
        conn.execute("DELETE FROM sync_cursors")
    conn.close()
    b.database = ProfileDatabase.open(b.database.db_file, b.folder / "backups")
    b.sync(folder)
    assert synced_state(b.database) == state


def test_unknown_table_and_column_wait_for_an_upgrade(pair) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    target = FolderTarget.open(folder, None)
    device_a = scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'")
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    a.sync(folder)
    stamp = stamp_text(now_ms(), 999_999, device_a)
    ops = [
        {"c": stamp, "t": "future_table", "k": "x", "v": {"a": 1}, "i": 1},
        {"c": stamp, "t": "decks", "k": deck, "v": {"colour": "red", "name": "Bio 2"}},
        {"c": stamp, "t": "decks", "k": deck, "v": {"name": {"evil": 1}}},
    ]
    number = target.write_segment(device_a, {"seen": {}, "max_ms": now_ms()}, ops, 1)
    assert number >= 2
    result = b.sync(folder)
    assert result.pending == 2
    assert scalar(b.database, "SELECT name FROM decks") == "Bio 2"


# --- bad input -----------------------------------------------------------------------------------


def test_truncated_or_bit_flipped_segments_are_skipped_then_picked_up(pair) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    deck_actions.create_deck(a.database, "Bio")
    a.sync(folder)
    (segment,) = [p for p in segments(folder) if p.stat().st_size > 0][-1:]
    whole = segment.read_bytes()
    segment.write_bytes(whole[: len(whole) // 2])
    result = b.sync(folder)
    assert result.applied == 0 and any("damaged" in s for s in result.skipped)
    flipped = bytearray(whole)
    flipped[len(flipped) // 2] ^= 0x10
    segment.write_bytes(bytes(flipped))
    assert b.sync(folder).applied == 0
    assert scalar(b.database, "SELECT count(*) FROM decks") == 0
    segment.write_bytes(whole)  # the folder's own sync finished the file
    assert b.sync(folder).applied == 1
    assert scalar(b.database, "SELECT name FROM decks") == "Bio"


def test_passphrase_encrypts_and_a_wrong_one_is_refused(pair) -> None:
    pytest.importorskip("cryptography")
    folder, a, b = pair
    deck_actions.create_deck(a.database, "Secret deck")
    set_up(folder, a, passphrase="correct horse")
    assert all(b"Secret deck" not in p.read_bytes() for p in segments(folder))
    with pytest.raises(WrongPassphrase):
        engine.setup_folder(b.database, folder, passphrase="wrong")
    assert scalar(b.database, "SELECT count(*) FROM sync_state") == 0  # nothing touched
    with pytest.raises(UserError, match="encrypted"):
        engine.setup_folder(b.database, folder)
    set_up(folder, b, passphrase="correct horse")
    assert scalar(b.database, "SELECT name FROM decks") == "Secret deck"


def test_another_datasets_folder_is_refused_and_nothing_touched(pair, tmp_path: Path) -> None:
    folder, a, b = pair
    deck_actions.create_deck(a.database, "A's")
    deck_actions.create_deck(b.database, "B's")
    set_up(folder, a)
    other = tmp_path / "other"
    set_up(other, b)
    before = synced_state(b.database), rows(b.database, "SELECT * FROM sync_state ORDER BY key")
    with pytest.raises(UserError, match="another profile"):
        engine.setup_folder(b.database, folder)
    after = synced_state(b.database), rows(b.database, "SELECT * FROM sync_state ORDER BY key")
    assert after == before
    # A folder swapped under a profile that syncs is refused too.
    meta = json.loads((folder / "studydesk-sync.json").read_text())
    shutil.copy(folder / "studydesk-sync.json", other / "studydesk-sync.json")
    with pytest.raises(UserError, match="another profile"):
        b.sync(other)
    assert meta["dataset"] != scalar(b.database, "SELECT value FROM sync_state WHERE key='dataset'")
    # --merge keeps the union of both.
    c = Device.make(tmp_path, "c")
    deck_actions.create_deck(c.database, "C's")
    with pytest.raises(UserError, match="--merge"):
        engine.setup_folder(c.database, folder)
    engine.setup_folder(c.database, folder, merge=True)
    c.sync(folder)
    a.sync(folder)
    names = {r[0] for r in rows(a.database, "SELECT name FROM decks")}
    assert names == {"A's", "C's"}
    c.close()


def test_path_traversal_in_media_and_blob_names_is_refused(pair, tmp_path: Path) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    a.media.mkdir(parents=True, exist_ok=True)
    (a.media / ("ab" * 32 + ".png")).write_bytes(b"\x89PNG\r\n\x1a\nimage")
    a.sync(folder)
    result = b.sync(folder)
    assert result.blobs_received == 1
    assert (b.media / ("ab" * 32 + ".png")).read_bytes().startswith(b"\x89PNG")
    target = FolderTarget.open(folder, None)
    with pytest.raises(UserError):
        target.blob_path("../../etc/passwd")
    device_a = scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'")
    stamp = stamp_text(now_ms(), 999_998, device_a)
    evil = [
        {"c": stamp, "t": "$media", "k": "../../outside.png", "v": {"sha256": "ab" * 32}},
        {"c": stamp, "t": "$media", "k": "fine.png", "v": {"sha256": "../../x"}},
    ]
    target.write_segment(device_a, {"seen": {}, "max_ms": now_ms()}, evil, 1)
    result = b.sync(folder)
    assert len([s for s in result.skipped if "Refused" in s]) == 2
    assert not (tmp_path / "outside.png").exists() and not (b.media / "fine.png").exists()


def test_a_profile_copied_by_hand_becomes_a_new_device(pair, tmp_path: Path) -> None:
    folder, a, _b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    set_up(folder, a)
    card = scalar(a.database, "SELECT id FROM cards")
    a.answer(card, 3)  # captured, not pushed yet
    a.database.close()
    copy = tmp_path / "laptop2"
    copy.mkdir()
    shutil.copy(a.database.db_file, copy / "studydesk.sqlite3")
    a.database = ProfileDatabase.open(a.database.db_file, a.folder / "backups")
    second = ProfileDatabase.open(copy / "studydesk.sqlite3", copy / "backups")
    prepare_database(second)  # what opening the profile does
    ids = {
        scalar(db, "SELECT value FROM sync_state WHERE key = 'device_id'")
        for db in (a.database, second)
    }
    assert len(ids) == 2
    engine.sync(second)
    a.sync(folder)
    engine.sync(second)
    assert scalar(a.database, "SELECT count(*) FROM card_reviews") == 1  # nothing doubles
    assert scalar(a.database, "SELECT count(*) FROM cards") == 1
    assert not differences(synced_state(a.database), synced_state(second))
    second.close()


def test_stamps_from_the_far_future_wait_and_say_check_the_clock(pair) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    conn = __import__("sqlite3").connect(a.database.db_file)
    with conn:
        conn.execute("UPDATE sync_clock SET floor_ms = ?", (now_ms() + 3 * 86_400_000,))
    conn.close()
    deck_actions.create_deck(a.database, "From the future")
    a.sync(folder)
    result = b.sync(folder)
    assert any("check this computer's clock" in s for s in result.skipped)
    assert scalar(b.database, "SELECT count(*) FROM decks") == 0
    deck_actions.create_deck(b.database, "Local edits still work")
    assert scalar(b.database, "SELECT count(*) FROM decks") == 1


def test_crash_after_the_segment_is_written_pushes_again_harmlessly(pair, monkeypatch) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    deck_actions.create_deck(a.database, "Bio")
    real = engine.fold_stamps

    def crash(*args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(engine, "fold_stamps", crash)
    with pytest.raises(OSError):
        a.sync(folder)
    monkeypatch.setattr(engine, "fold_stamps", real)
    assert scalar(a.database, "SELECT count(*) FROM sync_outbox") == 1  # still to push
    a.sync(folder)  # pushed again, in a new segment
    b.sync(folder)
    assert scalar(b.database, "SELECT count(*) FROM decks") == 1
    assert not differences(synced_state(a.database), synced_state(b.database))


# --- text merge ----------------------------------------------------------------------------------


def test_merge3_takes_each_sides_change_and_keeps_both_where_they_clash() -> None:
    assert merge3("a b c", "A b c", "a b C") == ("A b C", 0)
    assert merge3("a b c", "a B c", "a B c") == ("a B c", 0)
    text, both = merge3("a b c", "a X c", "a Y c", ("1", "2"))
    assert both == 1 and "X" in text and "Y" in text


def test_a_crash_mid_apply_leaves_nothing_half_done(pair, monkeypatch) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    a.sync(folder)
    real = engine.apply_ops

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(engine, "apply_ops", crash)
    with pytest.raises(OSError):
        b.sync(folder)
    assert scalar(b.database, "SELECT count(*) FROM decks") == 0
    assert rows(b.database, "SELECT * FROM sync_cursors") == []
    monkeypatch.setattr(engine, "apply_ops", real)
    b.sync(folder)
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_a_segment_waits_for_the_segments_its_writer_had_seen(pair, tmp_path: Path) -> None:
    folder, a, b = pair
    c = Device.make(tmp_path, "c")
    set_up(folder, a, b, c)
    deck = deck_actions.create_deck(a.database, "From A").deck_id
    a.sync(folder)
    b.sync(folder)  # b has a's deck, and puts a card in it
    card_actions.save_card(b.database, CardText(None, deck, "Q", "A", ()))
    b.sync(folder)
    device_a = scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'")
    (a_segment,) = [p for p in segments(folder) if p.parent.name == device_a][-1:]
    whole = a_segment.read_bytes()
    a_segment.write_bytes(whole[:20])  # a's segment not fully arrived at c yet
    result = c.sync(folder)
    assert scalar(c.database, "SELECT count(*) FROM cards") == 0  # b's card waits for a's deck
    assert result.skipped
    a_segment.write_bytes(whole)
    c.sync(folder)
    a.sync(folder)
    assert scalar(c.database, "SELECT count(*) FROM cards") == 1
    assert not differences(synced_state(a.database), synced_state(c.database))
    assert not differences(synced_state(a.database), synced_state(b.database))
    c.close()


def test_waiting_operations_apply_once_this_version_knows_them(pair, monkeypatch) -> None:
    import sqlite3

    from app.db import merge_rules
    from app.sync import table_facts

    folder, a, b = pair
    set_up(folder, a, b)
    target = FolderTarget.open(folder, None)
    device_a = scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'")
    stamp = stamp_text(now_ms(), 999_999, device_a)
    op = {"c": stamp, "t": "planets", "k": "p1", "v": {"name": "Mars"}, "i": 1}
    target.write_segment(device_a, {"seen": {}, "max_ms": now_ms()}, [op], 1)
    assert b.sync(folder).pending == 1
    assert b.sync(folder).pending == 1  # kept, sync after sync
    # The upgrade: the table in the schema and in the merge rules.
    conn = sqlite3.connect(b.database.db_file)
    with conn:
        conn.execute(
            "CREATE TABLE planets (id TEXT PRIMARY KEY, name TEXT, created_at TEXT, "
            "updated_at TEXT, deleted_at TEXT)"
        )
    conn.close()
    rule = merge_rules._fields("planets", "A test table.", synced="name")
    monkeypatch.setattr(table_facts, "RULES", {**merge_rules.RULES, "planets": rule})
    assert b.sync(folder).pending == 0
    assert scalar(b.database, "SELECT name FROM planets") == "Mars"


def test_a_backup_restored_in_place_gets_back_what_it_pushed_since(pair, tmp_path: Path) -> None:
    folder, a, b = pair
    set_up(folder, a, b)
    backup = tmp_path / "backup.sqlite3"
    source, copy = sqlite3.connect(a.database.db_file), sqlite3.connect(backup)
    source.backup(copy)
    source.close()
    copy.close()
    deck_actions.create_deck(a.database, "Made after the backup")
    a.sync(folder)
    device = scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'")
    a.database.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{a.database.db_file}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, a.database.db_file)  # over the file: same path, same inode
    a.database = ProfileDatabase.open(a.database.db_file, a.folder / "backups")
    prepare_database(a.database)
    assert scalar(a.database, "SELECT count(*) FROM decks") == 0
    a.sync(folder)
    assert scalar(a.database, "SELECT value FROM sync_state WHERE key = 'device_id'") != device
    assert scalar(a.database, "SELECT name FROM decks") == "Made after the backup"
    deck_actions.create_deck(a.database, "Made after the restore")
    a.sync(folder)
    b.sync(folder)
    assert not differences(synced_state(a.database), synced_state(b.database))


def one_card_on_both(folder: Path, a: Device, b: Device) -> str:
    set_up(folder, a, b)
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    a.sync(folder)
    b.sync(folder)
    return str(scalar(a.database, "SELECT id FROM cards"))


def test_a_card_in_many_batches_is_replayed_once_after_the_last(pair, monkeypatch) -> None:
    folder, a, b = pair
    card = one_card_on_both(folder, a, b)
    for rating in (3, 3, 1, 3, 4, 3):
        a.answer(card, rating)
        a.sync(folder)  # a segment each
    from app.core.flashcards import replay

    replayed: list[str] = []
    real = replay.replay

    def counting(card_id, *args, **kwargs):
        replayed.append(card_id)
        return real(card_id, *args, **kwargs)

    monkeypatch.setattr(replay, "replay", counting)
    monkeypatch.setattr(engine, "APPLY_OPS", 2)  # every review in a batch of its own
    b.sync(folder)
    assert replayed == [card]
    assert scalar(b.database, "SELECT reps FROM cards") == 6
    assert rows(b.database, "SELECT * FROM sync_rebuilds") == []
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_a_sync_stopped_before_the_replay_finishes_it_next_time(pair, monkeypatch) -> None:
    folder, a, b = pair
    card = one_card_on_both(folder, a, b)
    a.answer(card, 3)
    a.answer(card, 3)
    a.sync(folder)

    def stop(*args, **kwargs):
        raise OSError("the laptop's lid closed")

    monkeypatch.setattr(engine, "rebuild", stop)
    with pytest.raises(OSError):
        b.sync(folder)
    # The reviews are in, the schedule not replayed yet: the row to rebuild is on record.
    assert scalar(b.database, "SELECT count(*) FROM card_reviews") == 2
    assert scalar(b.database, "SELECT reps FROM cards") == 0
    assert rows(b.database, "SELECT tbl, row_key FROM sync_rebuilds") == [("cards", card)]
    monkeypatch.undo()
    result = b.sync(folder)  # nothing new to pull: the replay left is done
    assert result.pulled == 0
    assert scalar(b.database, "SELECT reps FROM cards") == 2
    assert rows(b.database, "SELECT * FROM sync_rebuilds") == []
    assert not differences(synced_state(a.database), synced_state(b.database))


def test_many_cards_at_once_are_indexed_in_bulk_and_found(pair, monkeypatch) -> None:
    from app.core.flashcards.cards import NewCard, add_cards
    from app.core.search.search import search_all
    from app.sync import bulk_index

    folder, a, b = pair
    set_up(folder, a, b)
    deck = deck_actions.create_deck(a.database, "Geo").deck_id
    with a.database.write_session() as session:
        add_cards(session, deck, [NewCard(f"Capital of land {i}", f"City{i}") for i in range(60)])
    a.sync(folder)
    every_trigger = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    triggers = rows(b.database, every_trigger)
    suspended: list[int] = []
    real = bulk_index.Indexes.suspend

    def counting(self, conn):
        suspended.append(len(self.feeders))
        real(self, conn)

    monkeypatch.setattr(bulk_index, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(bulk_index.Indexes, "suspend", counting)
    b.sync(folder)
    assert suspended and suspended[0] >= 3  # cards_fts's and search_docs' feeders
    assert rows(b.database, every_trigger) == triggers
    assert [hit.title for hit in search_all(b.database, "City42")] == ["Capital of land 42"]
    conn = sqlite3.connect(b.database.db_file)
    for index in ("cards_fts", "search_text", "search_trigram"):
        conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
    conn.close()
    # Edited afterwards one at a time: the triggers are back and keep the index.
    card = scalar(b.database, "SELECT id FROM cards WHERE front = 'Capital of land 7'")
    card_actions.save_card(b.database, CardText(card, deck, "Capital of land 7", "Town7", ()))
    assert [hit.title for hit in search_all(b.database, "Town7")] == ["Capital of land 7"]
    # ... and the capture triggers, suspended for the merge too, record the edit for a push.
    assert rows(b.database, "SELECT tbl, row_key, cols FROM sync_outbox") == [
        ("cards", card, "back updated_at")
    ]
    assert search_all(b.database, "City7") == []


def test_new_rows_inserted_together_then_edited_in_the_same_batch(pair, monkeypatch) -> None:
    from app.core.flashcards.cards import NewCard, add_cards
    from app.sync import bulk_index, staging

    folder, a, b = pair
    set_up(folder, a, b)
    deck = deck_actions.create_deck(a.database, "Geo").deck_id
    with a.database.write_session() as session:
        add_cards(session, deck, [NewCard(f"Land {i}", f"City{i}") for i in range(30)])
    card = scalar(a.database, "SELECT id FROM cards WHERE front = 'Land 3'")
    card_actions.save_card(a.database, CardText(card, deck, "Land 3", "Harbour", ()))
    a.sync(folder)  # the inserts and the later edit of one of them, in one segment
    staged: list[int] = []
    real = staging.NewRows.flush

    def counting(self, table=None):
        staged.append(sum(len(rows) for rows in self.waiting.get(table or "cards", {}).values()))
        real(self, table)

    monkeypatch.setattr(bulk_index, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(staging.NewRows, "flush", counting)
    b.sync(folder)
    assert staged[0] == 30  # the new cards went in together, before the edit of one of them
    assert scalar(b.database, "SELECT back FROM cards WHERE id = ?", (card,)) == "Harbour"
    assert scalar(b.database, "SELECT count(*) FROM cards") == 30
    assert rows(b.database, "SELECT * FROM sync_pending") == []
    assert not differences(synced_state(a.database), synced_state(b.database))
