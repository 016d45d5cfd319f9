"""What the learner types: accents folded, prefixes as they type, parts of words and Japanese
through the trigram index, titles ranked first, results grouped by kind, and no text at all
that makes an SQL error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_helpers import add_note, add_question, found, hits

from app.core.flashcards.card_actions import CardText, save_card
from app.core.search import marked_html, search_all
from app.core.search.query import parse_query
from app.db.database import ProfileDatabase


def test_accents_are_folded_both_ways(database: ProfileDatabase) -> None:
    note_id = add_note(database, "Le café", "Une réaction naïve")
    assert found(database, "cafe") == [("note", note_id)]
    assert found(database, "reaction naive") == [("note", note_id)]
    assert found(database, "CAFÉ") == [("note", note_id)]


def test_the_last_word_is_a_prefix_while_it_is_typed(database: ProfileDatabase) -> None:
    note_id = add_note(database, "Cardiomyopathy", "hypertrophic obstruction")
    assert found(database, "c") == [("note", note_id)]
    assert found(database, "cardio") == [("note", note_id)]
    assert found(database, "hypertrophic obstr") == [("note", note_id)]
    assert found(database, "cardiomyopathy ") == [("note", note_id)]  # a whole word


def test_one_or_two_letters_find_titles_first_then_text_newest_first(
    database: ProfileDatabase,
) -> None:
    older_title = add_note(database, "Mitral valve", "leaflets")
    in_text = add_note(database, "Kidney", "the macula densa")
    newer_title = add_note(database, "Macrophages", "eat")
    assert found(database, "m") == [("note", newer_title), ("note", older_title), ("note", in_text)]
    assert found(database, "ma") == [("note", newer_title), ("note", in_text)]
    (first, *_rest) = hits(database, "ma")
    assert marked_html(first.title) == "<b>Macrophages</b>"


def test_words_that_are_never_together_find_nothing_but_a_part_of_a_word_is_found(
    database: ProfileDatabase,
) -> None:
    add_note(database, "Sweetheart", "a heart of gold")
    add_note(database, "Lungs", "alveoli")
    assert found(database, "heart alveoli ") == []  # both words exist, never in one note
    assert len(found(database, "eethear")) == 1  # no word starts so: the trigrams find it


def test_parts_of_words_and_japanese_through_trigrams(database: ProfileDatabase) -> None:
    latin = add_note(database, "Nephrology", "glomerulonephritis")
    japanese = add_note(database, "心臓の構造", "僧帽弁は左心房と左心室の間にある。")
    assert found(database, "ology") == [("note", latin)]
    assert found(database, "nephritis") == [("note", latin)]
    assert found(database, "左心室") == [("note", japanese)]
    assert found(database, "僧帽") == [("note", japanese)]  # two characters: a scan
    assert found(database, "構造") == [("note", japanese)]
    (hit,) = hits(database, "左心室")
    assert "<b>左心室</b>" in marked_html(hit.snippet)


def test_titles_rank_first_and_results_come_grouped(database: ProfileDatabase) -> None:
    in_body = add_note(database, "Kidney", "the aorta passes by, " + "words " * 50)
    in_title = add_note(database, "Aorta", "a great vessel")
    save_card(database, CardText(None, None, "Coarctation of the aorta", "Rib notching", ()))
    add_question(database, "Which vessel is the aorta?")
    article = add_note(database, "Aortic dissection", "tearing pain", kind="article")
    found_now = found(database, "aorta")
    notes = [item for kind, item in found_now if kind == "note"]
    assert notes == [in_title, in_body]
    kinds = [kind for kind, _ in found_now]
    assert kinds == sorted(kinds, key=kinds.index)  # each kind's results together
    assert ("article", article) in found(database, "aort")


def test_snippets_mark_found_words_and_escape_the_rest(database: ProfileDatabase) -> None:
    add_note(database, "<script>alert(1)</script>", "x <img src=http://e/x> heart & lungs")
    (hit,) = hits(database, "heart")
    html = marked_html(hit.snippet)
    assert "<b>heart</b>" in html and "<img" not in html and "&amp;" in html
    assert "<script>" not in marked_html(hit.title)


def test_bad_queries_find_nothing_or_something_and_never_fail(database: ProfileDatabase) -> None:
    note_id = add_note(database, "Heart failure", "NEAR the end, AND more; OR not")
    bad = ('"', '"heart', "heart*", "***", "(((", ")", "NEAR(heart failure)", "AND", "OR")
    bad += ("NOT", "NOT heart", "-heart", "heart -", "heart OR", "^heart", "title:heart")
    bad += ("{title}: heart", "'; DROP TABLE notes; --", "\x00", "   ", "?!.,;", "heart)")
    for text in bad:
        search_all(database, text)  # nothing raised
    assert found(database, '"heart failure"') == [("note", note_id)]
    assert found(database, "NEAR(heart failure)") == []  # the words "near heart failure"
    assert found(database, "heart -failure") == []
    assert found(database, "lungs OR heart") == [("note", note_id)]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_any_text_is_a_safe_query(database: ProfileDatabase, text: str) -> None:
    search_all(database, text)
    query = parse_query(text)
    assert (query.words_match() is None) == query.empty


@pytest.fixture(autouse=True)
def _some_text(database: ProfileDatabase) -> None:
    add_note(database, "Background", "text for every search to look through")
