"""`studydesk import course` and `studydesk export course`: counts, round trip, clear refusals."""

from __future__ import annotations

import json
import zipfile

from course_helpers import SAMPLE_PACK, zip_pack

from app.cli import run


def cli(data_dir, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def test_import_prints_counts_as_json_then_export_and_reimport(tmp_path, capsys):
    pack = tmp_path / "sample.sdcourse"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.write(SAMPLE_PACK / "course.json", "course.json")
    assert cli(tmp_path / "data", "import", "course", str(pack), "--json") == 0
    counts = json.loads(capsys.readouterr().out)
    assert {k: counts[k] for k in ("courses", "modules", "lessons", "lesson_contents")} == {
        "courses": 1,
        "modules": 3,
        "lessons": 8,
        "lesson_contents": 8,
    }
    out = tmp_path / "out.sdcourse"
    name = "How to study with spaced repetition"
    assert cli(tmp_path / "data", "export", "course", name, str(out)) == 0
    assert "8 lessons" in capsys.readouterr().out
    assert cli(tmp_path / "data", "import", "course", str(out), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["courses"], again["lessons"], again["already_present"]["lessons"]) == (0, 0, 8)
    assert cli(tmp_path / "data", "import", "course", str(out)) == 0
    assert "nothing new was imported" in capsys.readouterr().out


def test_a_bad_pack_exits_1_with_the_path_and_creates_no_profile(tmp_path, capsys):
    pack = zip_pack(tmp_path / "bad.sdcourse", {"format": "studydesk-course", "format_version": 9})
    assert cli(tmp_path / "data", "import", "course", str(pack)) == 1
    err = capsys.readouterr().err
    assert "format_version: 9 is newer than this Study Desk reads (1)" in err
    assert not (tmp_path / "data" / "profiles").exists()


def test_export_of_an_unknown_course_says_which_there_are(tmp_path, capsys):
    assert cli(tmp_path / "data", "import", "course", str(SAMPLE_PACK)) == 0
    capsys.readouterr()
    assert cli(tmp_path / "data", "export", "course", "Chess", str(tmp_path / "c.sdcourse")) == 1
    err = capsys.readouterr().err
    assert "no course called 'Chess'" in err and "How to study" in err
    assert not (tmp_path / "c.sdcourse").exists()
