"""Assessments: the question bank, blueprints, blocks taken as in the board exam, review of a
block, a missed question made into a card (and a note), analytics of weak areas.

Qt-free. Reads open `read_session()`; every write owns its transaction and returns `changes`.
The block's event log is the truth: status, answers, time and scores are replayed from it.
"""
