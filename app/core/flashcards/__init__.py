"""Flashcards without Qt: decks, cards, the review queue with FSRS and SM-2, the card browser,
statistics and sample content.

Every function takes a Session and plain values and returns frozen dataclasses; writes happen in
the caller's transaction (`ProfileDatabase.write_session()`), reads in any session. Times are
aware datetimes: `now` carries the learner's time zone, and the study day starts at 4 am there.

Modules: `scheduling` (pure FSRS / SM-2 steps), `study_day`, `replay` (the schedule cache from
the log), `decks`, `cards`, `queue` (counts with daily limits), `review` (next card, answer,
undo), `browser`, `stats`, `from_sources` (a card from a question), `sample`, `media`.
"""
