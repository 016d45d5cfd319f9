"""Notebook: the learner's markdown notes and the library's articles, their notebooks, tags,
versions (a version graph per note) and links to lessons, video moments, questions, cards and
decks. Qt-free: actions in `note_actions` (a notebook's in `notebook_actions`), reads in
`note_reads` (what links point to, and backlinks: `link_reads`), the link format in `links`
(a note's link rows: `link_rows`)."""
