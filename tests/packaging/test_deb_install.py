"""The .deb on this machine, as a learner meets it: installed with apt, its self-test and window
run by an ordinary user under Xvfb, a newer version installed over it while the window is open,
removed while the window is open, and the learner's profile still there and healthy afterwards.

It installs a system package (root or password-less sudo), so it runs only when asked:
`STUDYDESK_TEST_DEB_INSTALL=1 pytest -m slow tests/packaging/test_deb_install.py`. It uses
`STUDYDESK_DEB` (a built .deb) or dist/studydesk_<version>_<arch>.deb when that is newer than
every file of app/, else builds one with `bash packaging/build.sh` (some 5 minutes). It makes a
user `sdlearner` for the run and removes it (and its home) at the end; it never runs where
studydesk is installed already.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import app
from app.db.revisions import known_revisions

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("STUDYDESK_TEST_DEB_INSTALL") != "1",
        reason="installs a system package: set STUDYDESK_TEST_DEB_INSTALL=1",
    ),
]

REPO_ROOT = Path(__file__).resolve().parents[2]
USER = "sdlearner"
HOME = Path("/home") / USER
DATA = HOME / ".local/share/StudyDesk"
RUN_TIMEOUT_S = 180


def _sudo() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False).returncode == 0:
        return ["sudo", "-n"]
    pytest.skip("needs root or password-less sudo to install a package")


def _root(*command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*_sudo(), *command], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def _as_learner(*command: str) -> list[str]:
    """`command` as the ordinary user, with a login's environment and nothing of ours."""
    env = [
        f"HOME={HOME}", f"USER={USER}", f"LOGNAME={USER}", "LANG=C.UTF-8",
        "PATH=/usr/local/bin:/usr/bin:/bin",
    ]  # fmt: skip
    return [*_sudo(), "runuser", "-u", USER, "--", "env", "-i", *env, *command]


def _learner_run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _as_learner(*command), capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def _installed_version() -> str | None:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", "studydesk"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    words = result.stdout.split()
    return words[-1] if result.returncode == 0 and "installed" in words[:3] else None


def _newest_source_change() -> float:
    folders = [REPO_ROOT / "app", REPO_ROOT / "alembic", REPO_ROOT / "resources"]
    files = [REPO_ROOT / "packaging" / "studydesk.spec", REPO_ROOT / "uv.lock"]
    for folder in folders:
        files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return max(path.stat().st_mtime for path in files)


@pytest.fixture(scope="module")
def deb() -> Path:
    """The package to test: STUDYDESK_DEB, a fresh dist/ build, or one built now."""
    given = os.environ.get("STUDYDESK_DEB")
    if given:
        return Path(given).resolve()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    built = REPO_ROOT / "dist" / f"studydesk_{app.__version__}_{arch}.deb"
    if not built.exists() or built.stat().st_mtime < _newest_source_change():
        started = time.monotonic()
        result = subprocess.run(
            ["bash", "packaging/build.sh"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        assert result.returncode == 0, _explain(result)
        print(f"\n.deb built in {time.monotonic() - started:.0f} s")
    return built


def _older_version_of(deb: Path, folder: Path) -> Path:
    """The same package relabelled 0.0.1: "an older version" to install over."""
    root = folder / "older"
    subprocess.run(["dpkg-deb", "-R", str(deb), str(root)], check=True)
    control = root / "DEBIAN" / "control"
    lines = control.read_text(encoding="utf-8").splitlines()
    control.write_text(
        "\n".join("Version: 0.0.1" if line.startswith("Version:") else line for line in lines)
        + "\n",
        encoding="utf-8",
    )
    older = folder / "studydesk_0.0.1.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Znone", "--build", str(root), str(older)],
        check=True, capture_output=True,
    )  # fmt: skip
    shutil.rmtree(root)
    return older


@pytest.fixture(scope="module")
def learner() -> Iterator[str]:
    if _installed_version() is not None:
        pytest.skip("studydesk is installed on this machine already; this test would replace it")
    if subprocess.run(["id", USER], capture_output=True, check=False).returncode == 0:
        pytest.skip(f"the user {USER} exists already")
    if shutil.which("xvfb-run") is None or shutil.which("runuser") is None:
        pytest.skip("needs xvfb-run and runuser")
    _root("useradd", "--create-home", "--shell", "/bin/bash", USER)
    try:
        yield USER
    finally:
        if _installed_version() is not None:
            subprocess.run([*_sudo(), "dpkg", "--purge", "studydesk"], check=False)
        subprocess.run([*_sudo(), "userdel", "--remove", USER], capture_output=True, check=False)


