"""The planner's hand-written reads: what is left of each scope and what the logs say was done.

Plain SQL because a plan reads a whole collection at once (100,000 cards, 20,000 questions) and
must be computed again within half a second; each statement is declared with `statement` so
`tests/db/test_plain_sql.py` EXPLAINs it against the head schema. Times are compared as the
stored UTC text (`db_time`); `:t0` is the Julian day of the start of today's study day.
"""

from __future__ import annotations

from app.db.plain_sql import statement

AT = "2026-01-01T00:00:00.000000Z"

COURSE_LESSONS = statement(
    "planner.course_lessons",
    "SELECT l.id AS id, l.title AS title, l.duration AS duration, m.position AS module_position, "
    "l.position AS position FROM lessons l JOIN course_modules m ON m.id = l.module_id "
    "WHERE l.course_id = ? AND l.deleted_at IS NULL AND m.deleted_at IS NULL "
    "ORDER BY m.position, l.position",
    example=("c",),
)

LESSONS_COMPLETED = statement(
    "planner.lessons_completed",
    "SELECT lesson_id AS lesson_id, MIN(occurred_at) AS completed_at FROM lesson_events "
    "WHERE course_id = ? AND (kind = 'completed' OR (kind = 'status' AND status = 'completed')) "
    "GROUP BY lesson_id",
    example=("c",),
)

LESSON_PACE = statement(
    "planner.lesson_pace",
    "SELECT lesson_id AS lesson_id, kind AS kind, occurred_at AS occurred_at FROM lesson_events "
    "WHERE kind IN ('opened', 'completed') ORDER BY occurred_at DESC LIMIT 2000",
)

PLAYLIST_VIDEOS = statement(
    "planner.playlist_videos",
    "SELECT v.id AS id, v.title AS title, v.duration_s AS duration_s, v.watched_s AS watched_s, "
    "v.completed_at AS completed_at FROM playlist_items p JOIN videos v ON v.id = p.video_id "
    "WHERE p.playlist_id = ? AND p.deleted_at IS NULL AND v.deleted_at IS NULL "
    "ORDER BY p.position, v.title",
    example=("p",),
)

FOLDER_VIDEOS = statement(
    "planner.folder_videos",
    "SELECT v.id AS id, v.title AS title, v.duration_s AS duration_s, v.watched_s AS watched_s, "
    "v.completed_at AS completed_at FROM video_files f JOIN videos v ON v.id = f.video_id "
    "WHERE (f.folder = :folder OR f.folder LIKE :below) AND v.deleted_at IS NULL "
    "ORDER BY f.path",
    example={"folder": "/v", "below": "/v/%"},
)

WATCHED_SINCE = statement(
    "planner.watched_since",
    "SELECT video_id AS video_id, SUM(end_s - start_s) AS seconds FROM video_watch_intervals "
    "WHERE started_at >= ? GROUP BY video_id",
    example=(AT,),
)

WATCH_SPEED = statement(
    "planner.watch_speed",
    "SELECT speed AS speed, end_s - start_s AS seconds FROM video_watch_intervals "
    "ORDER BY started_at DESC LIMIT 500",
)

QUESTIONS_IN_SCOPE = statement(
    "planner.questions_in_scope",
    "SELECT COUNT(*) AS total, SUM(NOT EXISTS (SELECT 1 FROM question_attempts a "
    "WHERE a.question_id = q.id AND a.answered_at < :before)) AS unused FROM questions q "
    "WHERE q.deleted_at IS NULL AND (:subject IS NULL OR q.subject = :subject) "
    "AND (:system IS NULL OR q.system = :system)",
    example={"before": AT, "subject": "s", "system": None},
)

QUESTIONS_ANSWERED = statement(
    "planner.questions_answered",
    "SELECT COUNT(DISTINCT a.question_id) AS answered FROM question_attempts a "
    "JOIN questions q ON q.id = a.question_id WHERE a.answered_at >= :since "
    "AND a.answered_at < :before AND (:subject IS NULL OR q.subject = :subject) "
    "AND (:system IS NULL OR q.system = :system)",
    example={"since": AT, "before": AT, "subject": "s", "system": None},
)

