"""Versions are stored compactly (a compressed snapshot now and then, compressed changes between)
and every one still reads back exactly: an hour of autosaves of a 100 KB note stays small."""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app.core.notes import version_store
from app.core.notes.note_actions import create_note, restore_version, save_note
from app.core.notes.note_reads import note_versions, open_note, version_text
from app.db.database import ProfileDatabase
from app.db.models import Note, NoteVersion

WORDS = [
    "the",
    "heart",
    "pumps",
    "blood",
    "through",
    "four",
    "valves",
    "mitral",
    "aortic",
    "tricuspid",
    "pulmonary",
]


def words(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < chars:
        out.append(rng.choice(WORDS) + ("\n" if rng.random() < 0.08 else ""))
    return " ".join(out)


def edit(rng: random.Random, text: str) -> str:
    """A small edit somewhere: a few characters typed, deleted or replaced."""
    at = rng.randrange(len(text))
    choice = rng.random()
    if choice < 0.5:
        return text[:at] + rng.choice(WORDS) + " " + text[at:]
    if choice < 0.8:
        return text[:at] + text[at + rng.randint(1, 12) :]
    return text[:at] + rng.choice("abcdef") + text[at + 1 :]


def profile_size(database: ProfileDatabase) -> int:
    """Bytes of the profile's pages (the file's size once its write-ahead log is written in)."""
    with database.read_session() as session:
        run = session.connection().exec_driver_sql
        return int(run("PRAGMA page_count").scalar() or 0) * int(
            run("PRAGMA page_size").scalar() or 0
        )


def test_five_hundred_autosaves_of_a_100_kb_note_stay_small_and_each_reads_back(
    database: ProfileDatabase,
) -> None:
    rng = random.Random(5)
    text = words(rng, 100_000)
    made = create_note(database, title="Long", body=text)
    before = profile_size(database)
    head, texts = made.version_id, {made.version_id: text}
    for _ in range(500):
        text = edit(rng, text)
        head = save_note(
            database, made.note_id, title="Long", body=text, base_version_id=head
        ).version_id
        texts[head] = text
    grown = profile_size(database) - before
    assert grown < 5_000_000, f"the profile grew by {grown:,} bytes"
    for version_id in [*rng.sample(sorted(texts), 40), made.version_id, head]:
        assert version_text(database, version_id) == ("Long", texts[version_id])
    with database.read_session() as session:
        kinds = session.execute(
            select(NoteVersion.base_id.is_(None), NoteVersion.body.is_(None)).where(
                NoteVersion.note_id == made.note_id
            )
        ).all()
    assert all(body_null for _snapshot, body_null in kinds)  # none stored whole
    snapshots = sum(1 for snapshot, _ in kinds if snapshot)
    assert 501 / version_store.SNAPSHOT_EVERY <= snapshots < 501 / 4


def test_restoring_a_deep_version_gives_its_exact_text(database: ProfileDatabase) -> None:
    rng = random.Random(7)
    text = words(rng, 20_000)
    made = create_note(database, title="T", body=text)
    head, history = made.version_id, [(made.version_id, text)]
    for _ in range(3 * version_store.SNAPSHOT_EVERY):
        text = edit(rng, text)
        head = save_note(
            database, made.note_id, title="T", body=text, base_version_id=head
        ).version_id
        history.append((head, text))
    old_id, old_text = history[version_store.SNAPSHOT_EVERY + 5]
    restored = restore_version(database, made.note_id, old_id, head)
    assert open_note(database, made.note_id).body == old_text
    assert version_text(database, restored.version_id)[1] == old_text
    assert [v.size for v in note_versions(database, made.note_id)][:2] == [
        len(old_text),
        len(text),
    ]


def test_a_note_written_elsewhere_is_still_stored_from_its_head(
    database: ProfileDatabase,
) -> None:
    """If the note's text is not its head's (a writer that did not append a version), the next
    version is made from the head's own text, so every version still reads back."""
    made = create_note(database, title="T", body="one two three " * 500)
    second = save_note(
        database, made.note_id, title="T", body="one two four " * 500, base_version_id=None
    )
    with database.write_session() as session:
        session.execute(update(Note).where(Note.id == made.note_id).values(body="other"))
    third = save_note(database, made.note_id, title="T", body="x" + "one two four " * 500,
                      base_version_id=None)  # fmt: skip
    assert version_text(database, second.version_id)[1] == "one two four " * 500
    assert version_text(database, third.version_id)[1] == "x" + "one two four " * 500


def test_versions_stored_whole_are_read_and_built_on(database: ProfileDatabase) -> None:
    """Versions from imports, merges and before revision 0012 hold their text in `body`."""
    made = create_note(database, title="T", body="whole text " * 300)
    with database.write_session() as session:
        session.execute(
            update(NoteVersion)
            .where(NoteVersion.id == made.version_id)
            .values(body="whole text " * 300, data=None, size=None)
        )
    assert version_text(database, made.version_id)[1] == "whole text " * 300
    saved = save_note(
        database, made.note_id, title="T", body="whole text! " * 300, base_version_id=None
    )
    assert version_text(database, saved.version_id)[1] == "whole text! " * 300
    assert note_versions(database, made.note_id)[1].size == len("whole text " * 300)


def test_a_missing_or_damaged_base_is_said_not_shown(database: ProfileDatabase) -> None:
    made = create_note(database, title="T", body="abc " * 2000)
    saved = save_note(database, made.note_id, title="T", body="abc " * 2000 + "1",
                      base_version_id=None)  # fmt: skip
    later = save_note(database, made.note_id, title="T", body="abc " * 2000 + "12",
                      base_version_id=None)  # fmt: skip
    with database.write_session() as session:
        base = session.scalar(select(NoteVersion.base_id).where(NoteVersion.id == later.version_id))
        assert base == saved.version_id
        data = session.scalar(select(NoteVersion.data).where(NoteVersion.id == saved.version_id))
        assert data is not None
        damaged = data[: version_store.HEADER_BYTES] + b"\x00" + data[version_store.HEADER_BYTES :]
        session.execute(
            update(NoteVersion).where(NoteVersion.id == saved.version_id).values(data=damaged)
        )
    with pytest.raises(version_store.VersionUnreadable, match="cannot be read"):
        version_text(database, later.version_id)
    assert version_text(database, made.version_id)[1] == "abc " * 2000
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE note_versions (id, body, data, base_id)")
    connection.execute(
        "INSERT INTO note_versions VALUES ('b', NULL, ?, 'gone')",
        (version_store.delta("gone", "abc", "abcd").data,),  # type: ignore[union-attr]
    )
    with pytest.raises(version_store.VersionUnreadable, match="earlier version is missing"):
        version_store.read_text(connection, "b")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300), st.integers(0, 5000))
def test_any_delta_rebuilds_its_text(base: str, text: str, pad: int) -> None:
    base, text = "x" * pad + base + "\n" * 3, "x" * pad + text + "\n" * 3
    assert version_store.apply_ops(base, version_store.delta_ops(base, text)) == text
    stored = version_store.store("b", base, text, 0)
    rebuilt = version_store.decode("v", stored.body, stored.data, base)
    assert rebuilt == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("ab\n ", min_size=1, max_size=40), min_size=60, max_size=200), st.data())
def test_line_matched_deltas_rebuild_their_text(lines: list[str], data: st.DataObject) -> None:
    """Edits far apart in a long text: the middle is matched line by line."""
    base = "\n".join(lines)
    changed = list(lines)
    for _ in range(data.draw(st.integers(2, 6))):
        at = data.draw(st.integers(0, len(changed) - 1))
        changed[at] = data.draw(st.text("abc\n", max_size=30))
    text = "\n".join(changed)
    assert version_store.apply_ops(base, version_store.delta_ops(base, text)) == text
