"""The PyInstaller build the bundle tests use, started in the background as soon as pytest
knows they will run (tests/conftest.py, `pytest_collection_finish`): it takes about a minute
of one core, which runs beside the other tests instead of the suite waiting for it when the
bundle tests' turn comes.

One build a test run, whichever processes run it: the folder is chosen by the run's first
process (`prepare`, the controller when pytest-xdist spreads the tests over workers) and
handed to the others in an environment variable; the first process to claim the folder starts
the build, which writes its exit code there when it ends; every process waits for that file.
The first process stops the build and removes the folder when the run ends (`finish`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "packaging" / "studydesk.spec"
BUILD_TIMEOUT_S = 600
ROOT_VARIABLE = "STUDYDESK_TEST_BUNDLE_ROOT"


@dataclass(frozen=True)
class Build:
    root: Path

    @property
    def folder(self) -> Path:
        return self.root / "dist" / "studydesk"

    def wait(self) -> tuple[int, str, float]:
        """The build's exit code, its output and the seconds it took (waiting while it runs;
        killed after BUILD_TIMEOUT_S)."""
        started = float((self.root / "started").read_text())
        exit_code = self.root / "exit_code"
        while not exit_code.exists():
            if time.time() > started + BUILD_TIMEOUT_S or not _running(self.root):
                _kill(self.root)
                if not exit_code.exists():
                    _write(exit_code, "-9")
                break
            time.sleep(0.2)
        took = exit_code.stat().st_mtime - started
        log = (self.root / "build.log").read_text(errors="replace")
        return int(exit_code.read_text()), log, took


def prepare() -> None:
    """The run's build folder named (not made yet) for this process and those it starts."""
    os.environ.setdefault(
        ROOT_VARIABLE, str(Path(tempfile.gettempdir()) / f"studydesk-bundle-{uuid.uuid4().hex}")
    )


def start() -> Build:
    """The run's build, started now unless a process of this run already started it."""
    prepare()
    root = Path(os.environ[ROOT_VARIABLE])
    root.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(root / "claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        claimed = True
    else:
        claimed = False
    if claimed:
        waited = time.monotonic()
        while not (root / "started").exists():  # the process that claimed it is starting it
            if time.monotonic() > waited + 60:
                raise RuntimeError(f"the bundle build in {root} was claimed but never started")
            time.sleep(0.05)
        return Build(root)
    runner = subprocess.Popen(
        [sys.executable, "-m", "tests.packaging.bundle_build", str(root)],
        cwd=REPO_ROOT,
        start_new_session=True,  # stopped as a group: PyInstaller starts processes of its own
    )
    _write(root / "pid", str(runner.pid))
    _write(root / "started", repr(time.time()))
    return Build(root)


def finish() -> None:
    """The build stopped and its folder removed (some 200 MB), by the run's first process."""
    root = os.environ.get(ROOT_VARIABLE)
    if root and Path(root).exists():
        _kill(Path(root))
        shutil.rmtree(root, ignore_errors=True)


def _running(root: Path) -> bool:
    try:
        os.kill(int((root / "pid").read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def _kill(root: Path) -> None:
    if _running(root):
        with contextlib.suppress(OSError):
            os.killpg(int((root / "pid").read_text()), signal.SIGKILL)


def _write(path: Path, text: str) -> None:
    """Whole or absent for a process reading it meanwhile."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def main(root: Path) -> int:
    """The build itself (run as `python -m tests.packaging.bundle_build ROOT`): PyInstaller,
    its output in ROOT/build.log, then its exit code in ROOT/exit_code."""
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
        code = subprocess.call(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    _write(root / "exit_code", str(code))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