QUESTION_PACE = statement(
    "planner.question_pace",
    "SELECT AVG(MIN(time_ms, 600000)) AS mean_ms, COUNT(*) AS n FROM (SELECT time_ms "
    "FROM question_attempts WHERE time_ms > 0 ORDER BY answered_at DESC LIMIT 500)",
)

DECKS = statement(
    "planner.decks",
    "SELECT id AS id, name AS name, parent_id AS parent_id, deleted_at AS deleted_at, "
    "scheduler AS scheduler, desired_retention AS desired_retention, "
    "learning_steps AS learning_steps, relearning_steps AS relearning_steps, "
    "new_per_day AS new_per_day, maximum_interval AS maximum_interval, "
    "fsrs_parameters AS fsrs_parameters FROM decks",
)

NEW_CARDS = statement(
    "planner.new_cards",
    "SELECT COUNT(*) AS n FROM cards WHERE queue = 0 AND deck_id IN ({decks})",
    example=("d", "e"),
    lists={"decks": 2},
)

NEW_CARDS_STARTED = statement(
    "planner.new_cards_started",
    "SELECT COUNT(DISTINCT card_id) AS n FROM card_reviews WHERE state_before = 0 "
    "AND reviewed_at >= ? AND reviewed_at < ? AND deck_id IN ({decks})",
    example=(AT, AT, "d", "e"),
    lists={"decks": 2},
)

# Every studied card due before the horizon: its first due day from today (overdue: 0), its
# memory state and the days since its last review on that day. The table is scanned (NOT
# INDEXED): reading most of the cards through the queue index costs a page read per row
# (0.5 s for 75,000 cards, against 0.15 s in table order).
STUDIED_CARDS = statement(
    "planner.studied_cards",
    "SELECT deck_id AS deck_id, MAX(0, CAST(julianday(due) - :t0 AS INTEGER)) AS day, "
    "COALESCE(stability, MAX(interval_days, 1)) AS stability, COALESCE(difficulty, 5.0) "
    "AS difficulty, :t0 + MAX(0, CAST(julianday(due) - :t0 AS INTEGER)) "
    "- julianday(COALESCE(last_review, due)) AS elapsed FROM cards NOT INDEXED "
    "WHERE queue IN (1, 2) AND due < :until",
    example={"t0": 2461041.5, "until": AT},
)

REVIEW_PACE = statement(
    "planner.review_pace",
    "SELECT AVG(MIN(duration_ms, 60000)) AS mean_ms, COUNT(*) AS n FROM (SELECT duration_ms "
    "FROM card_reviews WHERE duration_ms > 0 ORDER BY reviewed_at DESC LIMIT 1000)",
)

DUE_BEFORE = statement(
    "planner.due_before",
    "SELECT deck_id AS deck_id, COUNT(*) AS n FROM cards WHERE queue IN (1, 2) AND due < ? "
    "GROUP BY deck_id",
    example=(AT,),
)

REVIEWED_SINCE = statement(
    "planner.reviewed_since",
    "SELECT deck_id AS deck_id, SUM(state_before <> 0) AS reviews, SUM(state_before = 0) AS "
    "started FROM (SELECT deck_id, state_before FROM card_reviews WHERE reviewed_at >= ? "
    "AND id NOT IN (SELECT review_id FROM card_review_undos)) GROUP BY deck_id",
    example=(AT,),
)

TICKS = statement(
    "planner.ticks",
    "SELECT task_key AS task_key, day AS day, units AS units, undo AS undo, "
    "ticked_at AS ticked_at, id AS id FROM planner_ticks WHERE plan_id = ? "
    "ORDER BY ticked_at, id",
    example=("p",),
)

LATEST_ACTIVITY = statement(
    "planner.latest_activity",
    "SELECT MAX(at) AS at FROM (SELECT MAX(reviewed_at) AS at FROM card_reviews "
    "UNION ALL SELECT MAX(occurred_at) FROM lesson_events "
    "UNION ALL SELECT MAX(started_at) FROM video_watch_intervals "
    "UNION ALL SELECT MAX(answered_at) FROM question_attempts "
    "UNION ALL SELECT MAX(ticked_at) FROM planner_ticks)",
)

