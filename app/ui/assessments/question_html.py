"""Whole questions as safe HTML: the stem, the choices (with what the learner chose and the
answer, when shown), the explanation, rationales and references. Every piece of the bank's
text goes through `safe_html` (markdown) or `escaped` (plain text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from app.core.assessments.blocks import BlockQuestion
from app.core.assessments.question_detail import QuestionDetail, Reference
from app.ui.assessments.question_text import escaped, safe_html

RIGHT = "#2e7d32"
WRONG = "#c62828"


def choices_html(
    choices: Sequence[tuple[str, str, str]],
    *,
    chosen: str | None = None,
    answer: str | None = None,
    struck: frozenset[str] = frozenset(),
) -> str:
    """`choices`: (letter shown, the question's own label, text)."""
    rows = []
    for shown, label, text in choices:
        mark, color = "", ""
        if answer is not None and label == answer:
            mark, color = " ✓ answer", RIGHT
        if chosen is not None and label == chosen:
            mark += " ← your choice" if answer is None or label == answer else " ✗ your choice"
            color = color or WRONG
        body = escaped(text)
        if label in struck:
            body = f"<s>{body}</s>"
        style = f' style="color:{color}"' if color else ""
        rows.append(
            f"<tr><td><b>{escaped(shown)}.</b></td><td{style}>{body}"
            f"<b>{escaped(mark)}</b></td></tr>"
        )
    return '<table cellspacing="0" cellpadding="4">' + "".join(rows) + "</table>"


def explanation_html(
    summary: str | None,
    rationales: Mapping[str, str] | None,
    references: Sequence[Reference],
    media_dir: Path | None,
    letters: Mapping[str, str] | None = None,
) -> str:
    """The explanation summary, each choice's rationale (named by the letter shown) and the
    references."""
    parts = []
    if summary:
        parts.append("<h3>Explanation</h3>" + safe_html(summary, media_dir))
    if rationales:
        parts.append("<h3>Why each choice</h3>")
        for label in sorted(rationales, key=lambda k: (letters or {}).get(k, k)):
            shown = (letters or {}).get(label, label)
            parts.append(
                f'<table cellspacing="0" cellpadding="2"><tr><td><b>{escaped(shown)}.</b></td>'
                f"<td>{safe_html(rationales[label], media_dir)}</td></tr></table>"
            )
    if references:
        items = "".join(
            f"<li>{escaped(r.title)}{' — ' + escaped(r.source) if r.source else ''}</li>"
            for r in references
        )
        parts.append(f"<h3>References</h3><ul>{items}</ul>")
    if not parts:
        return "<p><i>This question has no explanation.</i></p>"
    return "".join(parts)


def revealed_html(question: BlockQuestion, media_dir: Path | None) -> str:
    """A block question's explanation, rationales named by the letters the learner saw."""
    letters = {c.label: c.display_label for c in question.choices}
    return explanation_html(
        question.explanation_summary,
        question.rationales,
        question.references,
        media_dir,
        letters,
    )


def detail_html(detail: QuestionDetail, media_dir: Path | None) -> str:
    """The bank browser's preview: the question, its answer and explanation, its figures."""
    f = detail.figures
    facts = " · ".join(
        escaped(part) for part in (detail.subject, detail.system, detail.difficulty) if part
    )
    seen = (
        f"Answered {f.times_seen} time{'s' if f.times_seen != 1 else ''}, {f.times_correct} correct"
        if f.times_seen
        else "Not answered yet"
    )
    extras = [seen]
    if f.flagged:
        extras.append("flagged")
    if detail.note_ids:
        extras.append(f"{len(detail.note_ids)} note{'s' if len(detail.note_ids) != 1 else ''}")
    if detail.card_id:
        extras.append("has a card")
    head = (
        f"<p><b>{escaped(detail.bank_id)}</b> &nbsp; {facts}<br/>"
        f"<small>{escaped(' · '.join(extras))}</small></p>"
    )
    choices = [(c.label, c.label, c.text) for c in detail.choices]
    return (
        head
        + safe_html(detail.stem, media_dir)
        + choices_html(choices, answer=detail.answer)
        + explanation_html(
            detail.explanation_summary, detail.rationales, detail.references, media_dir
        )
    )
