"""The log file on a full disk: one clear line, not a traceback for every record."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from app.logs import LogFileHandler


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("studydesk", logging.INFO, __file__, 1, message, None, None)


def test_a_full_disk_is_said_once_and_logging_resumes_when_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "studydesk.log"
    handler = LogFileHandler(path)
    real_open = handler._open
    handler.close()  # opened at once: the disk fills from now on
    monkeypatch.setattr(handler, "_open", lambda: open("/dev/full", "w", encoding="utf-8"))  # noqa: SIM115
    for number in range(3):
        handler.emit(record(f"lost {number}"))
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert f"cannot write its log file {path} (No space left on device)" in err

    monkeypatch.setattr(handler, "_open", real_open)  # room again
    handler.emit(record("written"))
    handler.flush()
    assert "written" in path.read_text(encoding="utf-8")
    monkeypatch.setattr(handler, "_open", lambda: open("/dev/full", "w", encoding="utf-8"))  # noqa: SIM115
    handler.close()
    handler.stream = None  # type: ignore[assignment]
    handler.emit(record("lost again"))
    assert capsys.readouterr().err.count("cannot write its log file") == 1  # said again
    handler.close()


def test_an_error_that_is_not_the_disk_still_shows_python_s_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = LogFileHandler(tmp_path / "studydesk.log")
    handler.setFormatter(logging.Formatter("%(message)s %(missing)s"))
    handler.stream = io.StringIO()
    handler.emit(record("badly formatted"))
    assert "Logging error" in capsys.readouterr().err
    handler.close()
