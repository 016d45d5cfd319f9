"""Damaged copies of real files: every importer imports them or refuses them clearly, never crashes.

The seeds are real valid inputs: the sample deck and course that ship with Study Desk, the shared
legacy fixtures, and Anki packages, course packs and TinyDB exports built here. Hypothesis damages
them the ways files get damaged: bits flipped, the file cut short, bytes inserted, overwritten,
deleted or repeated (NUL, quotes, separators, byte-order marks), a JSON value or CSV field replaced
by NaN, Infinity, 1e999, a 400-digit number, a NUL or half a surrogate pair; and for zip files
(course packs, .apkg): a member renamed to nothing or out of the archive, a compression method
zipfile cannot read, compressed data corrupted, general-purpose flags set, members dropped or
doubled, a member's own bytes damaged.

Each outcome is one of two:
- a refusal: a UserError (for legacy files, a line in the report's `unreadable`) whose message
  names the file, and the profile (every table, the media folder) exactly as before;
- a success, after which what was stored is clean: no NUL character in any text, and every JSON
  column valid JSON (no NaN or Infinity).
Anything else (exit 70 in the command line) fails the test with the smallest damage found.

Derandomized with no example database: the same examples on every run, so CI is stable.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apkg_builder import BASIC, CLOZE, PNG, REVERSED, Note, Package, write_apkg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_helpers import (
    ENGINE,
    FIXTURES,
    MS2_NOTES,
    MS2_QUESTIONS,
    RECONSTRUCTED,
    ROOT,
    USERS_DAY_TWO,
    Member,
    dump,
    patch_member,
    stored_text_problems,
    techtree_export,
    write_zip,
)

from app.core.profiles import Profile
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.card_file_actions import import_apkg_file, import_csv_file
from app.importers.course_pack_actions import import_course_file
from app.importers.legacy_actions import import_legacy_files
from app.paths import DataLocations

SAMPLE_DECK = ROOT / "resources" / "sample" / "decks" / "getting-started.csv"
SAMPLE_COURSE = ROOT / "resources" / "sample" / "courses" / "spaced-repetition" / "course.json"
# Per format: a few seconds each. STUDYDESK_FUZZ_EXAMPLES=2000 STUDYDESK_FUZZ_RANDOM=1 runs a
# longer hunt with new examples each time (what a failure prints is then the case to keep).
EXAMPLES = int(os.environ.get("STUDYDESK_FUZZ_EXAMPLES", "150"))
RANDOM = os.environ.get("STUDYDESK_FUZZ_RANDOM") == "1"


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- damage ------------------------------------------------------------------------------------

TOKENS = (
    b"\x00", b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 400, b"\\u0000", b'"', b",",
    b";", b"\t", b"\n", b"\r", b"{", b"}", b"[", b"]", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3",
    b"#separator:tab\n", b"\\ud800", b"\x1f\x8b", b"PK\x03\x04",
)  # fmt: skip
VALUES = (
    b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999", b"9" * 400, b'"a\\u0000b"',
    b'"\\ud800"', b"null", b"[]", b"{}", b'""', b"true", b"-0", b"1.5", b'"x\\u0000"',
)  # fmt: skip
CSV_VALUES = (b"a\x00b", b"\x00", b'"', b"", b"x,y,z,w", b"\xff", b"NaN", b"\x1b[0m")
_JSON_VALUE = re.compile(rb'(?<=[:\[,] )(-?\d+(?:\.\d+)?|null|true|false|"(?:[^"\\]|\\.)*")')
_JSON_VALUE_TIGHT = re.compile(rb'(?<=[:\[,])(-?\d+(?:\.\d+)?|null|true|false|"(?:[^"\\]|\\.)*")')
_CSV_FIELD = re.compile(rb"[^,\t\n\r]+")

Mutation = tuple[str, int, int]

byte_mutation: st.SearchStrategy[Mutation] = st.tuples(
    st.sampled_from(
        ["flip", "flip", "truncate", "insert", "overwrite", "delete", "repeat", "value"]
    ),
    st.integers(0, 2**20),
    st.integers(0, 2**8),
)


def damage_bytes(data: bytes, mutation: Mutation, *, csv: bool = False) -> bytes:
    kind, where, what = mutation
    if not data:
        return TOKENS[what % len(TOKENS)] if kind in ("insert", "overwrite") else data
    at = where % len(data)
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << (what % 8))]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind in ("insert", "overwrite"):
        token = TOKENS[what % len(TOKENS)]
        return data[:at] + token + data[at + (len(token) if kind == "overwrite" else 0) :]
    if kind == "delete":
        return data[:at] + data[at + 1 + what % 64 :]
    if kind == "repeat":
        return data[: at + 1 + what % 64] + data[at:]
    # "value": a whole JSON value (or CSV field) replaced by an odd one
    matches = list(_CSV_FIELD.finditer(data)) if csv else list(_JSON_VALUE.finditer(data))
    if not csv and not matches:
        matches = list(_JSON_VALUE_TIGHT.finditer(data))
    if not matches:
        return data
    found = matches[where % len(matches)]
    values = CSV_VALUES if csv else VALUES
    return data[: found.start()] + values[what % len(values)] + data[found.end() :]


RENAMES = ("", "../evil.txt", "/etc/evil", "a\\b.txt", "media/", "dir/course.json")
METHODS = (1, 6, 9, 12, 14, 19, 93, 95, 97, 98, 99, 0xFFFF)  # 12 bzip2, 14 lzma: data mismatched
RECOMPRESS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)

zip_mutation: st.SearchStrategy[Mutation] = st.tuples(
    st.sampled_from(
        ["rename", "method", "recompress", "corrupt", "drop", "dup", "inner", "inner", "flags"]
    ),
    st.integers(0, 2**16),
    st.integers(0, 2**8),
)


def build_zip(members: list[Member], mutations: list[Mutation], inner: list[Mutation]) -> bytes:
    """The archive of `members` with the zip-level damage in `mutations` done to it."""
    members = list(members)
    patches: list[tuple[str, int, int]] = []  # (what, member index, value) once written
    inner_steps = iter(inner)
    for kind, which, value in mutations:
        if not members:
            break
        index = which % len(members)
        member = members[index]
        if kind == "rename":
            members[index] = Member(RENAMES[value % len(RENAMES)], member.data, member.method)
        elif kind == "recompress":
            members[index] = Member(member.name, member.data, RECOMPRESS[value % len(RECOMPRESS)])
        elif kind == "drop":
            members.pop(index)
        elif kind == "dup":
            members.append(member)
        elif kind == "inner":
            step = next(inner_steps, ("flip", which, value))
            members[index] = Member(member.name, damage_bytes(member.data, step), member.method)
        else:  # method, corrupt, flags: done to the written bytes
            patches.append((kind, index, value))
    data = bytearray(write_zip(members))
    for kind, index, value in patches:
        if kind == "method":
            patch_member(data, index, method=METHODS[value % len(METHODS)])
        elif kind == "flags":
            patch_member(data, index, flag=(0, 0, 3, 6, 11, 13)[value % 6])
        else:
            patch_member(data, index, corrupt=value)
    return bytes(data)


# --- seeds -------------------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=1, ensure_ascii=False).encode()


def csv_seeds() -> dict[str, tuple[str, bytes]]:
    """name -> (file suffix, bytes)."""
    plain = b'front,back,tags\nhola,hello,spanish\n"a, b","two\nlines",x y\n1,2,3\n'
    return {
        "sample deck": (".csv", SAMPLE_DECK.read_bytes()),
        "plain": (".csv", plain),
        "tsv": (".tsv", b"front\tback\nperro\tdog\tanimals\ngato\tcat\n"),
        "utf-16": (".csv", "front;back\nÄrger;trouble\nœuf;egg\n".encode("utf-16")),
        "anki export": (".txt", b"#separator:tab\n#html:true\n#tags column:3\nq\ta\tt1 t2\n"),
    }


def course_members() -> list[Member]:
    document = json.loads(SAMPLE_COURSE.read_text(encoding="utf-8"))
    content = document["modules"][0]["lessons"][0]["content"]
    content["exposition_content"] += "\n\n![A diagram](media/diagram.png)\n"
    return [
        Member("course.json", json.dumps(document, indent=1).encode()),
        Member("media/diagram.png", PNG, zipfile.ZIP_STORED),
    ]


def anki_package() -> Package:
    return Package(
        notes=[
            Note("g-basic", BASIC, ['<b>hola</b><br><img src="cat.png">', "hello"], tags="a b"),
            Note("g-rev", REVERSED, ["casa", "house <i>home</i>"], tags="nouns"),
            Note("g-cloze", CLOZE, ["{{c1::Madrid}} is in {{c2::Spain}}", "extra"]),
        ],
        media={"cat.png": PNG, "hello.mp3": b"ID3 sound"},
        reviews=[(0, 0, 1_700_000_000_000 + day * 86_400_000, 3, 0) for day in (0, 1, 4)],
    )


def apkg_members(folder: Path) -> dict[str, list[Member]]:
    found = {}
    for current in (False, True):
        path = write_apkg(folder / f"seed-{int(current)}.apkg", anki_package(), current=current)
        with zipfile.ZipFile(path) as archive:
            found["anki21b" if current else "anki2"] = [
                Member(info.filename, archive.read(info), info.compress_type)
                for info in archive.infolist()
            ]
    return found


def legacy_seeds() -> dict[str, bytes]:
    small = techtree_export(
        users=2, syllabi=2, contents=3, progress=6, assessments=2, modules=2, lessons=3,
        content_size=300, shared_every=2, seed=7,
    )  # fmt: skip
    seeds = {"generated": _json(small)}
    if FIXTURES.is_dir():
        for name in (RECONSTRUCTED, ENGINE, USERS_DAY_TWO, MS2_QUESTIONS, MS2_NOTES):
            seeds[name] = (FIXTURES / name).read_bytes()
    return seeds


# --- each import, checked --------------------------------------------------------------------


def media_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


class Outcomes:
    """Each import run once per example, checked; and how many of each outcome there were
    (printed with -s, so a run shows what was exercised)."""

    def __init__(self, name: str, db_files: Callable[[], list[Path]], media: Path | None) -> None:
        self.name = name
        self.db_files = db_files
        self.media = media
        self.seen: dict[str, int] = {}

    def check(self, run: Callable[[], Any], path: Path) -> None:
        """Run one import: it must succeed cleanly, or refuse naming `path` with nothing
        changed (no row of any profile, no file in the media folder)."""
        before = {f: dump(f) for f in self.db_files()}
        media_before = media_files(self.media) if self.media else []
        try:
            result = run()
        except UserError as error:
            refused = str(error)
        else:
            unreadable = getattr(getattr(result, "report", None), "unreadable", None)
            if not unreadable:
                for db_file in self.db_files():
                    assert stored_text_problems(db_file) == []
                self._add("imported")
                return
            refused = "; ".join(reason for _path, reason in unreadable)
        assert path.name in refused, f"the refusal does not name the file: {refused}"
        assert {f: dump(f) for f in self.db_files()} == before
        assert (media_files(self.media) if self.media else []) == media_before
        self._add("refused")

    def _add(self, outcome: str) -> None:
        self.seen[outcome] = self.seen.get(outcome, 0) + 1

    def show(self) -> None:
        print(f"\n{self.name}: {self.seen}")


def damaged(data: bytes, mutations: list[Mutation], *, csv: bool = False) -> bytes:
    for mutation in mutations:
        data = damage_bytes(data, mutation, csv=csv)
    return data


# --- the tests -----------------------------------------------------------------------------------

CSV = csv_seeds()
ENCODINGS = (None, None, None, "cp1252", "utf-16", "latin-1", "rot13", "base64", "undefined")


def test_damaged_card_tables_are_imported_or_refused(database: ProfileDatabase, tmp_path: Path):
    outcomes = Outcomes("CSV/TSV", lambda: [database.db_file], None)

    @fuzz_settings()
    @given(
        seed=st.sampled_from(sorted(CSV)),
        mutations=st.lists(byte_mutation, min_size=1, max_size=3),
        encoding=st.sampled_from(ENCODINGS),
    )
    def check(seed: str, mutations: list[Mutation], encoding: str | None) -> None:
        suffix, data = CSV[seed]
        path = tmp_path / f"cards{suffix}"
        path.write_bytes(damaged(data, mutations, csv=True))
        outcomes.check(lambda: import_csv_file(database, path, "Fuzz", encoding=encoding), path)

    check()
    outcomes.show()


def test_damaged_anki_packages_are_imported_or_refused(database: ProfileDatabase, tmp_path: Path):
    media = tmp_path / "media"
    outcomes = Outcomes(".apkg", lambda: [database.db_file], media)
    seeds = apkg_members(tmp_path)

    @fuzz_settings()
    @given(
        seed=st.sampled_from(sorted(seeds)),
        zip_damage=st.lists(zip_mutation, max_size=2),
        inner=st.lists(byte_mutation, max_size=2),
        outer=st.lists(byte_mutation, max_size=1),
    )
    def check(
        seed: str, zip_damage: list[Mutation], inner: list[Mutation], outer: list[Mutation]
    ) -> None:
        data = build_zip(seeds[seed], zip_damage or [("inner", 0, 0)], inner)
        path = tmp_path / "deck.apkg"
        path.write_bytes(damaged(data, outer))
        outcomes.check(lambda: import_apkg_file(database, media, path), path)

    check()
    outcomes.show()


def test_damaged_course_packs_are_imported_or_refused(database: ProfileDatabase, tmp_path: Path):
    media = tmp_path / "media"
    outcomes = Outcomes("course packs", lambda: [database.db_file], media)
    members = course_members()

    @fuzz_settings()
    @given(
        bare=st.booleans(),
        zip_damage=st.lists(zip_mutation, max_size=2),
        inner=st.lists(byte_mutation, max_size=2),
        outer=st.lists(byte_mutation, max_size=1),
    )
    def check(
        bare: bool, zip_damage: list[Mutation], inner: list[Mutation], outer: list[Mutation]
    ) -> None:
        if bare:  # a bare course.json
            path = tmp_path / "course.json"
            path.write_bytes(damaged(members[0].data, [*inner, *outer] or [("value", 0, 0)]))
        else:
            path = tmp_path / "course.sdcourse"
            data = build_zip(members, zip_damage or [("inner", 0, 0)], inner)
            path.write_bytes(damaged(data, outer))
        outcomes.check(lambda: import_course_file(database, path, media), path)

    check()
    outcomes.show()


def test_damaged_tinydb_and_question_files_are_imported_or_refused(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    def db_files() -> list[Path]:
        return sorted((locations.root / "profiles").glob("*/studydesk.sqlite3"))

    outcomes = Outcomes("TinyDB / MS2 JSON", db_files, None)
    seeds = legacy_seeds()

    @fuzz_settings()
    @given(
        seed=st.sampled_from(sorted(seeds)),
        mutations=st.lists(byte_mutation, min_size=1, max_size=3),
    )
    def check(seed: str, mutations: list[Mutation]) -> None:
        path = tmp_path / "techtree_db.json"
        path.write_bytes(damaged(seeds[seed], mutations))
        outcomes.check(
            lambda: import_legacy_files(locations, [path], default_profile=default_profile), path
        )

    check()
    outcomes.show()
