"""Links: one format and parser; a note's link rows follow its text; backlinks, unlinked
mentions, a deleted or missing target shown as not existing; the link picker and `[[`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from notes_fixtures import make_targets
from sqlalchemy import select

from app.core.notes.link_reads import backlinks, link_choices, resolve_link
from app.core.notes.links import KINDS, LinkTarget, link_markdown, links_in
from app.core.notes.note_actions import create_note, delete_note, save_note
from app.core.notes.note_reads import open_note
from app.core.notes.title_search import fuzzy_score, note_titles, unlinked_mentions
from app.db.database import ProfileDatabase
from app.db.models import Card, Lesson, NoteLink, VideoBookmark
from app.db.types import utcnow

ids_text = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s)


@given(st.sampled_from(KINDS), ids_text, st.text(max_size=30), st.none() | st.floats(0, 1e6))
def test_a_link_written_is_the_link_read(
    kind: str, target_id: str, label: str, at: float | None
) -> None:
    at_s = round(at, 3) if at is not None and kind == "video" else None
    target = LinkTarget(kind, target_id, at_s)
    assert LinkTarget.parse(target.url) == target
    body = f"before {link_markdown(label, target)} after"
    assert links_in(body) == [target]


def test_links_in_order_once_each_and_not_in_code() -> None:
    body = (
        "See [a](studydesk:note/n1) and [b](studydesk:lesson/l1), again [a2](studydesk:note/n1).\n"
        "`[c](studydesk:card/c1)` is code.\n\n```\n[d](studydesk:deck/d1)\n```\n"
        "A moment: [S2](studydesk:video/v1?t=83.5); a web link [w](https://example.com); "
        "[bad](studydesk:planet/p1)"
    )
    assert links_in(body) == [
        LinkTarget("note", "n1"), LinkTarget("lesson", "l1"), LinkTarget("video", "v1", 83.5),
    ]  # fmt: skip
    assert LinkTarget.parse("https://example.com") is None
    assert link_markdown("a [b]", LinkTarget("note", "x")) == r"[a \[b\]](studydesk:note/x)"
    with pytest.raises(ValueError):
        LinkTarget("note", "x", 3.0)


def live_links(database: ProfileDatabase, note_id: str) -> set[tuple[str, str, str]]:
    with database.read_session() as session:
        rows = session.execute(
            select(NoteLink.target_kind, NoteLink.target_id, NoteLink.source).where(
                NoteLink.note_id == note_id, NoteLink.deleted_at.is_(None)
            )
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def test_link_rows_follow_the_text_and_origin_links_stay(database: ProfileDatabase) -> None:
    t = make_targets(database)
    lesson = LinkTarget("lesson", t["lesson"])
    card = LinkTarget("card", t["card"])
    made = create_note(
        database, title="From a lesson", body=link_markdown("S1", card), links=(lesson,)
    )
    assert live_links(database, made.note_id) == {
        ("lesson", t["lesson"], "origin"), ("card", t["card"], "body"),
    }  # fmt: skip
    deck = LinkTarget("deck", t["deck"])
    saved = save_note(
        database,
        made.note_id,
        title="x",
        body=link_markdown("Deck", deck),
        base_version_id=made.version_id,
    )
    assert live_links(database, made.note_id) == {
        ("lesson", t["lesson"], "origin"), ("deck", t["deck"], "body"),
    }  # fmt: skip
    both = link_markdown("S1", card) + link_markdown("Deck", deck)
    save_note(database, made.note_id, title="x", body=both, base_version_id=saved.version_id)
    assert live_links(database, made.note_id) == {
        ("lesson", t["lesson"], "origin"), ("deck", t["deck"], "body"), ("card", t["card"], "body"),
    }  # fmt: skip
    with database.read_session() as session:  # the card's old row came back: no duplicate
        rows = session.scalars(select(NoteLink).where(NoteLink.target_id == t["card"])).all()
    assert len(rows) == 1


def test_open_note_resolves_every_kind_and_says_what_is_missing(database: ProfileDatabase) -> None:
    t = make_targets(database)
    other = create_note(database, title="Heart sounds, my summary")
    targets = [
        LinkTarget("note", other.note_id), LinkTarget("lesson", t["lesson"]),
        LinkTarget("card", t["card"]), LinkTarget("deck", t["deck"]),
        LinkTarget("question", t["question"]), LinkTarget("video", t["video"], 83.5),
        LinkTarget("article", "not-imported"), LinkTarget("card", "no-such-card"),
    ]  # fmt: skip
    body = " ".join(link_markdown(f"l{i}", target) for i, target in enumerate(targets))
    made = create_note(database, title="Hub", body=body)
    links = {link.target: link for link in open_note(database, made.note_id).links}
    assert [(links[tg].title, links[tg].exists) for tg in targets] == [
        ("Heart sounds, my summary", True), ("The cardiac cycle", True), ("What is S1?", True),
        ("Cardio", True), ("A 54-year-old man with chest pain...", True),
        ("Heart sounds @ 1:23", True), (None, False), (None, False),
    ]  # fmt: skip
    # A target deleted later shows as not there, with its last title, so it can be relinked.
    with database.write_session() as session:
        session.get(Lesson, t["lesson"]).deleted_at = utcnow()  # type: ignore[union-attr]
    delete_note(database, other.note_id)
    links = {link.target: link for link in open_note(database, made.note_id).links}
    assert (links[targets[0]].exists, links[targets[0]].title) == (
        False,
        "Heart sounds, my summary",
    )
    assert (links[targets[1]].exists, links[targets[1]].title) == (False, "The cardiac cycle")
    assert resolve_link(database, targets[2]).exists


def test_an_ms2_citation_by_legacy_id_resolves_once_the_target_is_there(
    database: ProfileDatabase,
) -> None:
    t = make_targets(database)
    made = create_note(database, title="MS2 note")
    with database.write_session() as session:
        session.add(
            NoteLink(note_id=made.note_id, target_kind="question", target_id="q-17", resolved=False)
        )
        session.add(
            NoteLink(note_id=made.note_id, target_kind="video", target_id="ms2-v9", resolved=False)
        )
    links = {link.target.kind: link for link in open_note(database, made.note_id).links}
    assert links["question"].target == LinkTarget("question", t["question"])
    assert links["question"].exists and links["question"].source == "origin"
    assert not links["video"].exists
    assert [b.id for b in backlinks(database, LinkTarget("question", t["question"]))] == [
        made.note_id
    ]


def test_backlinks_list_notes_cards_and_bookmarks(database: ProfileDatabase) -> None:
    t = make_targets(database)
    hub = create_note(database, title="Cardiac cycle")
    target = LinkTarget("note", hub.note_id)
    first = create_note(
        database,
        title="Valves",
        body=f"Before the link, {link_markdown('cycle', target)} after it.",
    )
    create_note(database, title="Unrelated", body="nothing")
    gone = create_note(database, title="Deleted", body=link_markdown("cycle", target))
    delete_note(database, gone.note_id)
    with database.write_session() as session:
        session.add(
            Card(
                deck_id=t["deck"],
                front="Made from the note",
                back="back",
                source_kind="note",
                source_id=hub.note_id,
            )
        )
        mark = session.scalars(select(VideoBookmark)).one()
        mark.note = f"see {target.url}"
    found = backlinks(database, target)
    assert [(b.kind, b.title) for b in found] == [
        ("note", "Valves"), ("card", "Made from the note"), ("bookmark", "S2 split"),
    ]  # fmt: skip
    assert "Before the link, cycle after it." in found[0].snippet
    assert (found[2].at_s, found[2].video_id) == (83.5, t["video"])
    assert first.note_id == found[0].id
    # A video's backlinks take links to any moment of it.
    moment = create_note(
        database, title="Moment", body=link_markdown("m", LinkTarget("video", t["video"], 12.0))
    )
    assert [b.id for b in backlinks(database, LinkTarget("video", t["video"]))] == [moment.note_id]


def test_unlinked_mentions_name_the_title_as_words_but_do_not_link(
    database: ProfileDatabase,
) -> None:
    hub = create_note(database, title="Mitral valve")
    named = create_note(database, title="Murmurs", body="A MITRAL VALVE prolapse clicks.")
    create_note(
        database,
        title="Linked",
        body=f"The {link_markdown('mitral valve', LinkTarget('note', hub.note_id))}.",
    )
    create_note(database, title="Part of a word", body="mitral valves-ish? no: mitral valvexyz")
    create_note(database, title="Other", body="tricuspid")
    assert [row.id for row in unlinked_mentions(database, hub.note_id)] == [named.note_id]
    assert "MITRAL VALVE prolapse" in unlinked_mentions(database, hub.note_id)[0].snippet
    assert unlinked_mentions(database, create_note(database, title="ab").note_id) == []


def test_titles_for_completion_are_fuzzy_and_best_first(database: ProfileDatabase) -> None:
    for title in ("Cardiac cycle", "Cycle of Krebs", "Acid base", "Cardiomyopathy", "Recycling"):
        create_note(database, title=title)
    titles = [title for _id, title in note_titles(database, "cyc")]
    assert titles[:2] == ["Cycle of Krebs", "Cardiac cycle"]
    assert "Recycling" in titles
    assert [t for _i, t in note_titles(database, "crdcy")] == ["Cardiac cycle"]
    assert len(note_titles(database, "", limit=3)) == 3
    assert fuzzy_score("zz", "Cardiac") is None


def test_the_link_picker_offers_each_kind(database: ProfileDatabase) -> None:
    t = make_targets(database)
    assert link_choices(database, "lesson", "cardiac") == [
        (LinkTarget("lesson", t["lesson"]), "The cardiac cycle")
    ]
    assert link_choices(database, "card", "S1") == [(LinkTarget("card", t["card"]), "What is S1?")]
    assert link_choices(database, "deck", "") == [(LinkTarget("deck", t["deck"]), "Cardio")]
    assert link_choices(database, "question", "chest")[0][0] == LinkTarget(
        "question", t["question"]
    )
    assert link_choices(database, "video", "heart") == [
        (LinkTarget("video", t["video"], 83.5), "Heart sounds @ 1:23: S2 split"),
        (LinkTarget("video", t["video"]), "Heart sounds"),
    ]
    assert link_choices(database, "lesson", "100%_\\") == []
    with pytest.raises(ValueError):
        link_choices(database, "planet", "")


def test_mentions_and_completion_among_many_notes(database: ProfileDatabase) -> None:
    """The search index finds the candidates: mentions are the newest first and as many as
    asked; completion finds word starts, parts of words and letters in order among many."""
    hub = create_note(database, title="Cardiac cycle")
    for n in range(30):
        create_note(database, title=f"Filler {n}", body=f"The cardiac, cycle {n} and more.")
    named = [
        create_note(database, title=f"Named {n}", body=f"The Cardiac cycle ({n}) again").note_id
        for n in range(8)
    ]
    create_note(database, title="Café", body="the cardiac cyclé, accents folded by the index")
    found = unlinked_mentions(database, hub.note_id, limit=5)
    assert [row.id for row in found] == named[::-1][:5]
    assert len(unlinked_mentions(database, hub.note_id)) == 8
    assert [t for _i, t in note_titles(database, "card", limit=1)] == ["Cardiac cycle"]
    assert [t for _i, t in note_titles(database, "ardiac")] == ["Cardiac cycle"]
    assert [t for _i, t in note_titles(database, "ccyc")] == ["Cardiac cycle"]
    assert [t for _i, t in note_titles(database, "fil 2")][:1] == ["Filler 2"]
    assert note_titles(database, '"*(NEAR') == []
    recent = note_titles(database, "", limit=2)
    assert [t for _i, t in recent] == ["Café", "Named 7"]
