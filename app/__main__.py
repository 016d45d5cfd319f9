"""Entry point: `studydesk` / `python -m app`. With a subcommand it runs the CLI, else the GUI.

Imports stay lazy here: a CLI call should not pay for Qt, nor the window for argparse subcommands.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
