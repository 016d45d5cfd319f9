"""`studydesk --self-test`: every check passes from the checkout, in a temporary profile that
is gone afterwards, and a failing check is named with what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import self_test, self_test_qt
from app.self_test import CheckFailed, check_sqlite
from app.self_test_qt import check_platform_libraries

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED = [
    "sqlite",
    "migrations",
    "profile",
    "review",
    "lesson text",
    "search",
    "fsrs-rs",
    "qt libraries",
    "qt platform",
    "fonts",
    "lesson render",
    "video frame",
]


def test_the_self_test_passes_and_leaves_the_learners_folders_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("STUDYDESK_")}
    env |= {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TMPDIR": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test", "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    names = [check["name"] for check in report["checks"] if check["name"] != "screen"]
    assert names == EXPECTED
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    if self_test.search_available():
        assert statuses["search"] == "ok"
    assert {name: status for name, status in statuses.items() if status == "fail"} == {}
    assert list(home.rglob("*")) == [], "the self-test wrote into the learner's folders"
    assert list(tmp_path.glob("studydesk-self-test-*")) == [], "its temporary folder was left"


def test_a_failing_check_is_named_and_the_exit_code_is_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(self_test, "SQLITE_MINIMUM", (99, 0, 0))
    monkeypatch.setattr(self_test_qt, "run_qt_checks", lambda run, sample: None)
    assert self_test.main([]) == 1
    out = capsys.readouterr().out
    assert "FAIL sqlite: SQLite" in out and "needs 99.0.0 or newer" in out
    assert "Self-test FAILED" in out and ": sqlite " in out


def test_sqlite_here_is_new_enough_with_fts5() -> None:
    assert "FTS5" in check_sqlite()


def test_a_missing_system_library_is_named_with_its_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if sys.platform != "linux":
        pytest.skip("the xcb plugin is Linux's")

    def refuse(path: str) -> None:
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file")

    monkeypatch.setattr(self_test_qt.ctypes, "CDLL", refuse)
    monkeypatch.setattr(self_test_qt, "_missing_libraries", lambda plugin: [])
    with pytest.raises(
        CheckFailed, match=r"libxcb-cursor\.so\.0 \(Debian/Ubuntu package libxcb-cursor0\)"
    ):
        check_platform_libraries("xcb")
    monkeypatch.setattr(
        self_test_qt, "_missing_libraries", lambda plugin: ["libxcb-cursor.so.0", "libfoo.so.1"]
    )
    with pytest.raises(CheckFailed, match=r"libxcb-cursor0\), libfoo\.so\.1$"):
        check_platform_libraries("xcb")


def test_the_window_checks_fail_by_name_when_the_child_dies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A platform plugin that aborts its process (qFatal) fails those checks, not the run."""
    monkeypatch.setattr(self_test_qt, "check_platform_libraries", lambda platform: "fine")
    monkeypatch.setattr(self_test_qt, "qt_checks_in_child", _die)
    monkeypatch.setattr(self_test_qt, "_platform_wanted", lambda: ("offscreen", True))
    run = self_test.CheckRun(quiet=True)
    self_test_qt.run_qt_checks(run, self_test.SampleProfile(Path("/nonexistent")))
    failed = {check.name: check.detail for check in run.checks if check.status == "fail"}
    assert set(failed) == {"qt platform", "fonts", "lesson render", "video frame"}
    assert "exit code 134" in failed["qt platform"]


def _die(answer: object, *args: object) -> None:
    os._exit(134)
