"""A note's markdown as safe HTML for the Notebook's preview (a QTextBrowser).

The learner's markdown stays the source of truth; this is only how it looks. markdown-it-py
(CommonMark, with tables, strikethrough, task lists, footnotes and front matter from
mdit-py-plugins) renders it, with the same rules of safety as lessons
(`app.core.courses.markdown`):

- raw HTML is never passed through: it shows as text (script, style, event handlers included);
- links keep their target only for http(s), mailto, in-page anchors and `studydesk:` (a link to
  a note, lesson, card, deck, question, article or video moment, which the Notebook opens
  itself); any other link (`javascript:`, `file:`, `data:`...) shows its label as plain text;
- images show only from the profile's media folder (`studydesk-media:<sha256>.png`); a remote
  image becomes a link labelled "Image (not loaded)", never fetched; anything else says it is
  not available;
- an attachment (`[label](studydesk-media:<sha256>.pdf)`, a PDF the note was imported with)
  links to its file in the media folder, for the preview to open in the learner's own viewer;
  one the folder no longer has shows its label, struck through.

Pure and Qt-free: safe on any thread (render off the GUI thread; a 10 MB note takes seconds).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from app.core.courses.markdown import MEDIA_SCHEME, attachment_path, is_safe_link, media_path

NOTE_LINK_SCHEME = "studydesk:"
# The preview renders at most this much of a note; the editor keeps all of it.
PREVIEW_LIMIT = 500_000
CHIP_STYLE = "background-color: rgba(90, 130, 220, 0.18); text-decoration: none;"
MISSING_STYLE = "color: #b03030; text-decoration: line-through;"
_TASK_BOXES = {True: "\u2611", False: "\u2610"}  # ☑ ☐


def is_note_link(target: str) -> bool:
    """A `studydesk:` link (note, lesson, card, deck, question, article, video moment)."""
    return target[: len(NOTE_LINK_SCHEME)].lower() == NOTE_LINK_SCHEME


def followable(target: str) -> bool:
    """Whether a link in a note keeps its target when shown."""
    return is_note_link(target) or is_safe_link(target)


class _SafeRenderer(RendererHTML):
    """HTML with only what `followable` and the media folder allow."""

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        target = str(token.attrGet("href") or "")
        if target.startswith(MEDIA_SCHEME):
            path = attachment_path(target, env.get("media_dir"))
            if path is None:
                token.meta["dropped"] = True
                return f'<span style="{MISSING_STYLE}" title="This attachment is not available">'
            return f'<a href="{html.escape(path.as_uri())}" title="Opens in your PDF viewer">'
        if not followable(target):
            token.meta["dropped"] = True
            return ""
        if is_note_link(target):
            missing = target in env.get("missing", ())
            style = MISSING_STYLE if missing else CHIP_STYLE
            note = ' title="This target was deleted"' if missing else ""
            return f'<a href="{html.escape(target)}" style="{style}"{note}>\u00a0'
        return f'<a href="{html.escape(target)}">'

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        opening = _matching_open(tokens, idx)
        if opening is not None and opening.meta.get("dropped"):
            return "</span>" if str(opening.attrGet("href") or "").startswith(MEDIA_SCHEME) else ""
        if opening is not None and is_note_link(str(opening.attrGet("href") or "")):
            return "\u00a0</a>"
        return "</a>"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        target = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env)
        path = media_path(target, env.get("media_dir"))
        if path is not None:
            return f'<img src="{html.escape(path.as_uri())}" alt="{html.escape(alt)}" />'
        label = html.escape(alt or "image")
        if target.lower().startswith(("http://", "https://")):
            return f'<a href="{html.escape(target)}">Image (not loaded): {label}</a>'
        return f"<em>[Image not available: {label}]</em>"

    def html_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        content = tokens[idx].content
        if content.startswith('<input class="task-list-item-checkbox"'):
            return _TASK_BOXES['checked="checked"' in content]
        return html.escape(content)

    def html_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<p>{html.escape(tokens[idx].content)}</p>"

    def front_matter(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""


def _matching_open(tokens: Sequence[Token], close_at: int) -> Token | None:
    depth = 0
    for at in range(close_at - 1, -1, -1):
        kind = tokens[at].type
        if kind == "link_close":
            depth += 1
        elif kind == "link_open":
            if depth == 0:
                return tokens[at]
            depth -= 1
    return None


class _NoteMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        """Every target parses as a link or image; the renderer decides what keeps its target,
        so a refused link still shows its label rather than its raw markdown."""
        return True


def _parser() -> MarkdownIt:
    md = _NoteMarkdown("commonmark", {"html": False, "linkify": False}, renderer_cls=_SafeRenderer)
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(tasklists_plugin)
    return md


_MD: MarkdownIt | None = None


def _shared_parser() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = _parser()
    return _MD


def render_note(
    body: str,
    media_dir: Path | None = None,
    *,
    missing: Collection[str] = (),
    limit: int = PREVIEW_LIMIT,
) -> str:
    """`body` (a note's markdown) as HTML that loads and runs nothing.

    `media_dir`: the profile's media folder (its images show; no other image does).
    `missing`: `studydesk:` URLs whose target was deleted (shown struck through).
    A body longer than `limit` characters is rendered up to the last line break before it,
    followed by a sentence saying so.
    """
    shown, cut = body, False
    if len(body) > limit:
        end = body.rfind("\n", 0, limit)
        shown, cut = body[: end if end > 0 else limit], True
    env: dict[str, Any] = {"media_dir": media_dir, "missing": frozenset(missing)}
    rendered = str(_shared_parser().render(shown, env))
    if cut:
        size = f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit:,} characters"
        rendered += (
            f"<hr /><p><em>The preview shows the first {size} of this note "
            f"({len(body):,} characters); the editor has all of it.</em></p>"
        )
    return rendered
