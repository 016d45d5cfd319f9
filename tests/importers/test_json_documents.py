"""The quick reading of TinyDB files gives exactly what `json.loads` gives, or steps aside.

`read_tables` splits a file into documents with msgspec and keeps lesson bodies as their JSON
text. Whatever it returns must equal `json.loads` of the same bytes once the bodies are read;
for input it cannot vouch for it returns None and the file is read by `json.loads` as before.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from importer_helpers import rows, write_json

from app.core.profiles import Profile
from app.importers.json_documents import lone_surrogate_escape, read_tables, read_tables_marked
from app.importers.json_values import OddNumber, loads_marked
from app.importers.legacy_import import import_legacy
from app.importers.legacy_records import JsonText
from app.paths import DataLocations


def read_fully(value: Any) -> Any:
    if isinstance(value, JsonText):
        return value.value()
    if isinstance(value, dict):
        return {key: read_fully(item) for key, item in value.items()}
    return value


def bodies(value: Any) -> list[JsonText]:
    found = []
    for table in value.values() if isinstance(value, dict) else []:
        for doc in table.values() if isinstance(table, dict) else []:
            if isinstance(doc, dict):
                found += [v for v in doc.values() if isinstance(v, JsonText)]
    return found


def same(a: Any, b: Any) -> bool:
    """Equal, NaN aside (it is not equal to itself); key order does not matter in JSON."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
content_doc = st.fixed_dictionaries(
    {
        "lesson_id": st.one_of(st.uuids().map(str), value),
        "syllabus_id": st.uuids().map(str),
        "module_index": st.one_of(st.integers(0, 5), value),
        "lesson_index": st.integers(0, 9),
        "content": value,
        "created_at": st.just("2025-03-22T21:11:52.787801"),
    },
    optional={"updated_at": value, "extra": value},
)
engine_doc = st.fixed_dictionaries({"lesson_uid": text, "content": value})
any_doc = st.one_of(content_doc, engine_doc, value, st.dictionaries(text, value, max_size=5))
table = st.one_of(
    st.dictionaries(st.integers(1, 50).map(str), any_doc, max_size=5),
    st.dictionaries(text, any_doc, max_size=3),  # not documents by number
    value,
)
tinydb = st.dictionaries(text, table, max_size=4)


@settings(max_examples=300, deadline=None)
@given(data=tinydb, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 1]))
def test_what_it_reads_is_what_json_loads_reads(data: Any, ensure_ascii: bool, indent: Any):
    raw = json.dumps(data, ensure_ascii=ensure_ascii, indent=indent).encode()
    read = read_tables(raw)
    assert read is not None
    assert same(read_fully(read), json.loads(raw))
    for body in bodies(read):
        assert isinstance(body.value(), dict)
        assert json.loads(body.text()) == body.value()


def test_a_lesson_body_is_kept_as_the_text_it_was_written_as():
    content = {"exposition_content": "# Orbits\n\nKepler \u00e9 \U0001f680", "n": [1, 2.5, None]}
    doc = {"lesson_id": "x", "syllabus_id": "y", "module_index": 0, "lesson_index": 1}
    raw = json.dumps({"lesson_content": {"1": {**doc, "content": content}}}).encode()
    read = read_tables(raw)
    assert read is not None
    body = read["lesson_content"]["1"]["content"]
    assert isinstance(body, JsonText)
    assert body.text() == json.dumps(content)  # what the old import wrote: json.dumps(parsed)
    assert read["lesson_content"]["1"] == {**doc, "content": body}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"t": {"1": {"score": NaN}}}',
        b'{"t": {"1": {"score": -Infinity}}}',
        b'{"t": {"1": {"title": "half \\ud83d pair"}}}',
        b'{"t": {"1": {"n": ' + b"7" * 5000 + b"}}}",
        b'\xef\xbb\xbf{"t": {}}',
        '{"t": {"1": {"name": "Zoë"}}}'.encode("latin-1"),
        b'[{"id": "q_1"}]',
        b'"techtree"',
        b'{"t": {"1": {"x": 1}}',
        b'{"t": {"1": {"x": [1,]}}}',
        b'{"t": {"1": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
    ],
    ids=[
        "NaN",
        "Infinity",
        "a lone surrogate",
        "a 5000-digit integer",
        "a byte-order mark",
        "not UTF-8",
        "a list",
        "a single value",
        "cut short",
        "a trailing comma",
        "nested too deeply",
    ],
)
def test_what_it_cannot_vouch_for_is_left_to_json_loads(raw: bytes):
    assert read_tables(raw) is None


def test_numbers_msgspec_will_not_build_are_read_as_loads_marked_reads_them():
    """1e400 is infinity to json.loads: kept as the text it was written as, and said to be there."""
    raw = b'{"t": {"1": {"score": 1e400, "module_index": 0, "lesson_index": 0, "content": {}}}}'
    read, odd = read_tables_marked(raw)
    assert read is not None and odd
    assert read["t"]["1"]["score"] == OddNumber("1e400")
    assert isinstance(read["t"]["1"]["score"], OddNumber)
    assert read_fully(read) == loads_marked(raw)[0]
    raw = b'{"t": {"1": {"n": ' + b"7" * 4300 + b', "content": [1e400]}}}'
    read, odd = read_tables_marked(raw)
    assert read is not None and odd
    assert read["t"]["1"]["n"] == int("7" * 4300)
    assert read["t"]["1"]["content"] == ["1e400"]
    assert read_tables_marked(b'{"t": {"1": {"score": 1e300}}}') == (
        {"t": {"1": {"score": 1e300}}},
        False,
    )


def test_paired_surrogate_escapes_are_fine_and_lone_ones_are_found():
    assert not lone_surrogate_escape(json.dumps("emoji \U0001f680 ok").encode())
    assert lone_surrogate_escape(b'"\\ud83d alone"')
    assert lone_surrogate_escape(b'"\\ude80 low first"')
    assert lone_surrogate_escape(b'"\\ud83d\\ud83d two highs"')


def test_imported_bodies_read_back_as_the_documents_held_them(
    locations: DataLocations, default_profile: Profile, tmp_path
):
    content = {"exposition_content": "## Heading\n* item \u00e9", "thought_questions": ["Why?"]}
    for number, indent in enumerate((None, 2)):  # as TinyDB writes it, and pretty-printed
        syllabus_id = str(uuid.UUID(int=number + 1))
        syllabus = {
            "syllabus_id": syllabus_id,
            "user_id": None,
            "topic": f"orbits {number}",
            "level": "beginner",
            "content": {"modules": [{"title": "M", "lessons": [{"title": "L"}]}]},
        }
        lesson = {
            "lesson_id": str(uuid.UUID(int=100 + number)),
            "syllabus_id": syllabus_id,
            "module_index": 0,
            "lesson_index": 0,
            "content": {**content, "n": number},
        }
        export = {"syllabi": {"1": syllabus}, "lesson_content": {"1": lesson}}
        path = tmp_path / f"techtree_db_{number}.json"
        if indent is None:  # TinyDB's own way: json.dumps with its defaults
            path.write_text(json.dumps(export), encoding="utf-8")
        else:
            write_json(path, export, indent=indent)
        import_legacy(locations, [path], default_profile=default_profile)
        (body,) = rows(
            default_profile.db_file,
            "SELECT body FROM lesson_contents WHERE id = ?",
            lesson["lesson_id"],
        )[0]
        assert json.loads(body) == {**content, "n": number}
        if indent is None:  # byte for byte what the import wrote before: json.dumps(parsed)
            assert body == json.dumps({**content, "n": number})
