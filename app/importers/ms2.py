"""MS2 QBank JSON arrays: questions, notebook entries and library articles, told apart by shape."""

from __future__ import annotations

from typing import Any

from app.core.assessments.question_format import DIFFICULTIES
from app.importers.legacy_records import (
    LegacyPlan,
    NoteRecord,
    QuestionRecord,
    derived_id,
    unstorable,
)
from app.importers.techtree import BadDocument

_LINK_KEYS = {"article_ids": "article", "question_ids": "question", "video_ids": "video"}


def _strings(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadDocument(f"{what} is not a list of text")
    return [v.strip() for v in value if v.strip()]


def read_question(doc: dict[str, Any]) -> QuestionRecord:
    qid, stem, answer = doc.get("id"), doc.get("stem"), doc.get("answer")
    if not isinstance(qid, str) or not qid:
        raise BadDocument("the question has no id")
    if not isinstance(stem, str) or not stem.strip():
        raise BadDocument("the question has no stem")
    choices = doc.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        raise BadDocument("the question needs a list of at least two choices")
    labels = []
    for choice in choices:
        if not isinstance(choice, dict) or not isinstance(choice.get("label"), str):
            raise BadDocument("every choice needs a label and a text")
        labels.append(choice["label"])
    if answer not in labels:
        raise BadDocument(f"the answer {answer!r} is not one of the choices {labels}")
    explanation = doc.get("explanation") or {}
    if isinstance(explanation, str):
        explanation = {"summary": explanation, "rationales": []}
    if not isinstance(explanation, dict):
        raise BadDocument("the explanation is not an object")
    meta = doc.get("metadata") or {}
    if not isinstance(meta, dict):
        raise BadDocument("metadata is not an object")
    difficulty = meta.get("difficulty")
    extra = {
        k: v for k, v in meta.items() if k not in ("subject", "system", "difficulty", "status")
    }
    return QuestionRecord(
        id=derived_id("ms2-question", qid),
        legacy_id=qid,
        stem=stem,
        choices=[{"label": c["label"], "text": str(c.get("text", ""))} for c in choices],
        answer=str(answer),
        explanation=explanation,
        subject=meta.get("subject") if isinstance(meta.get("subject"), str) else None,
        system=meta.get("system") if isinstance(meta.get("system"), str) else None,
        difficulty=difficulty if difficulty in DIFFICULTIES else None,
        status=meta.get("status") if isinstance(meta.get("status"), str) else None,
        tags=_strings(doc.get("tags"), "tags"),
        extra=extra,
    )


def read_note(doc: dict[str, Any]) -> NoteRecord:
    nid, title, body = doc.get("id"), doc.get("title"), doc.get("body")
    if not isinstance(nid, str) or not nid:
        raise BadDocument("the entry has no id")
    if not isinstance(title, str):
        raise BadDocument("the entry has no title")
    if not isinstance(body, str):
        raise BadDocument("the entry has no body text")
    links = [
        (kind, target) for key, kind in _LINK_KEYS.items() for target in _strings(doc.get(key), key)
    ]
    is_note = any(key in doc for key in _LINK_KEYS) or "summary" not in doc
    kind = "note" if is_note else "article"
    summary = doc.get("summary")
    return NoteRecord(
        id=derived_id("ms2-" + kind, nid),
        legacy_id=nid,
        kind=kind,
        title=title.strip() or "Untitled",
        summary=summary if isinstance(summary, str) else None,
        body=body,
        bookmarked=bool(doc.get("bookmarked", False)),
        tags=_strings(doc.get("tags"), "tags"),
        links=links,
    )


def looks_like_ms2(data: list[Any]) -> bool:
    dicts = [d for d in data if isinstance(d, dict)]
    return bool(dicts) and all(("stem" in d) or ("title" in d and "body" in d) for d in dicts)


def read_ms2_array(plan: LegacyPlan, data: list[Any], table: str) -> None:
    seen: set[str] = set()
    for position, doc in enumerate(data):
        doc_id = str(doc.get("id", position)) if isinstance(doc, dict) else str(position)
        if not isinstance(doc, dict):
            plan.keep(table, doc_id, doc, "the entry is not an object")
            continue
        if plan.check_text and (odd := unstorable(doc)) is not None:
            plan.keep(table, doc_id, doc, odd)
            continue
        if doc_id in seen:
            plan.keep(table, doc_id, doc, f"another entry in this file has the same id {doc_id}")
            continue
        seen.add(doc_id)
        try:
            if "stem" in doc:
                plan.questions.append(read_question(doc))
            elif "title" in doc and "body" in doc:
                plan.notes.append(read_note(doc))
            else:
                plan.keep(table, doc_id, doc, "the entry is neither a question nor a note")
        except BadDocument as error:
            plan.keep(table, doc_id, doc, str(error))
