"""What a launch loads before its first paint (issue 13: start within 1.3x of the Qt floor).

A learner waits for the window while Python imports modules. These tests run a real
`studydesk --smoke` on an existing profile in a fresh interpreter and look at the modules loaded
at the moment the window has painted: SQLAlchemy's ORM and the models, the review engine (FSRS),
the CLI's command modules and the profile picker are for later. SQLAlchemy loads before PySide6
(after it, every import goes through Qt's import hook and SQLAlchemy loads a third slower).
`tests/perf/bench_startup.py` measures the time itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys

order = []


class Watch:
    def find_spec(self, name, path=None, target=None):
        order.append(name)
        return None


sys.meta_path.insert(0, Watch())
at_paint = []


class Out:
    def __init__(self, real):
        self.real = real

    def write(self, text):
        if "painted its window" in text and not at_paint:
            at_paint.extend(sorted(sys.modules))
        return self.real.write(text)

    def flush(self):
        self.real.flush()


sys.stdout = Out(sys.stdout)
from app.cli import run

code = run(["--data-dir", sys.argv[1], "--smoke"])
with open(sys.argv[2], "w") as out:
    json.dump({"code": code, "at_paint": at_paint, "order": order}, out)
"""

# Loaded by the views' first reads or on demand, never before the first paint.
LATER = (
    "sqlalchemy.orm",  # the ORM (about 50 ms) comes with the first session, after the paint
    "app.db.models",  # the ORM models (about 100 ms of class building)
    "app.core.courses.content",
    "app.core.flashcards.review",
    "app.core.flashcards.review_loop",
    "app.core.flashcards.scheduling",
    "fsrs",
    "app.ui.review.data",
    "app.ui.dialogs.profile_picker",  # only with several profiles
    "app.ui.dialogs.profile_forms",  # only for a profile with a password
    "app.cli.card_commands",  # the CLI's commands: not for a window
    "app.cli.profile_commands",
    "PySide6.QtCharts",
)


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    data = tmp_path_factory.mktemp("data")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", PROBE, str(data)]
    found: dict[str, object] = {}
    for attempt in ("first launch", "existing profile"):
        report = tmp_path_factory.mktemp("report") / "modules.json"
        done = subprocess.run(
            [*argv, str(report)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{attempt}: {done.stderr}"
        found = json.loads(report.read_text())
    return found


def test_the_launch_paints_its_window(launch: dict[str, object]) -> None:
    assert launch["code"] == 0
    assert "app.ui.main_window" in launch["at_paint"]  # type: ignore[operator]


def test_what_the_first_paint_does_not_need_is_not_loaded_before_it(
    launch: dict[str, object],
) -> None:
    at_paint = set(launch["at_paint"])  # type: ignore[call-overload]
    assert sorted(at_paint & set(LATER)) == []


def test_sqlalchemy_loads_before_pyside6(launch: dict[str, object]) -> None:
    order: list[str] = launch["order"]  # type: ignore[assignment]
    assert order.index("sqlalchemy") < order.index("PySide6")
    assert order.index("sqlalchemy.dialects.sqlite") < order.index("PySide6")
