"""Courses and lessons, without Qt: the library, a course's outline, the lesson reader's data,
the lesson log (status and score derived from it), placement checks, notes from lessons and the
sample course.

The GUI and the commands call the actions (`lesson_actions`, `card_from_check`) and reads
(`course_reads`, `lesson_reading`): each takes the open profile database and owns its session.
The other modules are their parts: functions over a SQLAlchemy Session in the caller's
transaction, whose writes return `Change` flags naming the kinds touched: COURSES and LESSONS
(content imported or removed), LESSON_PROGRESS (the lesson log), PLACEMENT, NOTES. Hand-written
SQL is declared in `courses_sql`.
"""
