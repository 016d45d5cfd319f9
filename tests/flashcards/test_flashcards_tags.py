"""One tag rule everywhere: comma-separated, multi-word tags kept whole, any tag list survives
being written and read back (both editors, the filter bar, CSV and markdown use it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.flashcards.tags import (
    MAX_TAG,
    clean_tag,
    clean_tags,
    format_anki_tags,
    format_tags,
    parse_anki_tags,
    parse_tags,
)
from app.errors import UserError

# Any text at all, commas, semicolons, quotes and line breaks included.
names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
# Tags as stored: cleaned, non-empty, each once whatever its case.
stored_tags = st.lists(names.map(clean_tag).filter(bool), max_size=8).map(
    lambda found: list(clean_tags(found))
)


@given(stored_tags)
def test_formatting_then_parsing_any_tag_list_gives_it_back(tags: list[str]):
    assert parse_tags(format_tags(tags)) == tuple(tags)


@given(st.lists(names, max_size=8))
def test_any_names_come_back_as_they_are_stored(raw: list[str]):
    assert parse_tags(format_tags(raw)) == clean_tags(raw)


@given(names)
def test_parsing_any_text_never_fails_and_reads_back_the_same(text: str):
    tags = parse_tags(text)
    assert all(tag == clean_tag(tag) and tag for tag in tags)
    assert parse_tags(format_tags(tags)) == tags


@given(st.lists(names.map(lambda name: "".join(name.split())).filter(bool), max_size=8))
def test_anki_tags_without_spaces_survive_ankis_own_field(tags: list[str]):
    assert parse_anki_tags(format_anki_tags(tags)) == clean_tags(tags)


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("machine learning", ("machine learning",)),
        ("biology, cell structure", ("biology", "cell structure")),
        ("a;b ,  c  d ", ("a", "b", "c d")),
        ('"cause, effect", memory', ("cause, effect", "memory")),
        ("Verbs, verbs, VERBS", ("Verbs",)),
        (" , ,", ()),
        ('"unclosed, quote', ("unclosed, quote",)),
    ],
)
def test_the_rule_as_a_learner_types_it(text: str, tags: tuple[str, ...]):
    assert parse_tags(text) == tags


def test_writing_quotes_only_what_needs_it():
    assert format_tags(["machine learning", "cause, effect", '"quoted"']) == (
        'machine learning, "cause, effect", """quoted"""'
    )
    assert parse_anki_tags("biology  cells\tA::B") == ("biology", "cells", "A::B")


def test_a_tag_too_long_is_refused_where_it_is_saved():
    long = "x" * (MAX_TAG + 1)
    assert parse_tags(long) == (long,)  # reading never fails...
    with pytest.raises(UserError, match="longer than 200"):
        clean_tags([long])  # ...saving says why
