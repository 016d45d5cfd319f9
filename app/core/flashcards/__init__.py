"""Flashcards without Qt: decks, cards, the review queue with FSRS and SM-2, the card browser,
statistics and sample content.

The GUI and the commands call the actions (`deck_actions`, `card_actions`: each takes the
profile database and owns its transaction) and the reads (`reads`: each opens its own read
session). Below them, functions take a Session and plain values and return frozen dataclasses,
writing in the caller's transaction. Times are aware datetimes: `now` carries the learner's
time zone, and the study day starts at 4 am there.

Modules: `scheduling` (pure FSRS / SM-2 steps), `study_day`, `replay` (the schedule cache from
the log), `decks`, `cards`, `tags` (the one tag rule), `queue` (counts with daily limits),
`review` (next card, answer, undo), `browser`, `stats`, `browser_sql` (their plain SQL),
`optimise`, `from_sources` (a card from a question), `sample`, `media`.
"""
