"""The bundled sample notes: two notes linked to the sample course's first lesson and the
sample deck, removable (and restorable) with the other samples.

They are markdown files in `resources/sample/notes/`, the first line `# Title`. In their text,
`{{lesson}}`, `{{deck}}` and `{{note:<file stem>}}` become links to the sample lesson, deck and
the other sample notes; the notes load after the courses and decks (kinds load by name), and a
target that is not there (a sample removed before) leaves a plain label.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core.notes.links import LinkTarget
from app.core.notes.note_actions import insert_note
from app.db.models import Card, Course, CourseModule, Deck, Lesson, Note
from app.db.types import new_id

SAMPLE_TAGS = ("study-skills/notes",)
_PLACEHOLDER = re.compile(r"\{\{(lesson|deck|note:[\w-]+)\}\}")
_LINK_AROUND = re.compile(r"\[([^\]]*)\]\(\{\{(?:lesson|deck|note:[\w-]+)\}\}\)")


def sample_files(folder: Path) -> list[Path]:
    notes = folder / "notes"
    return sorted(notes.glob("*.md")) if notes.is_dir() else []


def _sample_lesson(session: Session) -> str | None:
    return session.scalar(
        select(Lesson.id)
        .join(Course, Course.id == Lesson.course_id)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(Course.is_sample.is_(True), Course.deleted_at.is_(None), Lesson.deleted_at.is_(None))
        .order_by(CourseModule.position, Lesson.position)
        .limit(1)
    )


def _sample_deck(session: Session) -> str | None:
    return session.scalar(
        select(Deck.id)
        .join(Card, Card.deck_id == Deck.id)
        .where(Deck.is_sample.is_(True), Deck.deleted_at.is_(None), Card.deleted_at.is_(None))
        .group_by(Deck.id)
        .order_by(func.count().desc(), Deck.id)
        .limit(1)
    )


def _title_and_text(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.strip() + "\n"
    return path.stem, text


def load_sample_notes(session: Session, folder: Path) -> int:
    """Add the sample notes; returns how many."""
    files = sample_files(folder)
    if not files:
        return 0
    targets: dict[str, LinkTarget] = {}
    lesson, deck = _sample_lesson(session), _sample_deck(session)
    if lesson is not None:
        targets["lesson"] = LinkTarget("lesson", lesson)
    if deck is not None:
        targets["deck"] = LinkTarget("deck", deck)
    ids = {path.stem: new_id() for path in files}
    targets |= {f"note:{stem}": LinkTarget("note", note_id) for stem, note_id in ids.items()}

    def linked(text: str) -> str:
        text = _LINK_AROUND.sub(
            lambda m: m.group(0) if _key(m.group(0)) in targets else m.group(1), text
        )
        return _PLACEHOLDER.sub(lambda m: targets[m.group(1)].url, text)

    for path in files:
        title, text = _title_and_text(path)
        origin = [targets[k] for k in ("lesson", "deck") if k in targets and f"{{{{{k}}}}}" in text]
        insert_note(
            session, title=title, body=linked(text), tags=SAMPLE_TAGS, links=origin,
            is_sample=True, note_id=ids[path.stem],
        )  # fmt: skip
    return len(files)


def _key(link: str) -> str:
    found = _PLACEHOLDER.search(link)
    return found.group(1) if found else ""


def remove_sample_notes(session: Session, at: datetime | None = None) -> int:
    """Soft-delete the sample notes (`deleted_at` = `at`); returns how many."""
    now = at or datetime.now(UTC)
    removed = session.execute(
        update(Note)
        .where(Note.is_sample.is_(True), Note.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    ).rowcount  # type: ignore[attr-defined]
    return int(removed)


def restore_sample_notes(session: Session, at: datetime) -> int:
    """Bring back the sample notes removed at `at`; returns how many."""
    restored = session.execute(
        update(Note)
        .where(Note.is_sample.is_(True), Note.deleted_at == at)
        .values(deleted_at=None, updated_at=datetime.now(UTC))
    ).rowcount  # type: ignore[attr-defined]
    return int(restored)


def describe_sample_notes(session: Session) -> str | None:
    count = session.scalar(
        select(func.count())
        .select_from(Note)
        .where(Note.is_sample.is_(True), Note.deleted_at.is_(None))
    )
    if not count:
        return None
    return "1 sample note" if count == 1 else f"{count} sample notes"
