"""Shared by the notes-core tests: the things notes link to (a lesson, a deck with a card, a
question, a video with a bookmark), made in a real profile."""

from __future__ import annotations

from app.db.database import ProfileDatabase
from app.db.models import Card, Course, CourseModule, Deck, Lesson, Question, Video, VideoBookmark
from app.db.types import new_id


def make_targets(database: ProfileDatabase) -> dict[str, str]:
    """A lesson, a deck with a card, a question and a video with a bookmark at 83.5 s: their ids."""
    ids = {k: new_id() for k in ("course", "module", "lesson", "deck", "card", "question", "video")}
    with database.write_session() as session:
        session.add(Course(id=ids["course"], topic="Cardiology"))
        session.flush()
        session.add(
            CourseModule(id=ids["module"], course_id=ids["course"], position=0, title="Heart")
        )
        session.flush()
        session.add(
            Lesson(
                id=ids["lesson"], module_id=ids["module"], course_id=ids["course"], position=0,
                title="The cardiac cycle",
            )
        )  # fmt: skip
        session.add(Deck(id=ids["deck"], name="Cardio"))
        session.flush()
        session.add(
            Card(
                id=ids["card"], deck_id=ids["deck"], front="What is **S1**?", back="Mitral closing"
            )
        )
        session.add(
            Question(
                id=ids["question"], legacy_id="q-17", stem="A 54-year-old man with chest pain...",
                choices=[], answer="A", explanation={},
            )
        )  # fmt: skip
        session.add(
            Video(
                id=ids["video"], fingerprint="f" * 16, title="Heart sounds", file_name="h.mp4",
                duration_s=300.0, size_bytes=10, has_video=True,
            )
        )  # fmt: skip
        session.flush()
        session.add(VideoBookmark(video_id=ids["video"], at_s=83.5, label="S2 split", note=""))
    return ids
