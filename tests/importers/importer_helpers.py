"""Helpers for the legacy-import tests: fixture files, database dumps and generated exports.

Also used by tests/perf/bench_legacy_import.py, which puts this folder on sys.path.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import sqlite3
import struct
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "legacy"

RECONSTRUCTED = "techtree_db.reconstructed-164e153.json"
ENGINE = "techtree_syllabus_db.e4fc694.json"
USERS_DAY_ONE = "techtree_db.a260bb4.json"
USERS_DAY_TWO = "techtree_db.d078ff0.json"
MS2_QUESTIONS = "ms2_sample_questions.json"
MS2_NOTES = "ms2_notes.json"
MS2_ARTICLES = "ms2_articles.json"
MS2_SCHEMA = "ms2_question.schema.json"

Dump = dict[str, list[tuple[Any, ...]]]


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def rows(db_file: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows read through a plain read-only connection, not the app's engine."""
    conn = sqlite3.connect(f"file:{quote(str(db_file))}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def dump_db(db_file: Path) -> Dump:
    """Every row of every table, sorted: two dumps are equal when the data is."""
    names = [
        str(name)
        for (name,) in rows(
            db_file, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        )
        if not str(name).startswith("sqlite_")
    ]
    return {name: sorted(rows(db_file, f'SELECT * FROM "{name}"'), key=repr) for name in names}


def dump_data_dir(root: Path) -> dict[str, Any]:
    """Each profile's metadata and full table dump, keyed by profile folder name."""
    found: dict[str, Any] = {}
    profiles = root / "profiles"
    for folder in sorted(profiles.iterdir()) if profiles.is_dir() else []:
        meta = folder / "profile.json"
        db_file = folder / "studydesk.sqlite3"
        found[folder.name] = {
            "meta": meta.read_text(encoding="utf-8") if meta.exists() else None,
            "tables": dump_db(db_file) if db_file.exists() else None,
        }
    return found


def count(db_file: Path, table: str, where: str = "1=1", *args: Any) -> int:
    return int(rows(db_file, f'SELECT count(*) FROM "{table}" WHERE {where}', *args)[0][0])


def dump(db_file: Path) -> Dump:
    """`dump_db` through one connection: quick enough to take before and after every import."""
    conn = sqlite3.connect(f"file:{quote(str(db_file))}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def stored_text_problems(db_file: Path) -> list[str]:
    """What was stored that should not have been: text holding a NUL character, a JSON column
    that is not valid JSON (NaN, Infinity), a number that is not finite."""
    problems = []
    conn = sqlite3.connect(f"file:{quote(str(db_file))}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "alembic")) and "_fts" not in name
        ]
        for table in tables:
            for _cid, column, kind, *_ in conn.execute(f'PRAGMA table_info("{table}")'):
                if kind.upper() == "JSON":
                    bad = conn.execute(
                        f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL '
                        f'AND json_valid("{column}") = 0'
                    ).fetchone()[0]
                    if bad:
                        problems.append(f"{table}.{column}: {bad} values are not valid JSON")
                for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}"'):
                    if isinstance(value, str) and "\x00" in value:
                        problems.append(f"{table}.{column}: a NUL character in {value[:40]!r}")
                    elif isinstance(value, float) and not math.isfinite(value):
                        problems.append(f"{table}.{column}: the number {value}")
    finally:
        conn.close()
    return problems


def write_json(path: Path, data: Any, *, indent: int | None = None) -> Path:
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=False), encoding="utf-8")
    return path


# --- generated TechTree exports -------------------------------------------------------------

_WORDS = [
    *("gravity", "orbit", "photon", "horizon", "entropy", "spacetime", "curvature", "mass"),
    *("energy", "field", "wave", "particle", "stellar", "collapse", "radiation", "quantum"),
    *("tidal", "spin", "accretion", "jet", "galaxy", "metric", "geodesic", "lensing"),
    *("singularity", "temperature", "pressure", "density", "velocity", "momentum"),
]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stamp(rng: random.Random, base: datetime) -> str:
    return (base + timedelta(seconds=rng.randrange(0, 60 * 86400))).isoformat()


def _sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def markdown(rng: random.Random, size: int) -> str:
    """About `size` characters of lesson markdown, with headings, lists and damaged joins."""
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rng.randrange(5)
        if kind == 0:
            part = f"## {_sentence(rng, 4)}"
        elif kind == 1:
            part = "\n".join(f"*   {_sentence(rng, 6)}" for _ in range(3))
        elif kind == 2:  # the real generated text runs headings into the next sentence
            part = f"**{_sentence(rng, 3)}**{_sentence(rng, 10)}"
        else:
            part = " ".join(_sentence(rng) for _ in range(3))
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)


