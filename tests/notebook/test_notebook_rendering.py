"""Note markdown rendered for the preview: hostile text is shown, never run or fetched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.core.flashcards.media import media_link, store_media
from app.core.notes.rendering import PREVIEW_LIMIT, render_note

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_script_tags_and_raw_html_show_as_text() -> None:
    shown = render_note(
        "# Title <script>alert(1)</script>\n\n<script>\nalert(2)\n</script>\n\n"
        '<img src="x" onerror="alert(3)">\n\n<iframe src="https://evil.example"></iframe>\n'
        "<style>body { display: none }</style>\n"
    )
    assert "<script" not in shown and "<img" not in shown and "<iframe" not in shown
    assert "<style" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert 'onerror="' not in shown and "&lt;img src=&quot;x&quot; onerror" in shown


def test_javascript_and_other_schemes_lose_their_target_but_keep_their_label() -> None:
    shown = render_note(
        "[click](javascript:alert(1)) [up](JaVaScRiPt:alert(1)) [vb](vbscript:x) "
        "[local](file:///etc/passwd) [data](data:text/html,<b>x</b>) <javascript:alert(2)>"
    )
    assert "href" not in shown
    assert "click" in shown and "up" in shown and "local" in shown


def test_web_mail_anchor_and_studydesk_links_are_kept() -> None:
    shown = render_note(
        "[web](https://example.org/a) [mail](mailto:a@b.c) [here](#top) "
        "[Cardiac cycle](studydesk:note/0191) [at 1:23](studydesk:video/v1?t=83.5)"
    )
    assert 'href="https://example.org/a"' in shown and 'href="mailto:a@b.c"' in shown
    assert 'href="#top"' in shown
    assert 'href="studydesk:note/0191"' in shown and 'href="studydesk:video/v1?t=83.5"' in shown


def test_a_link_to_a_deleted_target_is_marked() -> None:
    shown = render_note(
        "[Gone](studydesk:card/c1) [Here](studydesk:card/c2)", missing={"studydesk:card/c1"}
    )
    gone = shown[shown.index("studydesk:card/c1") :]
    assert "line-through" in gone.split("</a>")[0]
    assert "line-through" not in shown[shown.index("studydesk:card/c2") :].split("</a>")[0]


def test_remote_images_become_links_and_are_never_fetched(tmp_path: Path) -> None:
    shown = render_note(
        "![chart](https://cdn.example/chart.png) ![x](http://a.b/c.gif) ![y](../../etc/img.png) "
        "![z](data:image/png;base64,AAAA)",
        tmp_path,
    )
    assert "<img" not in shown
    assert '<a href="https://cdn.example/chart.png">Image (not loaded): chart</a>' in shown
    assert "Image not available: y" in shown and "Image not available: z" in shown


def test_images_from_the_media_folder_show(tmp_path: Path) -> None:
    media = tmp_path / "media"
    name = store_media(media, PNG)
    shown = render_note(
        f"{media_link(name, 'diagram')}\n![no](studydesk-media:{'0' * 64}.png)", media
    )
    assert f'<img src="{(media / name).resolve().as_uri()}" alt="diagram" />' in shown
    assert shown.count("<img") == 1 and "Image not available: no" in shown


def test_markdown_extras_render_without_raw_html() -> None:
    shown = render_note(
        "---\ntags: [cardio]\n---\n- [ ] to do\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Text[^1] ~~old~~\n\n[^1]: A footnote\n"
    )
    assert "tags:" not in shown and "<input" not in shown
    assert "\u2610 to do" in shown and "\u2611 done" in shown
    assert "<table>" in shown and "<s>old</s>" in shown and "A footnote" in shown


@pytest.mark.timed
def test_a_10_mb_note_renders_its_first_part_and_says_so() -> None:
    body = (
        "## Heading\n\nSome *text* and [a link](studydesk:note/1) <script>x</script>\n\n"
    ) * 150_000
    assert len(body) > 10_000_000
    started = time.perf_counter()
    shown = render_note(body)
    took = time.perf_counter() - started
    assert "the editor has all of it" in shown and "<script" not in shown
    assert shown.count("<h2>") < PREVIEW_LIMIT // 50
    assert took < 5, took


def test_an_attachment_links_to_its_file_in_the_media_folder(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    name = "a" * 64 + ".pdf"
    (media / name).write_bytes(b"%PDF-1.4\n")
    shown = render_note(
        f"[scan](studydesk-media:{name}) [gone](studydesk-media:{'b' * 64}.pdf) "
        f"[odd](studydesk-media:../{name})",
        media,
    )
    assert f'<a href="{(media / name).resolve().as_uri()}"' in shown and ">scan</a>" in shown
    assert "gone" in shown and "not available" in shown  # its label, struck through
    assert shown.count("<a ") == 1  # nothing outside the media folder is linked
