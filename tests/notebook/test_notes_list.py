"""The note list: pinned first, sorted by change or title, filtered by words, nested tags,
notebooks (with those inside them) and the kind of thing linked; tags and notebooks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notes_fixtures import make_targets

from app.core.changes import Change
from app.core.notes.links import LinkTarget, link_markdown
from app.core.notes.note_actions import (
    create_note,
    move_note,
    pin_note,
    set_note_tags,
)
from app.core.notes.note_reads import NoteQuery, note_list, open_note
from app.core.notes.notebook_actions import create_notebook, delete_notebook, rename_notebook
from app.db.database import ProfileDatabase
from app.errors import UserError


def titles(database: ProfileDatabase, **query: object) -> list[str]:
    return [row.title for row in note_list(database, NoteQuery(**query)).rows]  # type: ignore[arg-type]


def test_pinned_first_then_newest_change_or_title(database: ProfileDatabase) -> None:
    for title in ("Beta", "alpha", "Gamma"):
        create_note(database, title=title)
    assert titles(database) == ["Gamma", "alpha", "Beta"]
    beta = next(r for r in note_list(database).rows if r.title == "Beta")
    assert pin_note(database, beta.id, True) == Change.NOTES
    assert pin_note(database, beta.id, True) == Change.NONE
    assert titles(database) == ["Beta", "Gamma", "alpha"]
    assert titles(database, sort="title") == ["Beta", "alpha", "Gamma"]
    assert note_list(database).rows[0].pinned


def test_nested_tags_filter_by_their_levels(database: ProfileDatabase) -> None:
    valves = create_note(database, title="Valves", tags=["cardio/valves"])
    create_note(database, title="Heart", tags=["Cardio"])
    create_note(database, title="Cardiology exam", tags=["cardiology"])
    assert titles(database, tag="cardio", sort="title") == ["Heart", "Valves"]
    assert titles(database, tag=" cardio / valves ") == ["Valves"]
    assert note_list(database).tags == ("Cardio", "cardio/valves", "cardiology")
    assert set_note_tags(database, valves.note_id, ["renal/ acid-base ", "renal/acid-base"]) == (
        Change.NOTES | Change.TAGS
    )
    assert open_note(database, valves.note_id).tags == ("renal/acid-base",)
    assert titles(database, tag="cardio") == ["Heart"]
    with pytest.raises(UserError, match="longer than"):
        set_note_tags(database, valves.note_id, ["x" * 300])


def test_notebooks_hold_notes_and_those_inside_them(database: ProfileDatabase) -> None:
    medicine = create_notebook(database, "Medicine").notebook_id
    cardio = create_notebook(database, "Cardiology", parent_id=medicine).notebook_id
    top = create_note(database, title="Top", notebook_id=medicine)
    inner = create_note(database, title="Inner")
    assert move_note(database, inner.note_id, cardio) == Change.NOTES
    create_note(database, title="Loose")
    assert titles(database, notebook_id=medicine, sort="title") == ["Inner", "Top"]
    assert titles(database, notebook_id=cardio) == ["Inner"]
    assert [(b.name, b.notes) for b in note_list(database).notebooks] == [
        ("Cardiology", 1), ("Medicine", 1),
    ]  # fmt: skip
    rename_notebook(database, cardio, "  Heart  ")
    assert {b.name for b in note_list(database).notebooks} == {"Heart", "Medicine"}
    with pytest.raises(UserError):
        create_notebook(database, "   ")
    gone = delete_notebook(database, medicine)
    assert set(gone.notebook_ids) == {medicine, cardio}
    assert set(gone.moved_note_ids) == {top.note_id, inner.note_id}
    assert note_list(database).notebooks == ()
    assert all(row.notebook_id is None for row in note_list(database).rows)
    with pytest.raises(UserError, match="deleted"):
        move_note(database, top.note_id, medicine)


def test_filters_by_words_and_by_linked_kind(database: ProfileDatabase) -> None:
    t = make_targets(database)
    create_note(database, title="From the lesson", links=(LinkTarget("lesson", t["lesson"]),))
    create_note(
        database,
        title="With a moment",
        body=link_markdown("S2", LinkTarget("video", t["video"], 83.5)),
    )
    create_note(database, title="Plain", body="The 100% rule_of thumb")
    assert titles(database, linked_kind="lesson") == ["From the lesson"]
    assert titles(database, linked_kind="video") == ["With a moment"]
    assert titles(database, search="100%") == ["Plain"]
    assert titles(database, search="rule_of") == ["Plain"]
    assert titles(database, search="MOMENT") == ["With a moment"]
    assert titles(database, search="_") == ["Plain"]
    row = next(r for r in note_list(database).rows if r.title == "With a moment")
    assert (row.link_kinds, row.snippet) == (("video",), "S2")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=12))
def test_any_search_text_is_a_plain_match(database: ProfileDatabase, text: str) -> None:
    """Quotes, %, _, backslashes: each is the character itself (ASCII letters in any case)."""
    create_note(database, title="Fixed", body="Some body text with 100% of _ and \\ and 'quotes\"")
    words = " ".join(text.replace("\x00", "").split()).casefold()
    holds = words in "fixed" or words in "some body text with 100% of _ and \\ and 'quotes\""
    assert bool(titles(database, search=text)) == holds


def test_the_list_comes_in_pages_that_make_the_whole_list(database: ProfileDatabase) -> None:
    """Pages of the list, one after the other, are the whole list in its order (by change and
    by title, with a filter), each counted once; only a page's rows are read."""
    made = [
        create_note(database, title=f"Note {n % 7} {n}", tags=["odd"] if n % 2 else ())
        for n in range(45)
    ]
    pin_note(database, made[3].note_id, True)
    for query in (NoteQuery(), NoteQuery(sort="title"), NoteQuery(tag="odd", sort="title")):
        whole = note_list(database, query)
        assert not whole.more and whole.total == 45
        assert whole.matched == len(whole.rows) == (22 if query.tag else 45)
        pages, offset = [], 0
        while True:
            page = note_list(database, query, offset=offset, limit=10)
            assert (page.offset, page.matched, page.total) == (offset, whole.matched, 45)
            pages.extend(page.rows)
            offset += len(page.rows)
            if not page.more:
                break
        assert pages == list(whole.rows)
    by_change = note_list(database, limit=3).rows
    assert [row.id for row in by_change] == [made[3].note_id, made[44].note_id, made[43].note_id]
    by_title = [row.title for row in note_list(database, NoteQuery(sort="title")).rows]
    assert by_title[1:] == sorted(by_title[1:], key=str.casefold)
    assert note_list(database, offset=45, limit=10).rows == ()
