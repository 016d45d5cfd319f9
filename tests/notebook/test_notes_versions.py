"""Saving a note: every save appends a version naming the one it was made from, an unchanged
save is a no-op, an old version is restored as a new one, and nothing is ever rewritten."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.changes import Change
from app.core.notes.note_actions import (
    MAX_BODY,
    NoteGone,
    create_note,
    delete_note,
    restore_notes,
    restore_version,
    save_note,
)
from app.core.notes.note_reads import note_versions, open_note, version_text
from app.db.database import ProfileDatabase
from app.db.models import Note, NoteVersion
from app.errors import UserError


def version_count(database: ProfileDatabase) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(NoteVersion)) or 0


def test_each_save_appends_a_version_made_from_the_one_before(database: ProfileDatabase) -> None:
    made = create_note(database, title="Valves", body="Mitral")
    first = save_note(
        database,
        made.note_id,
        title="Valves",
        body="Mitral, aortic",
        base_version_id=made.version_id,
    )
    second = save_note(
        database,
        made.note_id,
        title="Heart valves",
        body="Mitral, aortic",
        base_version_id=first.version_id,
    )
    assert first.changes == second.changes == Change.NOTES
    versions = note_versions(database, made.note_id)
    assert [v.id for v in versions] == [second.version_id, first.version_id, made.version_id]
    assert [v.parent_ids for v in versions] == [(first.version_id,), (made.version_id,), ()]
    assert [v.title for v in versions] == ["Heart valves", "Valves", "Valves"]
    assert versions[1].size == len("Mitral, aortic")
    assert versions[0].device is None
    assert version_text(database, made.version_id) == ("Valves", "Mitral")
    opened = open_note(database, made.note_id)
    assert (opened.title, opened.body, opened.head_version_id) == (
        "Heart valves", "Mitral, aortic", second.version_id,
    )  # fmt: skip


def test_an_unchanged_save_is_a_no_op(database: ProfileDatabase) -> None:
    made = create_note(database, title="Valves", body="Mitral")
    again = save_note(
        database, made.note_id, title=" Valves ", body="Mitral", base_version_id=made.version_id
    )
    assert again.changes == Change.NONE
    assert again.version_id == made.version_id
    assert again.updated_at == made.updated_at
    assert version_count(database) == 1


def test_restoring_an_old_version_adds_a_new_one_with_its_text(database: ProfileDatabase) -> None:
    made = create_note(database, title="Draft", body="one")
    later = save_note(
        database, made.note_id, title="Draft", body="two", base_version_id=made.version_id
    )
    back = restore_version(database, made.note_id, made.version_id, later.version_id)
    versions = note_versions(database, made.note_id)
    assert versions[0].id == back.version_id
    assert versions[0].parent_ids == (later.version_id,)
    assert open_note(database, made.note_id).body == "one"
    assert version_text(database, later.version_id) == ("Draft", "two")  # still there
    other = create_note(database, title="Other")
    with pytest.raises(UserError, match="not one of this note's"):
        restore_version(database, made.note_id, other.version_id, back.version_id)


def test_a_save_from_an_older_version_forks_the_graph(database: ProfileDatabase) -> None:
    """Two editors of one note: the second saves from the version it loaded, not the head."""
    made = create_note(database, title="T", body="base")
    ours = save_note(
        database, made.note_id, title="T", body="ours", base_version_id=made.version_id
    )
    theirs = save_note(
        database, made.note_id, title="T", body="theirs", base_version_id=made.version_id
    )
    parents = {v.id: v.parent_ids for v in note_versions(database, made.note_id)}
    assert parents[ours.version_id] == parents[theirs.version_id] == (made.version_id,)
    assert open_note(database, made.note_id).head_version_id == theirs.version_id
    with pytest.raises(ValueError):
        save_note(database, made.note_id, title="T", body="x", base_version_id="nope")


def test_saving_a_deleted_note_says_so_and_keeps_nothing_half_done(
    database: ProfileDatabase,
) -> None:
    made = create_note(database, title="Gone soon", body="text")
    assert delete_note(database, made.note_id).changes == Change.NOTES
    with pytest.raises(NoteGone, match="deleted") as raised:
        save_note(
            database,
            made.note_id,
            title="Gone soon",
            body="new text",
            base_version_id=made.version_id,
        )
    assert isinstance(raised.value, UserError)
    assert version_count(database) == 1
    with pytest.raises(NoteGone):
        open_note(database, made.note_id)
    assert restore_notes(database, [made.note_id]).note_ids == (made.note_id,)
    assert open_note(database, made.note_id).body == "text"
    with pytest.raises(NoteGone):
        save_note(database, "no-such-note", title="x", body="y", base_version_id=None)


def test_a_ten_megabyte_note_saves_and_opens_whole(database: ProfileDatabase) -> None:
    body = ("A line of a long note about the heart, with **marks**.\n" * 200_000)[:10_000_000]
    made = create_note(database, title="Huge", body=body)
    saved = save_note(
        database, made.note_id, title="Huge", body=body + "end", base_version_id=made.version_id
    )
    assert saved.changes == Change.NOTES
    assert open_note(database, made.note_id).body == body + "end"
    with pytest.raises(UserError, match="at most"):
        create_note(database, title="Too big", body="x" * (MAX_BODY + 1))


def test_article_text_is_read_only(database: ProfileDatabase) -> None:
    with database.write_session() as session:
        session.add(Note(id="art-1", kind="article", title="Library", body="text"))
    with pytest.raises(UserError, match="read-only"):
        save_note(database, "art-1", title="Library", body="changed", base_version_id=None)


def test_titles_are_one_line_and_never_empty(database: ProfileDatabase) -> None:
    made = create_note(database, title="  two\nlines  ", body="")
    assert open_note(database, made.note_id).title == "two lines"
    assert open_note(database, create_note(database, title="   ").note_id).title == "Untitled"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 10)), max_size=12))
def test_any_sequence_of_saves_keeps_every_text_as_a_version(
    database: ProfileDatabase, edits: list[tuple[str, int]]
) -> None:
    made = create_note(database, title="P", body="")
    head, texts = made.version_id, [""]
    for word, base_back in edits:
        body = texts[-1] + word
        versions = note_versions(database, made.note_id)
        base = versions[min(base_back, len(versions) - 1)].id if base_back % 3 == 0 else head
        saved = save_note(database, made.note_id, title="P", body=body, base_version_id=base)
        head = saved.version_id
        texts.append(body)
    versions = note_versions(database, made.note_id)
    assert len(versions) == len(texts)  # each edit appends one: the text always grows
    assert versions[0].id == head
    known = {v.id for v in versions}
    with database.read_session() as session:
        stored = session.execute(
            select(NoteVersion.id, NoteVersion.parent_ids).where(
                NoteVersion.note_id == made.note_id
            )
        ).all()
    assert sorted(version_text(database, i)[1] for i, _ in stored) == sorted(texts)
    assert all(set(json.loads(parents)) <= known for _id, parents in stored)
    assert sum(1 for _id, parents in stored if parents == "[]") == 1  # one root
    assert open_note(database, made.note_id).body == texts[-1]
