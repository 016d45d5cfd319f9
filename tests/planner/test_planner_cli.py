"""`studydesk plan ...`: the JSON shape a script reads, the messages for bad input, and the plan
after missed days seen through `faketime` (the CLI's today is the system's date)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from planner_helpers import add_course, add_deck, add_questions

import app.cli
from app.db.database import ProfileDatabase
from app.features.planner import PLANNER

ROOT = Path(__file__).resolve().parents[2]
# The planner joins FEATURES once its view exists; until then the tests add it themselves.
RUN_WITH_PLANNER = (
    "import sys, app.cli as c; from app.features.planner import PLANNER; "
    "c.FEATURES = (*c.FEATURES, PLANNER) if PLANNER not in c.FEATURES else c.FEATURES; "
    "sys.exit(c.run(sys.argv[1:]))"
)


@pytest.fixture(autouse=True)
def _planner_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    if PLANNER not in app.cli.FEATURES:
        monkeypatch.setattr(app.cli, "FEATURES", (*app.cli.FEATURES, PLANNER))


def cli(data: Path, *args: str) -> int:
    return app.cli.run(["--data-dir", str(data), *args])


def _profile_db(data: Path) -> ProfileDatabase:
    found = sorted(data.rglob("*.sqlite3"))
    found = [p for p in found if "backup" not in str(p)]
    assert found, "no profile made"
    return ProfileDatabase.open(found[0], found[0].parent / "backups")


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "data"
    assert cli(folder, "plan", "list") == 0
    assert "No plans yet" in capsys.readouterr().out
    database = _profile_db(folder)
    try:
        add_course(database, "Cardiology", 12, minutes=30)
        add_deck(database, "Pharmacology", new=40, studied=50)
        add_questions(database, "Pathology", 80, "Renal")
    finally:
        database.close()
    return folder


def _today() -> date:
    return (datetime.now().astimezone() - timedelta(hours=4)).date()


def test_create_show_list_delete(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exam = (_today() + timedelta(days=30)).isoformat()
    assert cli(data, "plan", "create", "--exam", exam, "--minutes", "90", "--weekdays",
               "mon,tue,wed,thu,fri,sat,sun", "--course", "cardiology", "--subject",
               "Pathology/Renal", "--deck", "Pharmacology", "--json") == 0  # fmt: skip
    made = json.loads(capsys.readouterr().out)
    assert set(made) == {"fits", "overflow_minutes", "days"}
    assert made["fits"] is True and made["overflow_minutes"] == 0
    assert len(made["days"]) == 30 and made["days"][0]["date"] == _today().isoformat()
    assert cli(data, "plan", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [d["date"] for d in shown["days"]] == [_today().isoformat()]
    tasks = shown["days"][0]["tasks"]
    assert {t["kind"] for t in tasks} <= {"lesson", "video", "questions", "reviews", "new_cards"}
    assert {"lesson", "new_cards"} <= {t["kind"] for t in tasks}
    for task in tasks:
        assert set(task) == {"kind", "target", "title", "minutes", "done"}
        assert task["done"] is False and task["minutes"] > 0
    assert sum(t["minutes"] for t in tasks) <= 90
    assert cli(data, "plan", "show", "--all", "--json") == 0
    everything = json.loads(capsys.readouterr().out)
    lessons = [t for d in everything["days"] for t in d["tasks"] if t["kind"] == "lesson"]
    assert len(lessons) == 12 and lessons[0]["title"].startswith("Lesson 1.1")
    day = (_today() + timedelta(days=3)).isoformat()
    assert cli(data, "plan", "show", "--date", day) == 0
    assert day in capsys.readouterr().out
    assert cli(data, "plan", "list") == 0
    assert f"* Exam {exam}" in capsys.readouterr().out
    assert cli(data, "plan", "delete", f"Exam {exam}") == 0
    assert cli(data, "plan", "show") == 1
    assert "no active plan" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--exam", "2020-01-01", "--minutes", "60"), "exam date 2020-01-01 is in the past"),
        (("--exam", "today", "--minutes", "60"), "'today' is not a date"),
        (("--exam", "+", "--minutes", "0"), "not a date"),
        (("--minutes", "0"), "--minutes must be above 0"),
        (("--minutes", "60", "--weekdays", "mon,funday"), "Unknown weekday 'fun'"),
        (("--minutes", "60", "--weekdays", ","), "No study days"),
        (("--minutes", "60", "--course", "Astronomy"), "No course called 'Astronomy'"),
        (("--minutes", "60", "--deck", "Nope"), "No deck called 'Nope'"),
        (("--minutes", "60", "--subject", "Anatomy"), "No question subject called 'Anatomy'"),
    ],
)
def test_bad_input_says_what_and_makes_nothing(
    data: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    if "--exam" not in args:
        args = ("--exam", (_today() + timedelta(days=20)).isoformat(), *args)
    if _today().isoformat() in args and "today" in words:
        args = tuple(_today().isoformat() if a == "today" else a for a in args)
    assert cli(data, "plan", "create", *args) == 1
    assert words in capsys.readouterr().err
    assert cli(data, "plan", "list") == 0
    assert "No plans yet" in capsys.readouterr().out


def test_exam_today_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(data, "plan", "create", "--exam", _today().isoformat(), "--minutes", "30") == 1
    assert "is today" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_the_plan_after_missed_days_under_faketime(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = datetime.now().astimezone().replace(hour=10, minute=0, second=0, microsecond=0)
    exam = (start.date() + timedelta(days=10)).isoformat()

    def run_at(moment: datetime, *args: str) -> subprocess.CompletedProcess[str]:
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        return subprocess.run(
            ["faketime", stamp, sys.executable, "-c", RUN_WITH_PLANNER, "--data-dir", str(data),
             *args],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
        )  # fmt: skip

    made = run_at(start, "plan", "create", "--exam", exam, "--minutes", "90",
                  "--course", "Cardiology", "--json")  # fmt: skip
    assert made.returncode == 0, made.stderr
    first = json.loads(made.stdout)
    assert first["fits"] is True
    day_one = [t["target"] for t in first["days"][0]["tasks"] if t["kind"] == "lesson"]
    assert day_one  # (the profile's reviews come first: a plan naming no deck counts them all)
    # Three days later, nothing done: the first lessons are today's, the rest re-spread.
    later = run_at(start + timedelta(days=3), "plan", "show", "--all", "--json")
    assert later.returncode == 0, later.stderr
    shown = json.loads(later.stdout)
    assert shown["days"][0]["date"] == (start.date() + timedelta(days=3)).isoformat()
    today = [t["target"] for t in shown["days"][0]["tasks"] if t["kind"] == "lesson"]
    assert today[: len(day_one)] == day_one or day_one[: len(today)] == today
    lessons = [t["target"] for d in shown["days"] for t in d["tasks"] if t["kind"] == "lesson"]
    assert len(lessons) == len(set(lessons)) == 12 and shown["fits"] is True
    assert lessons[: len(day_one)] == day_one
    # Nine days later (one day left), 12 lessons of 30 minutes no longer fit: by how much.
    late = run_at(start + timedelta(days=9), "plan", "show", "--all", "--json")
    squeezed = json.loads(late.stdout)
    assert squeezed["fits"] is False and squeezed["overflow_minutes"] >= 12 * 30 - 90
    assert len(squeezed["days"]) == 1
    assert sum(t["minutes"] for t in squeezed["days"][0]["tasks"]) <= 90
    # The clock back before the plan was made: it says so and loses nothing.
    back = run_at(start - timedelta(days=1), "plan", "show", "--json")
    assert back.returncode == 0, back.stderr
    assert "check the computer's date" in back.stderr
    capsys.readouterr()
