"""One question as Study Desk's own question packs (`.sdqbank`) and samples write it, checked
field by field with messages that name the question and the field.

    {"id": "cardio_001",                        required: the bank id (letters, digits, _ . - :)
     "stem": "markdown",                        required, at most 100,000 characters
     "choices": [{"label": "A", "text": "..."}],  2 to 10, labels A to J, each once
     "answer": "C",                             required: one of the labels
     "explanation": {"summary": "markdown", "rationales": {"A": "...", ...}},
                                                or a string (the summary); optional
     "subject": "...", "system": "...", "difficulty": "Easy" | "Medium" | "Hard",
     "keywords": ["..."], "tags": ["..."],
     "references": [{"title": "...", "source": "...", "url"?: "https://..."}],
     "media": [{"file": "media/ecg.png", "alt"?: "..."}]}

Unknown keys are refused (a typo would lose a field). HTML in a stem or an explanation is kept
as text and shown as text (the renderer passes no HTML through).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

BANK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
LABELS = "ABCDEFGHIJ"
MAX_STEM = 100_000
MAX_TEXT = 20_000
MAX_EXPLANATION = 200_000
DIFFICULTIES = ("Easy", "Medium", "Hard")
KEYS = {
    "id", "stem", "choices", "answer", "explanation", "subject", "system", "difficulty",
    "keywords", "tags", "references", "media",
}  # fmt: skip


@dataclass(frozen=True)
class QuestionData:
    bank_id: str
    stem: str
    choices: tuple[tuple[str, str], ...]  # (label, text)
    answer: str
    summary: str = ""
    rationales: Mapping[str, str] = field(default_factory=dict)
    subject: str | None = None
    system: str | None = None
    difficulty: str | None = None
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    references: tuple[Mapping[str, str], ...] = ()
    media: tuple[Mapping[str, str], ...] = ()  # {"file": "media/x.png", "alt": "..."}

    def explanation(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "rationales": [{"choice": k, "text": v} for k, v in self.rationales.items()],
        }

    def extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.keywords:
            extra["keywords"] = list(self.keywords)
        if self.references:
            extra["references"] = [dict(r) for r in self.references]
        if self.media:
            extra["media"] = [
                {"type": "image", "uri": m["file"], "alt_text": m.get("alt", "")}
                for m in self.media
            ]
        return extra


class QuestionRefused(Exception):
    """A question that cannot be taken in; `problems` lists "field: what is wrong"."""

    def __init__(self, bank_id: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.bank_id = bank_id
        self.problems = problems


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _text(raw: Any, key: str, problems: list[str], *, limit: int = MAX_TEXT) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(f"{key}: {_kind(value)}, not text")
        return None
    if len(value) > limit:
        problems.append(f"{key}: {len(value):,} characters; at most {limit:,}")
        return None
    return value


def _strings(raw: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{key}: not a list of text")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _choices(raw: Any, problems: list[str]) -> tuple[tuple[str, str], ...]:
    value = raw.get("choices")
    if value is None:
        problems.append("choices: missing")
        return ()
    if not isinstance(value, list):
        problems.append(f"choices: {_kind(value)}, not a list")
        return ()
    if len(value) < 2:
        problems.append(
            f"choices: {'one choice only' if value else 'none'}; a question needs 2 to 10"
        )
        return ()
    if len(value) > 10:
        problems.append(f"choices: {len(value)}; a question has at most 10")
        return ()
    found: list[tuple[str, str]] = []
    for i, choice in enumerate(value):
        if not isinstance(choice, dict):
            problems.append(f"choices[{i}]: {_kind(choice)}, not an object")
            continue
        unknown = sorted(set(choice) - {"label", "text"})
        if unknown:
            problems.append(f"choices[{i}].{unknown[0]}: unknown key")
        label, text = choice.get("label"), choice.get("text")
        if not isinstance(label, str) or len(label) != 1 or label not in LABELS:
            problems.append(f"choices[{i}].label: {label!r} is not one letter A to J")
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(f"choices[{i}].text: missing")
            continue
        if len(text) > MAX_TEXT:
            problems.append(f"choices[{i}].text: {len(text):,} characters; at most {MAX_TEXT:,}")
            continue
        if any(label == seen for seen, _ in found):
            problems.append(f"choices[{i}].label: {label} is there twice")
            continue
        found.append((label, text))
    return tuple(found)


def _explanation(raw: Any, labels: set[str], problems: list[str]) -> tuple[str, dict[str, str]]:
    value = raw.get("explanation")
    if value is None:
        return "", {}
    if isinstance(value, str):
        value = {"summary": value}
    if not isinstance(value, dict):
        problems.append(f"explanation: {_kind(value)}, not an object or text")
        return "", {}
    unknown = sorted(set(value) - {"summary", "rationales"})
    if unknown:
        problems.append(f"explanation.{unknown[0]}: unknown key")
    summary = _text(value, "summary", problems, limit=MAX_EXPLANATION) or ""
    rationales: dict[str, str] = {}
    raw_rationales = value.get("rationales") or {}
    if isinstance(raw_rationales, list):
        pairs = []
        for i, item in enumerate(raw_rationales):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                problems.append(f"explanation.rationales[{i}]: needs a choice and a text")
                continue
            pairs.append((str(item.get("choice", "")), item["text"]))
    elif isinstance(raw_rationales, dict):
        pairs = []
        for k, v in raw_rationales.items():
            if not isinstance(v, str):
                problems.append(f"explanation.rationales.{k}: {_kind(v)}, not text")
                continue
            pairs.append((k, v))
    else:
        problems.append("explanation.rationales: not an object or a list")
        pairs = []
    for label, text in pairs:
        if labels and label not in labels:
            problems.append(f"explanation.rationales: {label!r} is not one of the choices")
        elif len(text) > MAX_EXPLANATION:
            problems.append(f"explanation.rationales.{label}: too long")
        elif text.strip():
            rationales[label] = text
    return summary, rationales


def _objects(raw: Any, key: str, required: tuple[str, ...], allowed: set[str],
             problems: list[str]) -> tuple[dict[str, str], ...]:  # fmt: skip
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{key}: {_kind(value)}, not a list")
        return ()
    found = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(f"{key}[{i}]: {_kind(item)}, not an object")
            continue
        unknown = sorted(set(item) - allowed)
        if unknown:
            problems.append(f"{key}[{i}].{unknown[0]}: unknown key")
            continue
        missing = [k for k in required if not isinstance(item.get(k), str) or not item[k].strip()]
        if missing:
            problems.append(f"{key}[{i}].{missing[0]}: missing")
            continue
        if not all(isinstance(v, str) for v in item.values()):
            problems.append(f"{key}[{i}]: every value is text")
            continue
        found.append(dict(item))
    return tuple(found)


def check_question(raw: Any) -> QuestionData:
    """A checked question; QuestionRefused listing every problem otherwise."""
    if not isinstance(raw, dict):
        raise QuestionRefused("", [f"{_kind(raw)}, not an object"])
    bank_id = raw.get("id")
    problems: list[str] = []
    if not isinstance(bank_id, str) or not bank_id:
        problems.append("id: missing")
        bank_id = ""
    elif not BANK_ID.match(bank_id):
        problems.append(f"id: {bank_id[:40]!r} is not 1 to 100 letters, digits, _ . - or :")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        problems.append(f"{unknown[0]}: unknown key")
    stem = raw.get("stem")
    if stem is None:
        problems.append("stem: missing")
    elif not isinstance(stem, str):
        problems.append(f"stem: {_kind(stem)}, not text")
    elif not stem.strip():
        problems.append("stem: empty")
    elif len(stem) > MAX_STEM:
        problems.append(f"stem: {len(stem):,} characters; a stem may have {MAX_STEM:,}")
    choices = _choices(raw, problems)
    labels = {label for label, _ in choices}
    answer = raw.get("answer")
    if answer is None or answer == "":
        problems.append("answer: missing")
    elif not isinstance(answer, str):
        problems.append(f"answer: {_kind(answer)}, not a label")
    elif choices and answer not in labels:
        problems.append(f"answer: {answer!r} is not one of the labels {', '.join(sorted(labels))}")
    summary, rationales = _explanation(raw, labels, problems)
    subject = _text(raw, "subject", problems, limit=100)
    system = _text(raw, "system", problems, limit=100)
    difficulty = _text(raw, "difficulty", problems, limit=20)
    if difficulty is not None and difficulty not in DIFFICULTIES:
        problems.append(f"difficulty: {difficulty!r} is not Easy, Medium or Hard")
    keywords = _strings(raw, "keywords", problems)
    tags = _strings(raw, "tags", problems)
    references = _objects(raw, "references", ("title", "source"), {"title", "source", "url"},
                          problems)  # fmt: skip
    media = _objects(raw, "media", ("file",), {"file", "alt"}, problems)
    if problems:
        raise QuestionRefused(bank_id, problems)
    assert isinstance(stem, str) and isinstance(answer, str)
    return QuestionData(
        bank_id, stem, choices, answer, summary, rationales, subject or None, system or None,
        difficulty, keywords, tags, references, media,
    )  # fmt: skip


def question_document(data: QuestionData) -> dict[str, Any]:
    """The JSON a pack holds for a question (what `check_question` reads back)."""
    doc: dict[str, Any] = {
        "id": data.bank_id,
        "stem": data.stem,
        "choices": [{"label": label, "text": text} for label, text in data.choices],
        "answer": data.answer,
    }
    if data.summary or data.rationales:
        doc["explanation"] = {"summary": data.summary, "rationales": dict(data.rationales)}
    for key in ("subject", "system", "difficulty"):
        if getattr(data, key):
            doc[key] = getattr(data, key)
    for key in ("keywords", "tags"):
        if getattr(data, key):
            doc[key] = list(getattr(data, key))
    if data.references:
        doc["references"] = [dict(r) for r in data.references]
    if data.media:
        doc["media"] = [dict(m) for m in data.media]
    return doc