# What the cards' forecast depends on: an edit, a deck's settings, an answer or its undo.
CARDS_STAMP = statement(
    "planner.cards_stamp",
    "SELECT (SELECT MAX(updated_at) FROM cards) AS cards, (SELECT MAX(updated_at) FROM decks) "
    "AS decks, (SELECT MAX(rowid) FROM card_reviews) AS reviews, "
    "(SELECT MAX(rowid) FROM card_review_undos) AS undos",
)

# Minutes done per study day since a time, from each log (`:shift` moves a UTC time to its study
# day, e.g. '-10800 seconds'): reviews and answers by their measured time, watching by its wall
# time, lessons by their count (the caller gives each its minutes).
DONE_REVIEWS = statement(
    "planner.done_reviews",
    "SELECT date(reviewed_at, :shift) AS day, SUM(MIN(duration_ms, 60000)) / 60000.0 AS minutes "
    "FROM card_reviews WHERE reviewed_at >= :since GROUP BY 1",
    example={"shift": "+0 seconds", "since": AT},
)

DONE_QUESTIONS = statement(
    "planner.done_questions",
    "SELECT date(answered_at, :shift) AS day, SUM(MIN(time_ms, 600000)) / 60000.0 AS minutes "
    "FROM question_attempts WHERE answered_at >= :since GROUP BY 1",
    example={"shift": "+0 seconds", "since": AT},
)

DONE_WATCHING = statement(
    "planner.done_watching",
    "SELECT date(started_at, :shift) AS day, SUM(MIN(wall_s, 14400)) / 60.0 AS minutes "
    "FROM video_watch_intervals WHERE started_at >= :since GROUP BY 1",
    example={"shift": "+0 seconds", "since": AT},
)

DONE_LESSONS = statement(
    "planner.done_lessons",
    "SELECT date(occurred_at, :shift) AS day, COUNT(DISTINCT lesson_id) AS lessons "
    "FROM lesson_events WHERE occurred_at >= :since AND kind = 'completed' GROUP BY 1",
    example={"shift": "+0 seconds", "since": AT},
)

# The name of what a scope item covers (None when it is gone).
COURSE_NAME = statement(
    "planner.course_name",
    "SELECT topic AS name FROM courses WHERE id = ? AND deleted_at IS NULL",
    example=("c",),
)
PLAYLIST_NAME = statement(
    "planner.playlist_name",
    "SELECT name AS name FROM playlists WHERE id = ? AND deleted_at IS NULL",
    example=("p",),
)
DECK_NAME = statement(
    "planner.deck_name",
    "SELECT name AS name FROM decks WHERE id = ? AND deleted_at IS NULL",
    example=("d",),
)

LESSONS_DONE_SINCE = statement(
    "planner.lessons_done_since",
    "SELECT DISTINCT lesson_id AS lesson_id FROM lesson_events WHERE lesson_id IN ({lessons}) "
    "AND occurred_at >= ? AND (kind = 'completed' OR status = 'completed')",
    example=("l", "m", AT),
    lists={"lessons": 2},
)
VIDEOS_DONE_SINCE = statement(
    "planner.videos_done_since",
    "SELECT id AS id FROM videos WHERE id IN ({videos}) AND completed_at >= ?",
    example=("v", "w", AT),
    lists={"videos": 2},
)
LESSON_DONE = statement(
    "planner.lesson_done",
    "SELECT 1 AS done FROM lesson_events WHERE lesson_id = ? AND (kind = 'completed' "
    "OR (kind = 'status' AND status = 'completed')) LIMIT 1",
    example=("l",),
)
VIDEO_COMPLETED = statement(
    "planner.video_completed",
    "SELECT completed_at AS completed_at FROM videos WHERE id = ?",
    example=("v",),
)
VIDEO_INTERVALS = statement(
    "planner.video_intervals",
    "SELECT start_s AS start_s, end_s AS end_s FROM video_watch_intervals WHERE video_id = ?",
    example=("v",),
)
LATEST_TICK = statement("planner.latest_tick", "SELECT MAX(created_at) AS at FROM planner_ticks")
