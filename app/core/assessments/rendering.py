"""A question's stem, explanation or rationale as safe HTML: the notebook's renderer (raw HTML
and scripts shown as text, unsafe links reduced to their label, images only from the profile's
media folder, a 1 MB stem cut with a sentence saying so)."""

from __future__ import annotations

from pathlib import Path

from app.core.notes.rendering import render_note

STEM_LIMIT = 200_000


def question_html(markdown: str, media_dir: Path | None = None) -> str:
    """`markdown` (a stem, an explanation, a rationale or a choice) as HTML that loads and runs
    nothing; pure and Qt-free."""
    return render_note(markdown, media_dir, limit=STEM_LIMIT)
