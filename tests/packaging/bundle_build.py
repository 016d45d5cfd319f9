"""The PyInstaller build the bundle tests use, started in the background as soon as pytest
knows they will run (tests/conftest.py, `pytest_collection_finish`): it takes about a minute
of one core, which the rest of the suite (one test at a time) leaves free on the other, instead
of a minute the whole suite waits for when the bundle tests' turn comes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "packaging" / "studydesk.spec"
BUILD_TIMEOUT_S = 600


@dataclass
class Build:
    root: Path
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)

    @property
    def folder(self) -> Path:
        return self.root / "dist" / "studydesk"

    def wait(self) -> tuple[int, str, float]:
        """The build's exit code, its output and the seconds it took (waiting if it runs)."""
        try:
            code = self.process.wait(
                timeout=max(1.0, self.started + BUILD_TIMEOUT_S - time.monotonic())
            )
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        took = time.monotonic() - self.started
        return code, (self.root / "build.log").read_text(errors="replace"), took

    def remove(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)  # some 200 MB per run


_started: Build | None = None


def start() -> Build:
    """The build, started now if it is not running yet (once per pytest session)."""
    global _started
    if _started is None:
        root = Path(tempfile.mkdtemp(prefix="studydesk-bundle-"))
        command = [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--distpath",
            str(root / "dist"),
            "--workpath",
            str(root / "work"),
            "--noconfirm",
            "--log-level",
            "WARN",
        ]
        with open(root / "build.log", "wb") as log:
            process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
        _started = Build(root, process)
    return _started


def stop() -> None:
    """The build stopped and its folder removed, if it was started (the session ending early,
    before the bundle tests ran)."""
    if _started is not None:
        _started.remove()
