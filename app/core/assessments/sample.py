"""Ten sample questions written for Study Desk (Physiology and Pharmacology), in
resources/sample/questions/questions.json (the `.sdqbank` format's questions.json): loaded into
a new profile as sample rows, removed with the other samples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.assessments.bank_writes import upsert_questions
from app.core.assessments.question_format import check_question
from app.core.assessments.tables import QUESTIONS

SAMPLE_FILE = Path("questions") / "questions.json"
SOURCE = "sample"


def load_sample_questions(session: Session, folder: Path) -> int:
    path = folder / SAMPLE_FILE
    if not path.is_file():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    records = [check_question(raw) for raw in data["questions"]]
    return len(upsert_questions(session, records, source=SOURCE, is_sample=True).added)


def remove_sample_questions(session: Session, at: datetime) -> int:
    done = session.execute(
        QUESTIONS.update()
        .where(QUESTIONS.c.is_sample.is_(True), QUESTIONS.c.deleted_at.is_(None))
        .values(deleted_at=at, updated_at=at)
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def restore_sample_questions(session: Session, at: datetime) -> int:
    done = session.execute(
        QUESTIONS.update()
        .where(QUESTIONS.c.is_sample.is_(True), QUESTIONS.c.deleted_at == at)
        .values(deleted_at=None)
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def describe_sample_questions(session: Session) -> str | None:
    count = session.execute(
        select(func.count()).where(
            QUESTIONS.c.is_sample.is_(True), QUESTIONS.c.deleted_at.is_(None)
        )
    ).scalar_one()
    return f"{count} sample questions" if count else None
