"""A lesson's body (`LessonContent.body`) read into typed parts, whichever shape it came in.

TechTree wrote two shapes of exercise and two of knowledge check (shared/docs/LEGACY_FORMATS.md,
section 2); both are normalised here to one `Exercise` and one `Check`. Every key is optional
and a value of the wrong type is read as well as it can be: a lesson is never refused for
display. Pure functions except `lesson_checks`, which reads one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import LessonContent


@dataclass(frozen=True)
class Misconception:
    misconception: str
    correction: str


@dataclass(frozen=True)
class Exercise:
    """An active exercise. `kind` is "generated" or "template" (the shape it came in)."""

    instructions: str
    hints: tuple[str, ...]  # revealed one at a time
    expected_answer: str
    explanation: str
    misconceptions: tuple[Misconception, ...]
    answer_format: str | None = None  # "Numerical answer in Newtons (N)"
    kind: str = "generated"
    id: str | None = None


@dataclass(frozen=True)
class Check:
    """A multiple-choice knowledge check. `correct_index` is None when the data names no
    option that exists (the reader then shows the explanation without judging)."""

    question: str
    options: tuple[str, ...]
    correct_index: int | None
    explanation: str
    confidence_prompt: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class LessonBody:
    exposition: str  # markdown as stored (repair it with readable_markdown to show it)
    thought_questions: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    checks: tuple[Check, ...]
    tags: tuple[str, ...] = ()
    difficulty: int | None = None
    related_topics: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()

    @property
    def has_content(self) -> bool:
        return bool(
            self.exposition.strip() or self.thought_questions or self.exercises or self.checks
        )


EMPTY_BODY = LessonBody("", (), (), ())


def parse_lesson_body(body: Any) -> LessonBody:
    """The typed parts of a stored lesson body (anything not a JSON object reads as empty)."""
    if not isinstance(body, dict):
        return EMPTY_BODY
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    difficulty = metadata.get("difficulty")
    return LessonBody(
        exposition=_text(body.get("exposition_content")),
        thought_questions=_strings(
            [_first(i, "question", "text") for i in _items(body, "thought_questions")]
        ),
        exercises=tuple(parse_exercise(i) for i in _items(body, "active_exercises")),
        checks=tuple(parse_check(i) for i in _items(body, "knowledge_assessment")),
        tags=_strings(metadata.get("tags")),
        difficulty=difficulty
        if isinstance(difficulty, int) and not isinstance(difficulty, bool)
        else None,
        related_topics=_strings(metadata.get("related_topics")),
        prerequisites=_strings(metadata.get("prerequisites")),
    )


def parse_exercise(item: Any) -> Exercise:
    """Either exercise shape: generated (`instructions`, `correct_answer`,
    `common_misconceptions` list) or template (`question`, `expected_solution`,
    `misconceptions` mapping)."""
    if not isinstance(item, dict):
        return Exercise(_text(item), (), "", "", ())
    template = "instructions" not in item and ("question" in item or "expected_solution" in item)
    return Exercise(
        instructions=_text(_first(item, "instructions", "question")),
        hints=_strings(item.get("hints")),
        expected_answer=_text(_first(item, "correct_answer", "expected_solution")),
        explanation=_text(item.get("explanation")),
        misconceptions=_misconceptions(
            item.get("common_misconceptions", item.get("misconceptions"))
        ),
        answer_format=_text(item.get("solution_format")) or None,
        kind="template" if template else "generated",
        id=_text(item.get("id")) or None,
    )


def parse_check(item: Any) -> Check:
    """Either check shape: generated (`correct_answer` is the option's text,
    `confidence_check`) or template (`id`, `type`: "multiple_choice")."""
    if not isinstance(item, dict):
        return Check(_text(item), (), None, "")
    options = tuple(_option_text(o) for o in item.get("options") or () if o is not None)
    return Check(
        question=_text(_first(item, "question", "stem")),
        options=options,
        correct_index=correct_index(item.get("correct_answer", item.get("answer")), options),
        explanation=_text(item.get("explanation")),
        confidence_prompt=_text(item.get("confidence_check")) or None,
        id=_text(item.get("id")) or None,
    )


_LETTER = re.compile(r"^\(?([A-Za-z])[).:]?$")
_LETTER_PREFIX = re.compile(r"^\(?[A-Za-z][).:]\s+")


def correct_index(answer: Any, options: tuple[str, ...]) -> int | None:
    """Which option `answer` names: its text (exactly, or ignoring case, spaces and an "A) "
    prefix), its letter ("B", "b)", "(B)") or its 0-based index; None if none fits."""
    if isinstance(answer, bool) or answer is None or not options:
        return None
    if isinstance(answer, int):
        return answer if 0 <= answer < len(options) else None
    if isinstance(answer, dict):
        answer = _option_text(answer)
    text = str(answer)
    if text in options:
        return options.index(text)
    wanted = _plain(text)
    plain = [_plain(o) for o in options]
    if wanted in plain:
        return plain.index(wanted)
    letter = _LETTER.match(text.strip())
    if letter:
        index = ord(letter.group(1).upper()) - ord("A")
        return index if index < len(options) else None
    stripped = _plain(_LETTER_PREFIX.sub("", text.strip()))
    if stripped and stripped in plain:
        return plain.index(stripped)
    return None


def lesson_checks(session: Session, lesson_id: str) -> tuple[Check, ...]:
    body = session.scalar(
        select(LessonContent.body).where(
            LessonContent.lesson_id == lesson_id, LessonContent.deleted_at.is_(None)
        )
    )
    return parse_lesson_body(body).checks


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _option_text(option: Any) -> str:
    if isinstance(option, dict):
        return _text(_first(option, "text", "option", "label"))
    return _text(option)


def _misconceptions(value: Any) -> tuple[Misconception, ...]:
    if isinstance(value, dict):  # template shape: {key: text}
        return tuple(
            Misconception(_humane_key(str(key)), _text(text)) for key, text in value.items()
        )
    found = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            found.append(
                Misconception(
                    _text(_first(item, "misconception", "mistake")),
                    _text(_first(item, "correction", "explanation")),
                )
            )
        elif item is not None:
            found.append(Misconception(_text(item), ""))
    return tuple(found)


def _humane_key(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _first(item: Any, *keys: str) -> Any:
    if not isinstance(item, dict):
        return item
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None


def _items(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (_text(v) for v in value) if t)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
