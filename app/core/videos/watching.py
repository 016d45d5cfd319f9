"""What the learner watched: the append-only interval log, the position to resume from, completion
and watch time per day.

The player appends an interval each time playing stops (pause, seek, end, leaving the video, or
every half minute while it plays), with the media start and end, the speed and the wall-clock
time it took. An interval that covers more media than its wall-clock time allows (a drag to the
end, a clock left running while paused) is refused. The video's watched seconds are the union of
its intervals (cached on the row, rebuilt from the log after a merge); it is complete when they
reach the profile's threshold (90% unless set), and the first completion is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.study_day import StudyDay, day_shift_seconds
from app.core.videos.bookmarks import clock
from app.core.videos.intervals import DEFAULT_COMPLETE_AT, covered_seconds, merged, plausible
from app.db.database import ProfileDatabase
from app.db.models import ProfileSetting
from app.db.models.videos import Video, VideoWatchInterval
from app.db.types import utcnow
from app.errors import UserError

COMPLETE_AT_SETTING = "videos.complete_at"


@dataclass(frozen=True)
class Watched:
    video_id: str
    watched_s: float
    duration_s: float
    completed: bool
    completed_now: bool  # this interval completed it
    changes: Change


def completion_threshold(session: Session) -> float:
    """The share of a video's duration that counts as complete (a profile setting)."""
    row = session.get(ProfileSetting, COMPLETE_AT_SETTING)
    value = row.value if row is not None else None
    if isinstance(value, int | float) and 0.1 <= value <= 1.0:
        return float(value)
    return DEFAULT_COMPLETE_AT


def completion_threshold_of(database: ProfileDatabase) -> float:
    """The profile's completion threshold (a share of the duration, 0.5 to 1.0)."""
    with database.read_session() as session:
        return completion_threshold(session)


def set_completion_threshold(database: ProfileDatabase, fraction: float) -> Change:
    """Set the share that counts as complete (0.5 to 1.0), in one transaction. Raises UserError
    outside it. Videos already completed stay completed (the first completion is kept); videos
    whose watched share reaches a lower threshold are completed now, as a merge would."""
    if not 0.5 <= fraction <= 1.0:
        raise UserError("A video counts as complete at 50% to 100% of it watched.")
    with database.write_session() as session:
        row = session.get(ProfileSetting, COMPLETE_AT_SETTING)
        if row is None:
            session.add(ProfileSetting(key=COMPLETE_AT_SETTING, value=fraction))
        else:
            row.value = fraction
        session.flush()
        reached = session.scalars(
            select(Video.id).where(
                Video.deleted_at.is_(None),
                Video.completed_at.is_(None),
                Video.duration_s > 0,
                Video.watched_s >= Video.duration_s * fraction - 1e-9,
            )
        ).all()
        rebuild_watched(session, reached)
    return Change.SETTINGS | Change.WATCHING


def _live_video(session: Session, video_id: str) -> Video:
    video = session.get(Video, video_id)
    if video is None or video.deleted_at is not None:
        raise UserError("That video is no longer in the library.")
    return video


def intervals_of(session: Session, video_id: str) -> list[tuple[float, float]]:
    rows = session.execute(
        select(VideoWatchInterval.start_s, VideoWatchInterval.end_s).where(
            VideoWatchInterval.video_id == video_id
        )
    )
    return [(start, end) for start, end in rows]


def watched_ranges_in(session: Session, video_id: str) -> list[tuple[float, float]]:
    """The union of the video's watched intervals, sorted (the seek bar shows these)."""
    return merged(intervals_of(session, video_id))


def _refresh_watched(session: Session, video: Video, when: datetime) -> bool:
    """Recompute the cache and the completion from the log; True if it completed now."""
    video.watched_s = covered_seconds(intervals_of(session, video.id), video.duration_s)
    threshold = completion_threshold(session)
    if (
        video.completed_at is None
        and video.duration_s > 0
        and video.watched_s >= threshold * video.duration_s - 1e-9
    ):
        video.completed_at = when
        return True
    return False