def lesson_content(rng: random.Random, size: int) -> dict[str, Any]:
    return {
        "exposition_content": markdown(rng, size),
        "thought_questions": [_sentence(rng, 8) + "?" for _ in range(3)],
        "active_exercises": [
            {
                "instructions": _sentence(rng),
                "solution_format": "short text",
                "hints": [_sentence(rng, 5)],
                "correct_answer": _sentence(rng, 4),
                "explanation": _sentence(rng),
                "common_misconceptions": [
                    {"misconception": _sentence(rng, 5), "correction": _sentence(rng, 5)}
                ],
            }
        ],
        "knowledge_assessment": [
            {
                "question": _sentence(rng, 8) + "?",
                "options": (options := [_sentence(rng, 3) for _ in range(4)]),
                "correct_answer": options[1],
                "explanation": _sentence(rng),
                "confidence_check": True,
            }
        ],
        "metadata": {"tags": rng.sample(_WORDS, 3), "difficulty": rng.randrange(1, 6)},
    }


def techtree_export(
    *,
    users: int,
    syllabi: int,
    contents: int,
    progress: int,
    assessments: int,
    modules: int = 6,
    lessons: int = 9,
    content_size: int = 2000,
    shared_every: int = 10,
    seed: int = 1,
) -> dict[str, Any]:
    """A `DatabaseService`-layout TinyDB export; every reference points at something real.

    Every `shared_every`-th syllabus has no user (a shared master). Lesson contents and progress
    rows each go to distinct lessons; progress belongs to the syllabus owner (or, for a shared
    syllabus, to one of two learners who study it).
    """
    rng = random.Random(seed)
    base = datetime(2025, 1, 6, 9, 30)
    user_ids = [_uuid(rng) for _ in range(users)]
    tables: dict[str, dict[str, Any]] = {
        "users": {},
        "syllabi": {},
        "lesson_content": {},
        "user_progress": {},
        "user_assessments": {},
    }
    for number, user_id in enumerate(user_ids, 1):
        tables["users"][str(number)] = {
            "user_id": user_id,
            "email": f"learner{number}@example.com",
            "name": f"Learner {number}",
            "password_hash": None,
            "created_at": (stamp := _stamp(rng, base)),
            "updated_at": stamp,
        }
    owners: list[str | None] = []
    syllabus_ids: list[str] = []
    for number in range(1, syllabi + 1):
        syllabus_id = _uuid(rng)
        owner = None if number % shared_every == 0 or not user_ids else user_ids[number % users]
        topic = f"topic {number} " + rng.choice(_WORDS)
        content = {
            "topic": topic,
            "level": "beginner",
            "duration": f"{modules} weeks",
            "learning_objectives": [_sentence(rng, 6) for _ in range(3)],
            "modules": [
                {
                    "week": m + 1,
                    "title": f"Module {m + 1}: {_sentence(rng, 3)}",
                    "summary": _sentence(rng, 8),
                    "lessons": [
                        {"title": f"Lesson {m + 1}.{n + 1} {_sentence(rng, 3)}"}
                        for n in range(lessons)
                    ],
                }
                for m in range(modules)
            ],
        }
        tables["syllabi"][str(number)] = {
            "syllabus_id": syllabus_id,
            "user_id": owner,
            "topic": topic,
            "level": "beginner",
            "content": content,
            "created_at": (stamp := _stamp(rng, base)),
            "updated_at": stamp,
        }
        owners.append(owner)
        syllabus_ids.append(syllabus_id)
    places = [(s, m, n) for s in range(syllabi) for m in range(modules) for n in range(lessons)]
    for number, (s, m, n) in enumerate(rng.sample(places, contents), 1):
        tables["lesson_content"][str(number)] = {
            "lesson_id": _uuid(rng),
            "syllabus_id": syllabus_ids[s],
            "module_index": m,
            "lesson_index": n,
            "content": lesson_content(rng, content_size),
            "created_at": (stamp := _stamp(rng, base)),
            "updated_at": stamp,
        }
    for number, (s, m, n) in enumerate(rng.sample(places, progress), 1):
        tables["user_progress"][str(number)] = {
            "progress_id": _uuid(rng),
            "user_id": owners[s] or (user_ids[(s + m % 2) % users] if user_ids else None),
            "syllabus_id": syllabus_ids[s],
            "module_index": m,
            "lesson_index": n,
            "status": (status := rng.choice(("not_started", "in_progress", "completed"))),
            "score": round(rng.uniform(0, 100), 1) if status == "completed" else None,
            "created_at": (stamp := _stamp(rng, base)),
            "updated_at": stamp,
        }
    for number in range(1, assessments + 1):
        asked = [_sentence(rng, 8) + "?" for _ in range(5)]
        tables["user_assessments"][str(number)] = {
            "assessment_id": _uuid(rng),
            "user_id": rng.choice(user_ids) if user_ids else None,
            "topic": f"topic {rng.randrange(1, syllabi + 1)}",
            "knowledge_level": rng.choice(
                ("beginner", "early learner", "good knowledge", "advanced")
            ),
            "score": round(rng.uniform(0, 100), 2),
            "question_history": asked,
            "response_history": [_sentence(rng, 4) for _ in asked],
            "created_at": _stamp(rng, base),
        }
    return tables


