"""Sidecar subtitles, the sample video, and a flashcard from a moment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from video_clips import added_video

from app.core.changes import Change
from app.core.flashcards.from_video import make_card_from_video_moment, moment_of
from app.core.samples import load_sample_content, remove_sample_content
from app.core.videos.bookmarks import bookmarks_of
from app.core.videos.files import check_file
from app.core.videos.library import library
from app.core.videos.subtitles import read_subtitles, sidecar_files
from app.db.database import ProfileDatabase
from app.db.models import Card
from app.errors import UserError
from app.features import install_samples
from app.paths import resources_dir

SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nFirst <i>line</i>\n\n"
    "2\n00:00:04,000 --> 00:00:05,000\nSecond\n"
)
VTT = (
    "WEBVTT\n\nNOTE a comment\n\n00:01.000 --> 00:02.000 align:start\nHéllo\n\n"
    "cue-2\n00:00:03.000 --> 00:00:04.000\nTwo\n"
)


def test_sidecar_files_are_found_beside_the_video(tmp_path: Path) -> None:
    video = tmp_path / "Lecture 1.mp4"
    video.write_bytes(b"x")
    for name in ("Lecture 1.srt", "Lecture 1.en.vtt", "Lecture 10.srt", "Other.srt"):
        (tmp_path / name).write_text(SRT)
    assert [p.name for p in sidecar_files(video)] == ["Lecture 1.en.vtt", "Lecture 1.srt"]


def test_srt_and_vtt_cues_are_read(tmp_path: Path) -> None:
    srt = tmp_path / "a.srt"
    srt.write_text(SRT, encoding="utf-8")
    subtitles = read_subtitles(srt)
    assert subtitles.text_at(2.0) == "First line" and subtitles.text_at(3.7) == ""
    assert subtitles.warning == ""
    vtt = tmp_path / "a.vtt"
    vtt.write_bytes(b"\xef\xbb\xbf" + VTT.encode("utf-8"))  # with a byte-order mark
    read = read_subtitles(vtt)
    assert [(c.start_s, c.text) for c in read.cues] == [(1.0, "Héllo"), (3.0, "Two")]


def test_a_wrong_encoding_is_read_and_said(tmp_path: Path) -> None:
    latin = tmp_path / "fr.srt"
    latin.write_bytes(SRT.replace("First", "Première").encode("cp1252"))
    subtitles = read_subtitles(latin)
    assert subtitles.text_at(2.0) == "Première line"
    assert subtitles.warning == "fr.srt: it is not UTF-8, so it was read as Windows-1252."
    utf16 = tmp_path / "u.srt"
    utf16.write_bytes(SRT.encode("utf-16"))
    assert read_subtitles(utf16).text_at(4.5) == "Second"


def test_malformed_subtitles_keep_what_can_be_read_or_are_refused_by_name(tmp_path: Path) -> None:
    partly = tmp_path / "partly.srt"
    partly.write_text(SRT + "\n3\n00:00:09 -> nonsense\nBroken\n\n4\nno timing here\n")
    subtitles = read_subtitles(partly)
    assert len(subtitles.cues) == 2 and subtitles.skipped == 2
    assert "2 cues could not be read" in subtitles.warning
    garbage = tmp_path / "garbage.vtt"
    garbage.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(UserError, match=r"garbage\.vtt holds no subtitles"):
        read_subtitles(garbage)
    with pytest.raises(UserError, match="could not be read"):
        read_subtitles(tmp_path / "absent.srt")


def test_the_sample_video_is_small_has_two_bookmarks_and_goes_with_the_samples(
    database: ProfileDatabase,
) -> None:
    folder = resources_dir() / "sample" / "videos"
    clip = folder / "study-desk-sample.mp4"
    assert clip.stat().st_size < 1_000_000
    install_samples()
    with database.write_session() as session:
        changes = load_sample_content(session)
    assert changes & Change.VIDEOS
    (row,) = library(database).rows
    assert (row.title, row.duration_s, row.missing) == ("Welcome to Videos", 18.0, False)
    assert [b.label for b in bookmarks_of(database, row.id)] == ["Bookmarks", "Keys"]
    assert check_file(database, row.id).playable
    assert [p.name for p in sidecar_files(clip)] == ["study-desk-sample.srt"]
    with database.write_session() as session:
        remove_sample_content(session)
    assert library(database).rows == ()


def test_a_flashcard_from_a_moment_shows_the_frame_and_links_back(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    video_id = added_video(database, tmp_path, "Heart sounds")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    media = tmp_path / "media"
    made = make_card_from_video_moment(
        database, media, video_id, 83.25, "S3 gallop", "Heard in **heart failure**", png
    )
    assert made.created and made.changes & Change.CARDS and made.changes & Change.DECKS
    again = make_card_from_video_moment(database, media, video_id, 83.25, "S3 gallop", "", png)
    assert again.card_id == made.card_id and not again.created
    with database.read_session() as session:
        card = session.scalars(select(Card).where(Card.id == made.card_id)).one()
    assert "![S3 gallop](studydesk-media:" in card.front and "S3 gallop" in card.front
    assert "*Heart sounds, 1:23*" in card.front
    assert card.back == "Heard in **heart failure**"
    moment = moment_of(card.source_kind, card.source_id, card.source_anchor)
    assert moment is not None and (moment.video_id, moment.seconds) == (video_id, 83.25)
    assert len(list(media.iterdir())) == 1
    with pytest.raises(UserError):
        make_card_from_video_moment(database, media, "gone", 1.0, "x")
