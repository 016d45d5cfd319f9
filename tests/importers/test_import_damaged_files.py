"""Files that used to crash an import, or got in when they should not (issue 12, items 10-12).

Through the command line, as the issue saw them: a refusal exits 1 with one line naming the file
and leaves every profile as it was; never exit 70 ("unexpected error"). What is taken in is clean:
no NaN or Infinity in a JSON column, no NUL in any text, and the report says what was set aside.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from apkg_builder import BASIC, PNG, Note, Package, write_apkg
from importer_helpers import (
    ROOT,
    Member,
    dump_data_dir,
    patch_member,
    read_members,
    rows,
    stored_text_problems,
    write_zip,
)

from app.cli import run
from app.core.profiles import Profile, list_profiles
from app.db.database import ProfileDatabase
from app.importers.course_pack_actions import import_course_file, imported_text
from app.importers.legacy_import import import_legacy
from app.paths import DataLocations, data_locations

SAMPLE_COURSE = ROOT / "resources" / "sample" / "courses" / "spaced-repetition" / "course.json"


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A data folder with one profile, Ana."""
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), "profile", "create", "Ana"]) == 0
    capsys.readouterr()
    return root


def refused(data: Path, capsys: pytest.CaptureFixture[str], *command: str) -> str:
    """Run a command that must refuse: exit 1, one line naming the file, nothing changed."""
    before = dump_data_dir(data)
    code = run(["--data-dir", str(data), *command])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "unexpected error" not in err
    name = Path(command[2]).name
    assert err.startswith("studydesk: ") and name in err, err
    assert dump_data_dir(data) == before
    return err


