"""Developer tool: write a new Alembic revision by comparing the models with the newest schema.

    python -m app.db.revise "add flashcards"

It upgrades a scratch database to head, autogenerates the difference against the models into
`alembic/versions/NNNN_<slug>.py` with the next number as revision id, and prints the path.
Read and edit the result before committing; a released revision is never edited again.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from app.db.engine import make_engine
from app.db.revisions import known_revisions
from app.paths import alembic_dir


def main(argv: list[str] | None = None) -> int:
    from alembic import command
    from alembic.config import Config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message")
    args = parser.parse_args(argv)
    try:
        chain = known_revisions.__wrapped__()
        next_id = f"{int(chain.head) + 1:04d}"
    except RuntimeError:
        next_id = "0001"
    slug = re.sub(r"[^a-z0-9]+", "_", args.message.lower()).strip("_")[:40]
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(Path(scratch) / "scratch.sqlite3")
        with engine.connect() as conn, conn.begin():
            config = Config()
            config.set_main_option("script_location", str(alembic_dir()))
            config.set_main_option("file_template", f"{next_id}_{slug}")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            script = command.revision(
                config, message=args.message, autogenerate=True, rev_id=next_id
            )
        engine.dispose()
    print(getattr(script, "path", script))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
