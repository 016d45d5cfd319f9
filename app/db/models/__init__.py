"""Typed models, one module per domain. Importing this package registers every table."""

from app.db.models.assessments import (
    QuestionAttempt,
    QuestionBlock,
    QuestionBlockEvent,
    QuestionBlueprint,
    QuestionUsage,
)
from app.db.models.courses import (
    Course,
    CourseModule,
    Lesson,
    LessonContent,
    LessonEvent,
    PlacementCheck,
)
from app.db.models.flashcards import (
    Card,
    CardReview,
    CardReviewUndo,
    CardTag,
    Deck,
    SchedulerConfig,
)
from app.db.models.imports import ImportSource, LegacyDocument
from app.db.models.notes import Note, Notebook, NoteLink, NoteTag, NoteVersion
from app.db.models.planner import PlanScope, PlanTick, StudyPlan
from app.db.models.questions import Question, QuestionTag
from app.db.models.settings import ProfileSetting
from app.db.models.sync import (
    SyncClock,
    SyncCursor,
    SyncMedia,
    SyncOutbox,
    SyncPending,
    SyncRowClock,
    SyncState,
)
from app.db.models.tags import Tag
from app.db.models.videos import (
    Playlist,
    PlaylistItem,
    Video,
    VideoBookmark,
    VideoFile,
    VideoTag,
    VideoWatchInterval,
)

__all__ = [
    "Card",
    "CardReview",
    "CardReviewUndo",
    "CardTag",
    "Course",
    "CourseModule",
    "Deck",
    "ImportSource",
    "LegacyDocument",
    "Lesson",
    "LessonContent",
    "LessonEvent",
    "Note",
    "NoteLink",
    "NoteTag",
    "NoteVersion",
    "Notebook",
    "PlacementCheck",
    "PlanScope",
    "PlanTick",
    "Playlist",
    "PlaylistItem",
    "ProfileSetting",
    "Question",
    "QuestionAttempt",
    "QuestionBlock",
    "QuestionBlockEvent",
    "QuestionBlueprint",
    "QuestionTag",
    "QuestionUsage",
    "SchedulerConfig",
    "StudyPlan",
    "SyncClock",
    "SyncCursor",
    "SyncMedia",
    "SyncOutbox",
    "SyncPending",
    "SyncRowClock",
    "SyncState",
    "Tag",
    "Video",
    "VideoBookmark",
    "VideoFile",
    "VideoTag",
    "VideoWatchInterval",
]
