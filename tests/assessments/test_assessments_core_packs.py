"""`.sdqbank` packs: the format checked question by question (bad input named by id and field),
images copied content-addressed, missing ones listed, an answered question never rewritten
silently, export and import back adding nothing."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from assessment_helpers import Clock

from app.core.assessments.bank import bank_page
from app.core.assessments.blocks import create_block
from app.core.assessments.blueprints import Blueprint
from app.core.assessments.question_detail import question_detail, resolve_question
from app.core.assessments.question_filters import BankFilter
from app.core.assessments.question_format import QuestionRefused, check_question
from app.core.assessments.taking import open_block
from app.core.changes import Change
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.qbank_pack import QbankRefused, load_qbank
from app.importers.qbank_pack_actions import export_qbank, import_qbank


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def good(i: int, **changes: Any) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": f"pk_{i:03d}",
        "stem": f"Stem {i}",
        "choices": [{"label": "A", "text": "One"}, {"label": "B", "text": "Two"}],
        "answer": "B",
        "explanation": {"summary": "Two it is.", "rationales": {"A": "Not one."}},
        "subject": "Physiology",
        "system": "Renal",
        "difficulty": "Hard",
        "keywords": ["k"],
        "tags": ["Pack"],
        "references": [{"title": "Guyton", "source": "Textbook"}],
    }
    question.update(changes)
    return {k: v for k, v in question.items() if v is not None}


def write_pack(
    path: Path, questions: list[Any], files: dict[str, bytes] | None = None, **top: Any
) -> Path:
    doc = {"format": "studydesk-qbank", "format_version": 1, "questions": questions, **top}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("questions.json", json.dumps(doc))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def test_bad_questions_are_refused_by_id_and_field_the_rest_come_in(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    stem_1mb = "x" * 1_048_576
    pack = write_pack(
        tmp_path / "bank.sdqbank",
        [
            good(1, stem="![ECG](media/ecg.png) What rhythm? <script>alert(1)</script>"),
            good(2, answer=None),
            good(3, answer="E"),
            good(4, choices=[{"label": "A", "text": "Only"}], answer="A"),
            good(1, stem="the same id again"),
            good(5, stem=stem_1mb),
            good(6, anwser="B"),
            good(7, stem="![missing](media/gone.png) Still asked"),
            good(8, choices=[{"label": "A", "text": "x"}, {"label": "A", "text": "y"}], answer="A"),
            "not an object",
        ],
        {"media/ecg.png": png(), "media/unused.txt": b"hello"},
    )
    media = tmp_path / "media"
    done = import_qbank(database, pack, media)
    assert done.added == ("pk_001", "pk_007") and done.changes == Change.QUESTIONS | Change.TAGS
    reasons = dict(done.refused)
    assert reasons["pk_002"] == "answer: missing"
    assert reasons["pk_003"] == "answer: 'E' is not one of the labels A, B"
    assert reasons["pk_004"] == "choices: one choice only; a question needs 2 to 10"
    assert reasons["pk_001"] == "questions[4]: another question in this pack has this id"
    assert reasons["pk_005"] == "stem: 1,048,576 characters; a stem may have 100,000"
    assert reasons["pk_006"] == "anwser: unknown key"
    assert reasons["pk_008"] == "choices[1].label: A is there twice"
    assert reasons["questions[9]"] == "text, not an object"
    assert done.missing_media == (("pk_007", "media/gone.png"),)
    assert done.images_copied == 1 and len(list(media.iterdir())) == 1
    detail = question_detail(database, resolve_question(database, "pk_001"))
    assert detail.stem.startswith("![ECG](studydesk-media:") and "<script>" in detail.stem  # text
    assert detail.tags == ("Pack",) and detail.references[0].title == "Guyton"
    assert "Refused pk_002: answer: missing." in done.text()
    assert import_qbank(database, pack, media).unchanged == ("pk_001", "pk_007")


def test_an_answered_question_is_never_rewritten_silently(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    import_qbank(database, write_pack(tmp_path / "a.sdqbank", [good(1), good(2)]), None)
    changed = write_pack(
        tmp_path / "b.sdqbank", [good(1, stem="New text"), good(2, stem="New too")]
    )
    made = create_block(database, Blueprint(BankFilter(), count=2, mode="tutor"), seed=1)
    clock = Clock()
    taking = open_block(database, made.block_id, monotonic=clock.monotonic, wall=clock.wall)
    answered = 0 if made.bank_ids[0] == "pk_001" else 1
    taking.select(answered, "B")
    taking.submit()  # both are now answered or omitted: both have attempts
    done = import_qbank(database, changed, None)
    assert done.updated == () and {i for i, _ in done.refused} == {"pk_001", "pk_002"}
    assert "you have answered it 1 time" in done.refused[0][1]
    assert question_detail(database, resolve_question(database, "pk_001")).stem == "Stem 1"
    import_qbank(database, write_pack(tmp_path / "c.sdqbank", [good(3)]), None)
    updated = import_qbank(
        database, write_pack(tmp_path / "d.sdqbank", [good(3, stem="Fixed")]), None
    )
    assert updated.updated == ("pk_003",)  # never answered: the new text comes in


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"format": "other", "format_version": 1, "questions": []}, "format: 'other'"),
        ({"format": "studydesk-qbank", "format_version": 9, "questions": []}, "update Study Desk"),
        ({"format": "studydesk-qbank", "format_version": 1}, "questions: missing"),
        (
            {"format": "studydesk-qbank", "format_version": 1, "questions": [], "x": 1},
            "x: unknown key",
        ),
    ],
)
def test_a_pack_refused_whole_writes_nothing(
    database: ProfileDatabase, tmp_path: Path, content: dict[str, Any], message: str
) -> None:
    path = tmp_path / "bad.sdqbank"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("questions.json", json.dumps(content))
    with pytest.raises(QbankRefused, match=message):
        import_qbank(database, path, None)
    assert bank_page(database).total == 0


def test_damaged_and_unsafe_files_are_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.sdqbank"
    write_pack(cut, [good(1)])
    cut.write_bytes(cut.read_bytes()[:40])
    with pytest.raises(UserError, match=r"cut\.sdqbank"):
        load_qbank(cut)
    evil = tmp_path / "evil.sdqbank"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("questions.json", "{}")
        archive.writestr("../outside.txt", "x")
    with pytest.raises(QbankRefused, match="escapes the pack"):
        load_qbank(evil)
    nan = tmp_path / "nan.json"
    nan.write_text('{"format": "studydesk-qbank", "format_version": 1, "questions": [NaN]}')
    with pytest.raises(QbankRefused, match=r"nan\.json: questions\[0\]: NaN"):
        load_qbank(nan)
    with pytest.raises(UserError, match="no file"):
        load_qbank(tmp_path / "absent.sdqbank")


def test_export_and_import_back_add_nothing(bank_db: ProfileDatabase, tmp_path: Path) -> None:
    media = tmp_path / "media"
    import_qbank(
        bank_db,
        write_pack(
            tmp_path / "img.sdqbank", [good(1, stem="![x](media/a.png)")], {"media/a.png": png()}
        ),
        media,
    )
    done = export_qbank(bank_db, tmp_path / "out", media)
    assert done.path.name == "out.sdqbank" and done.questions == 11 and done.images == 1
    with pytest.raises(UserError, match="already exists"):
        export_qbank(bank_db, tmp_path / "out.sdqbank", media)
    loaded = load_qbank(done.path)
    assert loaded.refused == () and loaded.missing_media == () and len(loaded.questions) == 11
    again = import_qbank(bank_db, done.path, media)
    assert again.added == () and again.updated == () and len(again.unchanged) == 11
    only = export_qbank(
        bank_db, tmp_path / "pharm.sdqbank", media, flt=BankFilter(subjects=("Pharmacology",))
    )
    assert only.questions == 5 and only.images == 0


def test_the_sample_file_is_a_valid_pack() -> None:
    from app.paths import resources_dir

    loaded = load_qbank(resources_dir() / "sample" / "questions" / "questions.json")
    assert len(loaded.questions) == 10 and loaded.refused == ()
    assert {q.subject for q in loaded.questions} == {"Physiology", "Pharmacology"}


def test_check_question_names_every_problem() -> None:
    with pytest.raises(QuestionRefused) as caught:
        check_question({"id": "bad id!", "stem": 3, "choices": "A,B", "difficulty": "Brutal"})
    assert caught.value.problems == [
        "id: 'bad id!' is not 1 to 100 letters, digits, _ . - or :",
        "stem: a number, not text",
        "choices: text, not a list",
        "answer: missing",
        "difficulty: 'Brutal' is not Easy, Medium or Hard",
    ]


def test_a_file_that_is_neither_a_pack_nor_json_is_refused_saying_so(tmp_path: Path) -> None:
    notes = tmp_path / "heart.md"
    notes.write_text("The **mitral valve** closes at S1.\n", encoding="utf-8")
    with pytest.raises(QbankRefused) as refused:
        load_qbank(notes)
    text = str(refused.value)
    assert str(notes) in text
    assert "neither a question pack (a .sdqbank zip) nor questions JSON" in text
    assert "questions.json" not in text  # there is no such member to blame