def _apt_install(package: Path) -> None:
    env = ["env", "DEBIAN_FRONTEND=noninteractive"]
    result = subprocess.run(
        [*_sudo(), *env, "apt-get", "install", "-y", "--no-install-recommends", str(package)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0:  # no network for apt's lists: the Depends are installed here
        _root(*env, "dpkg", "-i", str(package))


def _profile_file() -> Path:
    found = sorted(DATA.glob("profiles/*/studydesk.sqlite3"))
    assert len(found) == 1, f"expected one profile, found {found}"
    return found[0]


def _healthy(db_file: Path) -> tuple[str, str]:
    with closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as conn:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return integrity, revision


def _open_window(folder: Path) -> subprocess.Popen[str]:
    """The window, as a double-click would open it, until it is told to quit."""
    log = (folder / f"window-{time.monotonic_ns()}.log").open("w")
    window = subprocess.Popen(
        _as_learner("xvfb-run", "-a", "studydesk"),
        stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while not list(DATA.glob("profiles/*/.studydesk.lock")):
        assert window.poll() is None, f"the window exited {window.returncode}"
        assert time.monotonic() < deadline, "the window never opened its profile"
        time.sleep(0.5)
    time.sleep(3)  # the window paints, the views read
    return window


def _close_window(window: subprocess.Popen[str]) -> int:
    """A polite kill (the session logging out): the window closes as if the learner had."""
    found = subprocess.run(  # the studydesk started by `window` (its own session), by its id
        ["pgrep", "-s", str(window.pid), "-x", "studydesk"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    pids = found.stdout.split()
    assert len(pids) == 1, f"expected one studydesk process in the session, found {pids}"
    _root("kill", "-TERM", pids[0])
    try:
        window.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(window.pid, signal.SIGKILL)
        raise
    return window.returncode


def test_install_self_test_window_upgrade_and_removal_keep_the_learners_data(
    deb: Path, learner: str, tmp_path: Path
) -> None:
    timings: dict[str, float] = {}
    tmp_path.chmod(0o755)

    def timed(name: str, started: float) -> None:
        timings[name] = time.monotonic() - started

    # An older version first, so that the real one is installed over it with a window open.
    started = time.monotonic()
    _apt_install(_older_version_of(deb, tmp_path))
    timed("install", started)
    assert _installed_version() == "0.0.1"
    assert (
        Path("/usr/share/applications/org.studydesk.StudyDesk.desktop")
        .read_text(encoding="utf-8")
        .count("Exec=studydesk %F")
    )

    started = time.monotonic()
    result = _learner_run("xvfb-run", "-a", "studydesk", "--self-test", "--json")
    timed("self-test", started)
    assert result.returncode == 0, f"--self-test failed: {_explain(result)}"
    assert not DATA.exists(), "the self-test wrote into the learner's data folder"

    started = time.monotonic()
    result = _learner_run("xvfb-run", "-a", "studydesk", "--smoke")
    timed("window (--smoke)", started)
    assert result.returncode == 0, f"--smoke failed: {_explain(result)}"
    db_file = _profile_file()
    assert _healthy(db_file) == ("ok", known_revisions().head)

    # Installing over the older version while the window is open: the running app keeps its
    # files (dpkg replaces them by rename), closes normally, and the new version opens it.
    window = _open_window(tmp_path)
    _apt_install(deb)
    assert _installed_version() == app.__version__
    assert window.poll() is None, "installing over the running app stopped it"
    assert _close_window(window) == 0
    result = _learner_run("xvfb-run", "-a", "studydesk", "--smoke")
    assert result.returncode == 0, f"the new version did not open the profile: {_explain(result)}"

    # A second copy launched while one is open brings that one forward and exits 0.
    window = _open_window(tmp_path)
    second = _learner_run("xvfb-run", "-a", "studydesk")
    assert second.returncode == 0 and "already open" in second.stdout, _explain(second)

    # Removed (and purged) while the window is open: the app carries on, nothing of the
    # learner's goes.
    started = time.monotonic()
    _root("dpkg", "--purge", "studydesk")
    timed("remove", started)
    assert _installed_version() is None
    assert not Path("/usr/lib/studydesk").exists()
    assert window.poll() is None, "removing the package stopped the running app"
    assert _close_window(window) == 0
    assert _healthy(db_file) == ("ok", known_revisions().head)
    assert (db_file.parent / "profile.json").is_file()
    print("\n" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
