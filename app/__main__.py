"""Entry point: `studydesk` / `python -m app`. With a subcommand it runs the CLI, else the GUI.

Imports stay lazy here: a CLI call should not pay for Qt, nor the window for argparse subcommands.

Python's cyclic garbage collector is paused from here until the window has painted (or a command
starts): start-up makes about 100,000 long-lived objects (modules, classes, Qt's enums) that it
would otherwise walk again and again, for about 15 ms of a 0.4 s start. `app.main` resumes it.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    gc.disable()  # resumed by app.cli.run (a command) or app.main (the window's first paint)
    from app.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
