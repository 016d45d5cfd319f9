"""A sync says what it changed (`SyncResult.changes`), so the window refreshes only the views
that show it: one mapping from tables to `Change` flags (app/sync/changes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_helpers import Device, scalar

from app.core.changes import Change
from app.core.flashcards import card_actions, deck_actions
from app.core.flashcards.card_actions import CardText
from app.core.notes import note_actions
from app.db.merge_rules import RULES, synced_rules
from app.sync import engine
from app.sync.changes import TABLE_CHANGES, change_names, changes_of_tables
from app.sync.rebuild import REBUILDERS


@pytest.fixture
def pair(tmp_path: Path):
    a, b = Device.make(tmp_path, "a"), Device.make(tmp_path, "b")
    folder = tmp_path / "shared"
    for device in (a, b):
        engine.setup_folder(device.database, folder)
        device.sync(folder)
    yield folder, a, b
    a.close()
    b.close()


def test_every_table_a_merge_writes_says_what_it_changes() -> None:
    written = {rule.table for rule in synced_rules()} | set(REBUILDERS)
    missing = sorted(written - set(TABLE_CHANGES))
    assert not missing, f"add them to TABLE_CHANGES in app/sync/changes.py: {missing}"
    assert not set(TABLE_CHANGES) - set(RULES), "TABLE_CHANGES names a table that is not there"
    assert changes_of_tables(["a table from a newer version"]) == Change.EVERYTHING
    assert change_names(Change.CARDS | Change.REVIEWS) == ["CARDS", "REVIEWS"]


def test_a_pulled_note_edit_changes_notes_only_and_nothing_pulled_changes_nothing(pair) -> None:
    folder, a, b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    note = note_actions.create_note(a.database, title="N", body="one two").note_id
    a.sync(folder)
    first = b.sync(folder)
    assert first.changes & (Change.DECKS | Change.CARDS | Change.NOTES) == (
        Change.DECKS | Change.CARDS | Change.NOTES
    )
    note_actions.save_note(a.database, note, title="N", body="one two three", base_version_id=None)
    a.sync(folder)
    edited = b.sync(folder)
    assert edited.applied > 0
    assert edited.changes == Change.NOTES
    assert scalar(b.database, "SELECT body FROM notes") == "one two three"
    assert edited.as_json()["changes"] == ["NOTES"]
    again = b.sync(folder)
    assert again.changes == Change.NONE and again.pulled == 0


def test_a_pulled_review_changes_cards_and_reviews(pair) -> None:
    folder, a, b = pair
    deck = deck_actions.create_deck(a.database, "Bio").deck_id
    card_actions.save_card(a.database, CardText(None, deck, "Q", "A", ()))
    a.sync(folder)
    b.sync(folder)
    assert a.answer(scalar(a.database, "SELECT id FROM cards"), 3)
    a.sync(folder)
    answered = b.sync(folder)
    assert answered.changes & Change.CARDS and answered.changes & Change.REVIEWS  # replayed
    assert not answered.changes & (Change.NOTES | Change.VIDEOS | Change.ATTEMPTS)
    assert a.sync(folder).changes == Change.NONE  # its own review does not come back
