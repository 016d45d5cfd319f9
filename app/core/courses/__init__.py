"""Courses and lessons, without Qt: the library, a course's outline, the lesson reader's data,
the lesson log (status and score derived from it), placement checks, notes from lessons and the
sample course.

Every function takes a SQLAlchemy Session and plain values and returns frozen dataclasses;
writes happen in the caller's transaction and return `Change` flags naming the kinds touched:
"courses" and "lessons" (content imported or removed), "lesson_progress" (the lesson log),
"placement", "notes".
"""
