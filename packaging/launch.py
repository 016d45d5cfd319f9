"""Entry script of the PyInstaller bundle (packaging/studydesk.spec)."""

import multiprocessing

# A child process of the bundle (the FSRS fit, app/core/flashcards/fsrs_fit.py) starts this same
# executable; freeze_support() runs the child's work instead of the app, then exits.
multiprocessing.freeze_support()

from app.__main__ import main  # noqa: E402

raise SystemExit(main())