def document_total(export: dict[str, dict[str, Any]]) -> int:
    return sum(len(docs) for docs in export.values())


def write_big_tinydb(path: Path, megabytes: int, *, content_kb: int = 48) -> dict[str, int]:
    """Stream a valid TinyDB file of about `megabytes` MB, mostly lesson markdown.

    Returns the document counts. Written piece by piece so the test process stays small.
    """
    rng = random.Random(megabytes)
    lessons_per_syllabus = 6 * 9
    contents = megabytes * 1000 // content_kb
    syllabi = -(-contents // lessons_per_syllabus)
    paragraph = markdown(rng, 4000)
    base = datetime(2025, 2, 1, 8, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"syllabi": {')
        ids = []
        for number in range(1, syllabi + 1):
            ids.append(_uuid(rng))
            modules = [
                {
                    "week": m + 1,
                    "title": f"Module {m + 1}",
                    "lessons": [{"title": f"Lesson {m + 1}.{n + 1}"} for n in range(9)],
                }
                for m in range(6)
            ]
            topic = f"big topic {number}"
            doc = {
                "syllabus_id": ids[-1],
                "user_id": None,
                "topic": topic,
                "level": "beginner",
                "content": {"topic": topic, "level": "beginner", "modules": modules},
                "created_at": base.isoformat(),
                "updated_at": base.isoformat(),
            }
            out.write(("" if number == 1 else ", ") + f'"{number}": ' + json.dumps(doc))
        out.write('}, "lesson_content": {')
        for number in range(1, contents + 1):
            where, place = divmod(number - 1, lessons_per_syllabus)
            body = f"## Part {number}\n\n" + paragraph * (content_kb * 1000 // len(paragraph))
            doc = {
                "lesson_id": _uuid(rng),
                "syllabus_id": ids[where],
                "module_index": place // 9,
                "lesson_index": place % 9,
                "content": {"exposition_content": body, "thought_questions": [f"Why {number}?"]},
                "created_at": (stamp := _stamp(rng, base)),
                "updated_at": stamp,
            }
            out.write(("" if number == 1 else ", ") + f'"{number}": ' + json.dumps(doc))
        out.write("}}")
    return {"syllabi": syllabi, "lesson_contents": contents}


# --- zip files, whole and damaged (course packs, Anki packages) -------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    method: int = zipfile.ZIP_DEFLATED


def write_zip(members: list[Member]) -> bytes:
    """An archive of `members` as given: names may be empty or repeated, methods any zipfile
    writes (patch_member sets the others)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": a doubled member may be the point
        for member in members:
            info = zipfile.ZipInfo(member.name, (2025, 3, 22, 21, 11, 52))
            info.compress_type = member.method
            archive.writestr(info, member.data)
    return out.getvalue()


def read_members(path: Path) -> list[Member]:
    with zipfile.ZipFile(path) as archive:
        return [
            Member(info.filename, archive.read(info), info.compress_type)
            for info in archive.infolist()
        ]


def _central_entries(data: bytearray) -> Iterator[int]:
    """The offset of each entry of the archive's central directory."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        return
    count, _size, start = struct.unpack_from("<HII", data, end + 10)
    at = start
    for _ in range(count):
        if data[at : at + 4] != b"PK\x01\x02":
            return
        yield at
        name, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + name + extra + comment


def patch_member(
    data: bytearray,
    index: int,
    *,
    method: int | None = None,
    flag: int | None = None,
    corrupt: int | None = None,
) -> None:
    """Damage the `index`-th member of the archive in `data`, in place: claim another
    compression `method` (in both its headers), set a general-purpose `flag` bit, or `corrupt`
    its compressed bytes (a few of them flipped, chosen by the number given)."""
    entries = list(_central_entries(data))
    if index >= len(entries):
        return
    entry = entries[index]
    local = struct.unpack_from("<I", data, entry + 42)[0]
    if method is not None:
        struct.pack_into("<H", data, entry + 10, method)
        struct.pack_into("<H", data, local + 8, method)
    if flag is not None:
        for at in (entry + 8, local + 6):
            struct.pack_into("<H", data, at, struct.unpack_from("<H", data, at)[0] | 1 << flag)
    if corrupt is not None:
        size = struct.unpack_from("<I", data, entry + 20)[0]
        name, extra = struct.unpack_from("<HH", data, local + 26)
        start = local + 30 + name + extra
        for step in range(1 + corrupt % 4 if size else 0):
            data[start + (corrupt * 7919 + step * 104729) % size] ^= 0x5A