def record_interval(
    database: ProfileDatabase,
    video_id: str,
    start_s: float,
    end_s: float,
    *,
    speed: float = 1.0,
    started_at: datetime | None = None,
    wall_s: float | None = None,
    position_s: float | None = None,
    now: datetime | None = None,
) -> Watched:
    """Append one watched interval (media `start_s`..`end_s` played at `speed`, begun at
    `started_at` and lasting `wall_s` seconds of wall-clock time; by default it just ended
    now at that speed) and update the video's progress, in one write transaction.

    `position_s` also saves where to resume (else the interval's end). Raises UserError, having
    written nothing, for an empty or reversed interval, a time past the end of the video, or
    an interval longer than its wall-clock time allows."""
    now = now or utcnow()
    if speed <= 0 or speed > 4:
        raise UserError("A watched interval's speed must be between 0 and 4.")
    if end_s <= start_s or start_s < 0:
        raise UserError("A watched interval needs a start before its end (in seconds, from 0).")
    if wall_s is None:
        wall_s = (end_s - start_s) / speed
    if started_at is None:
        started_at = now - timedelta(seconds=wall_s)
    if not plausible(start_s, end_s, speed, wall_s):
        raise UserError(
            "That interval covers more of the video than the time it took allows; only what "
            "was played counts."
        )
    with database.write_session() as session:
        video = _live_video(session, video_id)
        if video.duration_s > 0 and start_s >= video.duration_s:
            raise UserError(
                f"The video is {clock(video.duration_s)} long; {clock(start_s)} is past its end."
            )
        session.add(
            VideoWatchInterval(
                video_id=video_id,
                start_s=start_s,
                end_s=end_s,
                speed=speed,
                started_at=started_at,
                wall_s=wall_s,
                created_at=now,
            )
        )
        session.flush()
        ended_at = started_at + timedelta(seconds=wall_s)
        completed_now = _refresh_watched(session, video, ended_at)
        resume = end_s if position_s is None else position_s
        video.last_position_s = max(0.0, min(resume, video.duration_s or resume))
        video.furthest_position_s = max(
            video.furthest_position_s, min(end_s, video.duration_s or end_s)
        )
        video.last_watched_at = max(video.last_watched_at or ended_at, ended_at)
        video.updated_at = now
        return Watched(
            video_id, video.watched_s, video.duration_s, video.completed_at is not None,
            completed_now, Change.WATCHING,
        )  # fmt: skip


def set_last_position(
    database: ProfileDatabase, video_id: str, position_s: float, now: datetime | None = None
) -> Change:
    """Where to resume the video (last writer wins). Raises UserError if the video is gone."""
    now = now or utcnow()
    with database.write_session() as session:
        video = _live_video(session, video_id)
        end = video.duration_s or position_s
        video.last_position_s = max(0.0, min(position_s, end))
        video.last_watched_at = max(video.last_watched_at or now, now)
        video.updated_at = now
    return Change.WATCHING


def rebuild_watched(session: Session, video_ids: Iterable[str]) -> None:
    """Recompute watched seconds and completion of these videos from the log, in the caller's
    transaction (after merging another device's intervals)."""
    for video_id in video_ids:
        video = session.get(Video, video_id)
        if video is None:
            continue
        intervals = session.execute(
            select(VideoWatchInterval.started_at, VideoWatchInterval.wall_s)
            .where(VideoWatchInterval.video_id == video_id)
            .order_by(VideoWatchInterval.started_at)
        ).all()
        ended = [started + timedelta(seconds=wall) for started, wall in intervals]
        _refresh_watched(session, video, max(ended) if ended else utcnow())


@dataclass(frozen=True)
class DayWatchTime:
    day: date
    seconds: float


def watch_time_per_day(
    database: ProfileDatabase, now: datetime, days: int = 30
) -> tuple[DayWatchTime, ...]:
    """Wall-clock seconds spent watching on each of the last `days` study days (4 am to 4 am in
    the zone `now` carries), oldest first, days without watching included."""
    today = StudyDay.of(now)
    first = today.plus(-(days - 1))
    shift = timedelta(seconds=day_shift_seconds(now))
    with database.read_session() as session:
        rows = session.execute(
            select(VideoWatchInterval.started_at, VideoWatchInterval.wall_s).where(
                VideoWatchInterval.started_at >= first.start,
                VideoWatchInterval.started_at < today.end,
            )
        ).all()
    totals: dict[date, float] = defaultdict(float)
    for started_at, wall_s in rows:
        totals[(started_at.astimezone(UTC) + shift).date()] += wall_s
    return tuple(
        DayWatchTime(first.day + timedelta(days=n), totals.get(first.day + timedelta(days=n), 0.0))
        for n in range(days)
    )
