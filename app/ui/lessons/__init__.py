"""Lessons: the course library, a course outline and the lesson reader."""
