"""Damage a profile file the way disks, kills and other programs do, from the outside.

Pages are found by reading SQLite's b-tree format directly (https://sqlite.org/fileformat.html),
so the helpers work with any SQLite build (no `dbstat`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

TABLE_INTERIOR = 0x05
TABLE_LEAF = 0x0D
INDEX_INTERIOR = 0x02
INDEX_LEAF = 0x0A


def page_size(path: Path) -> int:
    with open(path, "rb") as handle:
        handle.seek(16)
        size = struct.unpack(">H", handle.read(2))[0]
    return 65536 if size == 1 else size


def read_page(path: Path, number: int) -> bytes:
    size = page_size(path)
    with open(path, "rb") as handle:
        handle.seek((number - 1) * size)
        return handle.read(size)


def write_page(path: Path, number: int, data: bytes) -> None:
    size = page_size(path)
    assert len(data) == size
    with open(path, "r+b") as handle:
        handle.seek((number - 1) * size)
        handle.write(data)


def _header_offset(number: int) -> int:
    return 100 if number == 1 else 0


def root_page(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no table {table}"
    return int(row[0])


def children(page: bytes, number: int) -> list[int]:
    """The child page numbers of an interior table page (left pointers, then the right-most)."""
    at = _header_offset(number)
    assert page[at] == TABLE_INTERIOR
    cells = struct.unpack(">H", page[at + 3 : at + 5])[0]
    right_most = struct.unpack(">I", page[at + 8 : at + 12])[0]
    pointers = [
        struct.unpack(">H", page[at + 12 + 2 * n : at + 14 + 2 * n])[0] for n in range(cells)
    ]
    return [struct.unpack(">I", page[p : p + 4])[0] for p in pointers] + [right_most]


@dataclass(frozen=True)
class TablePages:
    root: int
    interior: list[int]
    leaves: list[int]


def table_pages(path: Path, table: str) -> TablePages:
    """Every b-tree page of a (rowid) table, from its root down."""
    root = root_page(path, table)
    interior: list[int] = []
    leaves: list[int] = []
    todo = [root]
    while todo:
        number = todo.pop(0)
        page = read_page(path, number)
        kind = page[_header_offset(number)]
        if kind == TABLE_INTERIOR:
            interior.append(number)
            todo.extend(children(page, number))
        else:
            assert kind == TABLE_LEAF, f"page {number} has type {kind:#x}"
            leaves.append(number)
    return TablePages(root, interior, leaves)


def damage_page(path: Path, number: int, how: str) -> None:
    """Damage one page: "random" bytes, "zeroed", a "cell pointer" aimed outside the page, or
    its "page type" flipped (a table leaf made to look like an index leaf)."""
    page = bytearray(read_page(path, number))
    at = _header_offset(number)
    if how == "random":
        page[at:] = os.urandom(len(page) - at)
    elif how == "zeroed":
        page[at:] = bytes(len(page) - at)
    elif how == "cell pointer":
        first = at + (12 if page[at] in (TABLE_INTERIOR, INDEX_INTERIOR) else 8)
        page[first : first + 2] = struct.pack(">H", len(page) - 2)
    elif how == "page type":
        page[at] = INDEX_LEAF if page[at] == TABLE_LEAF else TABLE_LEAF
    else:
        raise ValueError(how)
    write_page(path, number, bytes(page))


# The write-ahead log (https://sqlite.org/fileformat.html#the_write_ahead_log).
WAL_HEADER = 32
FRAME_HEADER = 24


def committed_wal_pages(wal: Path) -> tuple[dict[int, bytes], int]:
    """The newest committed copy of each page in a -wal file, and the database's size in pages
    after the last commit."""
    data = wal.read_bytes()
    size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    pages: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    db_pages = 0
    at = WAL_HEADER
    while at + FRAME_HEADER + size <= len(data):
        number, commit = struct.unpack(">II", data[at : at + 8])
        if data[at + 8 : at + 16] != salts:
            break
        pending[number] = data[at + FRAME_HEADER : at + FRAME_HEADER + size]
        if commit:
            pages.update(pending)
            pending.clear()
            db_pages = commit
        at += FRAME_HEADER + size
    return pages, db_pages


def kill_mid_checkpoint(db_file: Path, pages_copied: int) -> tuple[int, int]:
    """Leave `db_file` as a kill during a checkpoint does: SQLite copies the -wal's pages back in
    ascending page order, page 1 (the header, with the new page count) first; the kill stops it
    after `pages_copied` pages. The -wal stays whole. Returns (pages in the header, pages in the
    file)."""
    wal = db_file.with_name(db_file.name + "-wal")
    pages, db_pages = committed_wal_pages(wal)
    size = page_size(db_file)
    with open(db_file, "r+b") as handle:
        for number in sorted(pages)[:pages_copied]:
            handle.seek((number - 1) * size)
            handle.write(pages[number])
    header_pages = struct.unpack(">I", read_page(db_file, 1)[28:32])[0]
    assert header_pages == db_pages
    return header_pages, db_file.stat().st_size // size


def copy_with_side_files(db_file: Path, target: Path) -> None:
    """Copy a database with its -wal (not its -shm), as the disk holds them after a kill."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_file, target)
    wal = db_file.with_name(db_file.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