# --- 10. crashes: codecs that are not text encodings, zips zipfile cannot read -----------------


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "hex", "undefined"])
def test_import_csv_with_a_codec_that_is_not_a_text_encoding_is_refused(
    codec: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "cards.csv"
    path.write_text("front,back\nuno,one\n", encoding="utf-8")
    err = refused(data, capsys, "import", "csv", str(path), "--deck", "X", "--encoding", codec)
    assert "encoding" in err


def course_members() -> list[Member]:
    document = json.loads(SAMPLE_COURSE.read_text(encoding="utf-8"))
    document["modules"][0]["lessons"][0]["content"]["exposition_content"] += (
        "\n\n![A diagram](media/diagram.png)\n"
    )
    return [
        Member("course.json", json.dumps(document).encode()),
        Member("media/diagram.png", PNG),
    ]


def apkg_members(tmp_path: Path) -> list[Member]:
    package = Package(
        notes=[Note("g-1", BASIC, ['hola <img src="cat.png">', "hello"])],
        media={"cat.png": PNG},
    )
    return read_members(write_apkg(tmp_path / "seed.apkg", package))


# (what is done to the first member, compressed with Deflate, and what the refusal says)
ZIP_DAMAGE: dict[str, tuple[dict[str, Any], str]] = {
    "Deflate64, which zipfile lacks": ({"method": 9}, "Deflate64"),
    "PPMd, which zipfile lacks": ({"method": 98}, "PPMd"),
    "an AES-encrypted member": ({"method": 99}, "AES"),
    "bzip2 named, Deflate data (OSError: Invalid data stream)": ({"method": 12}, "damaged"),
    "LZMA named, Deflate data": ({"method": 14}, "damaged"),
    "corrupt Deflate data (zlib.error)": ({"corrupt": 3}, "damaged"),
}


def damaged_zip(path: Path, members: list[Member], damage: str) -> Path:
    if damage == "a member with an empty name (IndexError)":
        members = [Member("", b"x"), *members]
        path.write_bytes(write_zip(members))
        return path
    data = bytearray(write_zip(members))
    patch_member(data, 0, **ZIP_DAMAGE[damage][0])
    path.write_bytes(bytes(data))
    return path


DAMAGES = [*ZIP_DAMAGE, "a member with an empty name (IndexError)"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_course_pack_zipfile_cannot_read_is_refused_naming_it(
    damage: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = damaged_zip(tmp_path / "course.sdcourse", course_members(), damage)
    err = refused(data, capsys, "import", "course", str(path))
    said = ZIP_DAMAGE[damage][1] if damage in ZIP_DAMAGE else "no name"
    assert said in err


@pytest.mark.parametrize("damage", DAMAGES)
def test_an_anki_package_zipfile_cannot_read_is_refused_naming_it(
    damage: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = damaged_zip(tmp_path / "deck.apkg", apkg_members(tmp_path), damage)
    err = refused(data, capsys, "import", "apkg", str(path))
    said = ZIP_DAMAGE[damage][1] if damage in ZIP_DAMAGE else "no name"
    assert said in err


# --- 11. accepted but should not be ------------------------------------------------------------

USER = "0b6f3a52-8d1e-4c57-9a43-2f1c5e7d9b10"
SYLLABUS = "6a2d9c14-3e5f-4b8a-9c7d-1e2f3a4b5c6d"


def techtree_text(odd: str) -> str:
    """A TinyDB file whose syllabus, lesson body and progress score each hold `odd`."""
    modules = [{"title": "Gravity", "lessons": [{"title": "Newton"}, {"title": "Kepler"}]}]
    export = {
        "users": {"1": {"user_id": USER, "email": "ana@example.com", "name": "Ana"}},
        "syllabi": {
            "1": {
                "syllabus_id": SYLLABUS,
                "user_id": USER,
                "topic": "black holes",
                "content": {"topic": "black holes", "modules": modules, "weeks": "ODD"},
            }
        },
        "lesson_content": {
            "1": {
                "lesson_id": str(uuid.uuid4()),
                "syllabus_id": SYLLABUS,
                "module_index": 0,
                "lesson_index": 0,
                "content": {"exposition_content": "# Newton", "metadata": {"difficulty": "ODD"}},
            },
        },
        "user_progress": {
            "1": {
                "progress_id": str(uuid.uuid4()),
                "user_id": USER,
                "syllabus_id": SYLLABUS,
                "module_index": 0,
                "lesson_index": 1,
                "status": "completed",
                "score": "ODD",
            }
        },
    }
    return json.dumps(export).replace('"ODD"', odd)


@pytest.mark.parametrize(
    ("odd", "said"),
    [
        ("NaN", "NaN, which is not a number JSON can carry"),
        ("Infinity", "Infinity, which is not a number JSON can carry"),
        ("-Infinity", "-Infinity, which is not a number JSON can carry"),
        ("1e999", "1e999, which is not a number JSON can carry"),
        ('"a\\u0000b"', "a NUL character"),
    ],
)
def test_numbers_json_cannot_carry_and_nul_characters_in_tinydb_are_kept_aside(
    odd: str, said: str, locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    path = tmp_path / "techtree_db.json"
    path.write_text(techtree_text(odd), encoding="utf-8")

    report = import_legacy(locations, [path], default_profile=default_profile)

    assert report.complete
    (ana,) = [p for p in list_profiles(locations) if p.name == "Ana"]
    for profile in list_profiles(locations):
        assert stored_text_problems(profile.db_file) == []
    reasons = {(p.table, p.doc_id): p.reason for r in report.profiles for p in r.problems}
    assert set(reasons) == {("syllabi", "1"), ("lesson_content", "1"), ("user_progress", "1")}
    assert all(said in reason for reason in reasons.values()), reasons
    assert "(at content.weeks)" in reasons["syllabi", "1"]
    # Kept exactly as written: the number as its text, the NUL as an escape.
    bodies = [json.loads(b) for (b,) in rows(ana.db_file, "SELECT body FROM legacy_documents")]
    scores = [b["score"] for b in bodies if "score" in b]
    assert scores == [json.loads(odd) if odd.startswith('"') else odd]


def test_an_export_with_odd_values_imports_everything_else(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    """Only the documents holding them are set aside: the learner still comes in."""
    path = tmp_path / "techtree_db.json"
    path.write_text(techtree_text("NaN"), encoding="utf-8")
    report = import_legacy(locations, [path], default_profile=default_profile)
    (ana,) = [p for p in list_profiles(locations) if p.name == "Ana"]
    assert ana.legacy_user_id == USER
    assert sum(p.counts["kept_verbatim"] for p in report.profiles) == 3


def test_a_nul_byte_in_a_csv_field_is_refused_naming_file_and_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "cards.csv"
    path.write_bytes(b"front,back\nuno,one\ndos,t\x00wo\n")
    err = refused(data, capsys, "import", "csv", str(path), "--deck", "X")
    assert f"{path}, line 3: holds a NUL character" in err


def test_a_course_pack_member_no_lesson_uses_is_left_out_and_said(
    database: ProfileDatabase, tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
):
    """300 MB that nothing refers to: never read, never copied, named in the import's result."""
    path = tmp_path / "course.sdcourse"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member in course_members():
            archive.writestr(member.name, member.data)
        with archive.open("extras/huge.bin", "w", force_zip64=True) as handle:
            block = bytes(1 << 20)
            for _ in range(300):
                handle.write(block)
    assert path.stat().st_size < 2_000_000

    code = run(["--data-dir", str(data), "import", "course", str(path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Left out 1 file (315 MB) that no lesson uses: extras/huge.bin (315 MB)." in out
    (ana,) = list_profiles(data_locations(data))
    assert [p.suffix for p in ana.media_dir.iterdir()] == [".png"]  # the diagram, only

    result = import_course_file(database, path, tmp_path / "media")
    assert result.left_out == (("extras/huge.bin", 300 * 2**20),)
    assert result.as_json()["left_out"] == [{"file": "extras/huge.bin", "bytes": 300 * 2**20}]
    assert "Left out 1 file" in imported_text(result)


@pytest.mark.parametrize(
    ("odd", "said"),
    [
        ("NaN", "NaN, which is not a number JSON can carry"),
        ("1e999", "1e999, which is not a number JSON can carry"),
        ('"x\\u0000y"', "a NUL character"),
        ('"\\ud800"', "text that is not valid Unicode"),
    ],
)
def test_a_course_json_holding_odd_values_is_refused_with_their_path(
    odd: str, said: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    document = json.loads(SAMPLE_COURSE.read_text(encoding="utf-8"))
    document["modules"][1]["lessons"][0]["content"]["metadata"]["difficulty"] = "ODD"
    path = tmp_path / "course.json"
    path.write_text(json.dumps(document).replace('"ODD"', odd), encoding="utf-8")
    err = refused(data, capsys, "import", "course", str(path))
    assert f"course.json: modules[1].lessons[0].content.metadata.difficulty: {said}" in err


# --- 12. only a table of cards is a CSV import -------------------------------------------------


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[1,2,3]\n", "is JSON, not a table of cards"),
        (b'{"front": "uno", "back": "one"}', "is JSON, not a table of cards"),
        (b"\x7fELF\x02\x01\x01\x00,x\n", "line 1: holds a control character (number 127)"),
        ("front,back\nuno,one\n".encode("utf-16-le"), "line 1: holds a NUL character"),
        (b"hello,\nworld,\n", "no line has a back"),
        (b"just one column\nand another line\n", "line 1: expected 2 or 3 columns"),
    ],
    ids=["a JSON list", "a JSON object", "binary", "UTF-16 without BOM", "no back", "one column"],
)
def test_a_file_that_is_no_table_of_cards_is_refused_naming_it(
    content: bytes, said: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "garbage.csv"
    path.write_bytes(content)
    err = refused(data, capsys, "import", "csv", str(path), "--deck", "Garbage")
    assert said in err


def test_a_table_whose_first_cell_starts_with_a_bracket_is_still_cards(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "latin.csv"
    path.write_text("[Latin] amo,I love\n{verb} esse,to be\n", encoding="utf-8")
    assert run(["--data-dir", str(data), "import", "csv", str(path), "--deck", "L"]) == 0
    assert "Imported 2 cards" in capsys.readouterr().out
