"""Lesson markdown: damaged generated text repaired, good text untouched, nothing unsafe shown."""

from __future__ import annotations

import json
import re

import pytest
from course_helpers import RECONSTRUCTED, png
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.courses.markdown import MEDIA_SCHEME, display_markdown, readable_markdown

TITLE = "Newtonian Gravity and its Limitations"


def real_exposition() -> str:
    if not RECONSTRUCTED.is_file():
        pytest.skip(f"the shared legacy samples are not here ({RECONSTRUCTED})")
    data = json.loads(RECONSTRUCTED.read_text(encoding="utf-8"))
    return next(iter(data["lesson_content"].values()))["content"]["exposition_content"]


def test_the_real_lesson_gets_its_headings_lists_and_paragraphs_back():
    fixed = readable_markdown(real_exposition(), TITLE)
    lines = fixed.split("\n")
    assert lines[0] == f"## {TITLE}"
    assert lines[1] == "" and lines[2].startswith("Newton's law of universal gravitation")
    assert "with a force that is:\n1.  **Directly proportional" in fixed
    assert "gravitational pull.\n2.  **Inversely proportional" in fixed
    assert "Where:\n*   F is the gravitational force\n*   G is the gravitational" in fixed
    assert "the distance increases.\n\nMathematically" in fixed
    assert "the two objects\n\nThis simple yet powerful" in fixed
    assert "\n\n**Why is this important?**\n\nNewtonian gravity provided" in fixed
    assert "\n\n**Limitations of Newtonian Gravity**\n\nDespite" in fixed
    for n in range(1, 6):
        assert re.search(rf"^{n}\.  \*\*", fixed, re.MULTILINE), n
    # Only line breaks were added: every other character is where it was.
    assert re.sub(r"\s", "", fixed) == re.sub(r"\s", "", real_exposition())
    assert readable_markdown(fixed, TITLE) == fixed


def test_without_the_title_a_long_run_on_heading_is_still_split():
    fixed = readable_markdown(real_exposition())
    assert fixed.startswith(f"## {TITLE}\n\nNewton's law")


@pytest.mark.parametrize(
    "good",
    [
        "## JavaScript Basics\n\nUse `console.log()` to print.",
        "Version 2.  Then more.",
        "Read *this*  carefully.",
        "C# is a language. F# too.",
        "e.g. this and i.e. that",
        "```python\nprint('a.B')\nx = 1.  2\nitems:1.  two\n```",
        "    indented.Code:*   stays",
        "| a.B | c:D |\n|---|---|\n| x | y |",
        "> quoted.Text stays",
        "[link](https://example.com/Path.Name) and <https://a.b/C.D>",
        "Call `obj.Method()` here.",
        "~~~\nfenced:1.  tilde\n~~~",
        "## iPhone and macOS\n\nText.",
    ],
)
def test_well_formed_markdown_is_left_alone(good):
    assert readable_markdown(good) == good


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    parts = draw(st.lists(words, min_size=1, max_size=8))
    end = draw(st.sampled_from([".", "?", "!", ":"]))
    return parts[0].capitalize() + "".join(f" {w}" for w in parts[1:]) + end


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["heading", "para", "bullets", "numbers", "code", "inline"]))
    if kind == "heading":
        level = draw(st.integers(1, 6))
        return "#" * level + " " + draw(sentences()).rstrip(".?!:")
    if kind == "para":
        return " ".join(draw(st.lists(sentences(), min_size=1, max_size=5)))
    if kind == "bullets":
        marker = draw(st.sampled_from(["-", "*", "+"]))
        return "\n".join(f"{marker} {s}" for s in draw(st.lists(sentences(), min_size=1)))
    if kind == "numbers":
        items = draw(st.lists(sentences(), min_size=1, max_size=5))
        return "\n".join(f"{i}. {s}" for i, s in enumerate(items, start=1))
    anything = st.text(alphabet=st.characters(blacklist_characters="`\r"), max_size=40)
    if kind == "code":
        return "```\n" + draw(anything).replace("\x85", "") + "\n```"
    return draw(sentences()) + " `" + draw(anything).replace("\n", " ") + "` " + draw(sentences())


@settings(max_examples=150, deadline=None)
@given(st.lists(blocks(), min_size=1, max_size=8))
def test_generated_good_markdown_comes_back_unchanged(parts):
    document = "\n\n".join(parts)
    assert readable_markdown(document) == document


markdownish = st.text(alphabet="#*-.:!?`()[]|> \n\tabcTThisAB12_~", max_size=120)


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_repair_is_idempotent_and_only_adds_line_breaks(text):
    once = readable_markdown(text)
    assert readable_markdown(once) == once
    assert re.sub(r"\s", "", once) == re.sub(r"\s", "", text)


def test_display_drops_scripts_and_escapes_html_but_keeps_code():
    text = (
        "Intro <script>alert('x')</script> and <b>bold</b>.\n\n"
        "```html\n<script>shown as code</script>\n```\n\n"
        "Inline `<script>` too. <iframe src='https://evil'></iframe>"
    )
    shown = display_markdown(text)
    assert "alert" not in shown and "iframe" not in shown
    assert "\\<b>bold\\</b>" in shown
    assert "<script>shown as code</script>" in shown
    assert "`<script>`" in shown


def test_display_keeps_only_media_images(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    name = "a" * 64 + ".png"
    (media / name).write_bytes(png(2, 2))
    text = (
        f"![diagram]({MEDIA_SCHEME}{name}) ![remote](https://example.com/x.png) "
        f"![local](/etc/passwd) ![gone]({MEDIA_SCHEME}{'b' * 64}.png) "
        "[run](javascript:alert(1)) [site](https://example.com)"
    )
    shown = display_markdown(text, media)
    assert f"![diagram]({(media / name).resolve().as_uri()})" in shown
    assert "[Image (not loaded): remote](https://example.com/x.png)" in shown
    assert "*[Image not available: local]*" in shown
    assert "*[Image not available: gone]*" in shown
    assert "javascript" not in shown and "run" in shown
    assert "[site](https://example.com)" in shown


def test_qt_renders_it_without_loading_anything_from_outside(qapp, tmp_path):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QPainter, QTextDocument

    media = tmp_path / "media"
    media.mkdir()
    name = "c" * 64 + ".png"
    (media / name).write_bytes(png(4, 4))
    requested: list[str] = []

    class Recording(QTextDocument):
        def loadResource(self, kind: int, url: QUrl):
            requested.append(url.toString())
            return super().loadResource(kind, url)

    text = (
        (real_exposition() if RECONSTRUCTED.is_file() else "# Title\n\nText.")
        + f"\n\n![ok]({MEDIA_SCHEME}{name})\n\n![bad](https://example.com/a.png)\n\n"
        + (
            "<img src='https://example.com/b.png'> <script>alert(1)</script>\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n"
        )
    )
    document = Recording()
    # HTML is left on here: the text must be safe even if the view forgot MarkdownNoHTML.
    document.setMarkdown(display_markdown(text, media, TITLE))
    image = QImage(800, 600, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    document.setTextWidth(800)
    document.drawContents(painter)
    painter.end()
    html = document.toHtml()
    assert requested == [(media / name).resolve().as_uri()]
    assert "<script" not in html and "alert(1)" not in html
    assert "<table" in html
    assert document.toPlainText().startswith(TITLE) or not RECONSTRUCTED.is_file()
