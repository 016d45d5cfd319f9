"""Runtime hook of the bundle (packaging/studydesk.spec), run before PyInstaller's own.

PyInstaller's PySide6 runtime hook imports PySide6.QtCore before the app starts, and with it
shiboken's import hook, through which every later import goes: SQLAlchemy's ~130 modules and
Study Desk's Qt-free start would load about a third slower than in `python -m app`, where
app/main.py imports them before PySide6 (app/README.md, "Start-up"). They load here first, with
the garbage collector paused as app/__main__.py pauses it (app.cli or app.main resumes it).
Not in the child processes of multiprocessing (the FSRS fit), which need none of it.
"""

import gc
import sys

if "--multiprocessing-fork" not in sys.argv and not any(
    arg.startswith(("from multiprocessing", "import sys; from multiprocessing")) for arg in sys.argv
):
    gc.disable()
    # What app/__main__.py and app/main.py import before PySide6.
    import app.cli
    import app.core.opening
    import app.logs
    import app.paths  # noqa: F401
