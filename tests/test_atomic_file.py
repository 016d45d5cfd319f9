"""app.atomic_file: a file is written whole or not at all, on real files."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

from app import atomic_file
from app.atomic_file import write_atomically, write_text_atomically


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_bytes_are_written_whole_and_nothing_is_left_beside_them(tmp_path: Path):
    target = tmp_path / "card.png"
    write_atomically(target, b"\x89PNG" * 1000, fsync_folder=True)
    assert target.read_bytes() == b"\x89PNG" * 1000
    assert leftovers(tmp_path) == []


def test_a_writer_replaces_the_old_file(tmp_path: Path):
    target = tmp_path / "segment.seg"
    target.write_bytes(b"old")

    def write(handle: BinaryIO) -> None:
        for _ in range(3):
            handle.write(b"chunk")

    write_atomically(target, write)
    assert target.read_bytes() == b"chunk" * 3
    assert leftovers(tmp_path) == []


def test_a_writer_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "profile.json"
    target.write_text("old", encoding="utf-8")

    def write(handle: BinaryIO) -> None:
        handle.write(b"half of the new")
        raise RuntimeError("cut short")

    with pytest.raises(RuntimeError, match="cut short"):
        write_atomically(target, write)
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_a_full_disk_leaves_no_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "new.csv"

    def write(handle: BinaryIO) -> None:
        handle.write(b"a,b\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError) as raised:
        write_atomically(target, write)
    assert raised.value.errno == errno.ENOSPC
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_writer_copying_to_a_full_device_raises_and_leaves_nothing(tmp_path: Path):
    # /dev/full takes no bytes (ENOSPC on flush): a writer streaming through it fails as a full
    # disk would, midway.
    target = tmp_path / "pack.sdcourse"
    target.write_bytes(b"old pack")

    def write(handle: BinaryIO) -> None:
        handle.write(b"start")
        with open("/dev/full", "wb") as full:
            full.write(b"x" * 100_000)

    with pytest.raises(OSError) as raised:
        write_atomically(target, write)
    assert raised.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old pack"
    assert leftovers(tmp_path) == []


def test_a_failed_sync_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "media.png"
    target.write_bytes(b"old")

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(atomic_file.os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_exclusive_refuses_an_existing_file(tmp_path: Path):
    target = tmp_path / "profile.sqlite3"
    target.write_bytes(b"the learner's")
    with pytest.raises(FileExistsError):
        write_atomically(target, b"empty schema", exclusive=True)
    assert target.read_bytes() == b"the learner's"
    assert leftovers(tmp_path) == []


def test_exclusive_refuses_a_file_that_appears_while_writing(tmp_path: Path):
    target = tmp_path / "profile.sqlite3"

    def write(handle: BinaryIO) -> None:
        target.write_bytes(b"made meanwhile")
        handle.write(b"empty schema")

    with pytest.raises(FileExistsError):
        write_atomically(target, write, exclusive=True)
    assert target.read_bytes() == b"made meanwhile"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_files_are_owner_only_unless_asked(tmp_path: Path):
    write_atomically(tmp_path / "private", b"x")
    write_atomically(tmp_path / "shared", b"x", mode=0o644)
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o644 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_text_keeps_line_endings_as_written_with_newline_empty(tmp_path: Path):
    target = tmp_path / "deck.csv"
    write_text_atomically(target, lambda handle: handle.write("a,b\r\nc,ü\r\n"), newline="")
    assert target.read_bytes() == "a,b\r\nc,ü\r\n".encode()
    write_text_atomically(target, "plain")
    assert target.read_text(encoding="utf-8") == "plain"
    assert leftovers(tmp_path) == []


def test_text_writer_failure_leaves_the_old_file(tmp_path: Path):
    target = tmp_path / "note.md"
    target.write_text("old", encoding="utf-8")

    def write(handle: object) -> None:
        raise ValueError("bad note")

    with pytest.raises(ValueError):
        write_text_atomically(target, write)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_raises_and_makes_nothing(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "absent" / "file", b"x")
    assert list(tmp_path.iterdir()) == []
