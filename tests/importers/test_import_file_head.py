"""A file given to the older apps' import is judged from its first bytes when they are enough:
a picture, a video or a table renamed .json is refused without the rest being read (a 400 MB
video took 800 MB of memory), in the very words, with the same position, line and column, as
the whole file would get. A file whose first bytes could still be JSON is read whole, as before.
What to do with a damaged file fits where it is: a copy is copied again; the older app's own
file, in its folder, can only come back from a backup. The files are never changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from importer_helpers import FIXTURES, RECONSTRUCTED, ROOT, sha256

from app.errors import UserError
from app.importers.source import HEAD, read_source


def refused(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        read_source(path)
    return str(caught.value)


def whole_file_error(path: Path) -> json.JSONDecodeError:
    """The JSON error of the whole file, as `json.loads` finds it."""
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(path.read_bytes().decode("utf-8-sig"))
    return caught.value


def test_a_large_file_that_is_not_text_is_refused_from_its_first_bytes_in_little_memory(
    tmp_path: Path,
) -> None:
    """In a process of its own, so that its peak memory is its own (VmHWM: ru_maxrss would count
    the test's own process, which the child starts from): a 300 MB file (sparse: the disk holds
    only its first bytes) whose first bytes are a picture's."""
    if not Path("/proc/self/status").is_file():
        pytest.skip("peak memory is read from /proc (Linux)")
    video = tmp_path / "lecture.json"
    with video.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + os.urandom(HEAD))
        handle.truncate(300 * 1024 * 1024)
    before = sha256(video)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.errors import UserError\n"
        "from app.importers.source import read_source\n"
        "try:\n"
        "    read_source(Path(sys.argv[1]))\n"
        "except UserError as error:\n"
        "    print(error)\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(video)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    said, peak_mb = done.stdout.strip().rsplit("\n", 1)
    assert said == (
        f"{video} is not UTF-8 text (an odd byte at position 0), so it is not a file from the "
        "older apps, or it is damaged. Check that you chose the right file: the older apps saved "
        ".json files. Nothing was imported."
    )
    assert int(peak_mb) < 150, f"{peak_mb} MB to refuse a 300 MB file"  # it read 600 MB
    assert sha256(video) == before


def big(path: Path, text: str | bytes, *, size: int = 3 * HEAD) -> Path:
    """`text` followed by blank lines up to `size` bytes: larger than the first bytes read."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data + b"\n" * max(0, size - len(data)))
    return path


@pytest.mark.parametrize(
    "content",
    [
        "front,back\nhola,hello\n",  # a table renamed .json
        "<!DOCTYPE html>\n<html>",  # a web page saved as .json
        '{\n  "users": {\n    "1": {"name": "Ana", "age": 3x}\n  }\n}',  # damaged early
        '{"users": {"1": {"name": "Ana"}}} and more',  # a complete object, then more
        '\ufeff  \n\n   {"users": [1, 2,, 3]}',  # after a byte-order mark and blank lines
        "{'users': {}}",  # Python, not JSON
    ],
)
def test_text_that_is_not_json_from_its_start_is_refused_where_the_whole_file_is(
    tmp_path: Path, content: str
) -> None:
    path = big(tmp_path / "export.json", content)
    before = sha256(path)
    error = whole_file_error(path)
    assert refused(path) == (
        f"{path} is not valid JSON (the first problem is at line {error.lineno:,}, column "
        f"{error.colno:,}), so it is not a file from the older apps, or it is damaged. Check "
        "that you chose the right file: the older apps saved .json files. Nothing was imported."
    )
    assert sha256(path) == before


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_an_odd_byte_among_the_first_is_named_at_its_position_in_the_file(
    tmp_path: Path, bom: bytes
) -> None:
    path = big(tmp_path / "notes.json", bom + b'{"notes": {"1": {"title": "caf\xe9"}}}')
    with pytest.raises(UnicodeDecodeError) as whole:
        path.read_bytes().decode("utf-8-sig")
    assert f"(an odd byte at position {whole.value.start:,})" in refused(path)


def test_a_large_file_whose_start_could_be_json_is_read_whole_wherever_its_first_bytes_end(
    tmp_path: Path,
) -> None:
    """The first bytes end inside a number, a word, an escape, a string or a character of two
    or four bytes: none of these is taken for an error."""
    item = '{"n": 12345678901234.5e-3, "t": true, "f": false, "z": null, "s": "é😀 \\u00e9 \\n"}'
    for shift in range(48):
        body = ", ".join([item] * (HEAD // len(item) + 2))
        text = " " * shift + '{"notes": {"1": {"items": [' + body + "]}}}"
        path = tmp_path / f"shift {shift}.json"
        path.write_text(text, encoding="utf-8")
        assert path.stat().st_size > HEAD
        assert read_source(path).data == json.loads(text), shift


def test_an_error_past_the_first_bytes_is_found_as_before(tmp_path: Path) -> None:
    good = '{"notes": {"1": {"title": "' + "x" * (2 * HEAD) + '"}, "2": {"title": 3x}}}'
    path = tmp_path / "late.json"
    path.write_text(good, encoding="utf-8")
    error = whole_file_error(path)
    assert f"(the first problem is at line 1, column {error.colno:,})" in refused(path)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the legacy sample files are not here: {FIXTURES}")
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def test_the_advice_for_a_cut_off_file_fits_where_it_is(home: Path, tmp_path: Path) -> None:
    cut = (FIXTURES / RECONSTRUCTED).read_bytes()[:5000]
    own = home / "TechTree" / "backend" / "techtree_db.json"
    own.parent.mkdir(parents=True)
    own.write_bytes(cut)
    copy = tmp_path / "Downloads" / "techtree_db.json"
    copy.parent.mkdir()
    copy.write_bytes(cut)
    before = sha256(own), sha256(copy)

    said = refused(own)
    error = whole_file_error(own)
    assert said.startswith(
        f"{own} is not valid JSON: it ends too early (line 1, column {error.colno:,})"
    )
    assert "Copy it again" not in said
    assert (
        "This is the older app's own file, in its folder, so a new copy from there would be "
        "damaged too: if you have a backup of it"
    ) in said
    assert said.endswith("import that copy instead. Nothing was imported.")

    said = refused(copy)
    assert "Copy it again from the older app's folder and import the copy." in said
    assert "own file" not in said
    assert (sha256(own), sha256(copy)) == before


def test_a_damaged_file_in_the_older_apps_folder_is_not_called_a_wrong_choice(
    home: Path,
) -> None:
    own = home / "MS2 QBank" / "data" / "ms2_notes.json"
    own.parent.mkdir(parents=True)
    big(own, b'[{"title": "Renal", "body": "\x00\xff\xfe"}]')
    said = refused(own)
    assert "is not UTF-8 text" in said and "Check that you chose the right file" not in said
    assert "This is the older app's own file, in its folder" in said
