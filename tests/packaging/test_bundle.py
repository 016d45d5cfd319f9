"""The PyInstaller bundle starts, creates a profile at the newest schema and checks it.

Builds packaging/studydesk.spec once per session into a temporary folder (started in the
background when the session starts: bundle_build.py), then runs the frozen
`studydesk` as a learner's machine would: no checkout, no virtualenv, only the bundle.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db.revisions import known_revisions
from tests.packaging import bundle_build

pytestmark = pytest.mark.slow

RUN_TIMEOUT_S = 120


@dataclass(frozen=True)
class Bundle:
    folder: Path

    @property
    def executable(self) -> Path:
        return self.folder / "studydesk"


def _folder_size(folder: Path) -> int:
    """Bytes on disk; PyInstaller links shared libraries into _internal/, count those once."""
    files = (path for path in folder.rglob("*") if not path.is_symlink() and path.is_file())
    return sum(path.stat().st_size for path in files)


def _bundle_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("STUDYDESK_DATA_DIR", None)
    env.update(extra)
    return env


def _run(
    bundle: Bundle, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle.executable), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture(scope="module")
def bundle() -> Iterator[Bundle]:
    build = bundle_build.start()  # started when the session began
    code, output, took = build.wait()
    assert code == 0, f"PyInstaller failed (exit {code}):\n{output}"
    built = Bundle(build.folder)
    size_mb = _folder_size(built.folder) / 1e6
    print(f"\nbundle built in {took:.0f} s (beside the other tests), {size_mb:.0f} MB")
    yield built  # removed when the run ends (bundle_build.finish): another worker may use it


@pytest.fixture(scope="module")
def smoke_data_dir(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir after one `studydesk --smoke` run of the bundle, which must succeed."""
    data_dir = tmp_path_factory.mktemp("smoke-data")
    cwd = tmp_path_factory.mktemp("smoke-cwd")  # away from the checkout's app/ and alembic/
    result = _run(bundle, "--smoke", env=_bundle_env(STUDYDESK_DATA_DIR=str(data_dir)), cwd=cwd)
    assert result.returncode == 0, f"studydesk --smoke failed: {_explain(result)}"
    return data_dir


def test_smoke_run_creates_one_profile_at_newest_schema(smoke_data_dir: Path) -> None:
    profiles = sorted(smoke_data_dir.glob("profiles/*/studydesk.sqlite3"))
    assert len(profiles) == 1, f"expected one profile file, found {profiles}"
    with closing(sqlite3.connect(profiles[0])) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == known_revisions().head


def test_db_check_of_the_bundle_reports_a_healthy_file(
    bundle: Bundle, smoke_data_dir: Path, tmp_path: Path
) -> None:
    result = _run(
        bundle,
        "--data-dir",
        str(smoke_data_dir),
        "db",
        "check",
        "--json",
        env=_bundle_env(),
        cwd=tmp_path,
    )
    assert result.returncode == 0, f"studydesk db check failed: {_explain(result)}"
    report = json.loads(result.stdout)
    assert report["integrity"] == "ok"
    assert report["revision"] == known_revisions().head


def test_the_bundle_imports_a_techtree_file_into_a_new_learner_profile(
    bundle: Bundle, tmp_path: Path
) -> None:
    """The frozen legacy import: msgspec's reading, a profile built out of sight, moved in."""
    syllabus_id, user_id = (
        "6a2d9c14-3e5f-4b8a-9c7d-1e2f3a4b5c6d",
        "0b6f3a52-8d1e-4c57-9a43-2f1c5e7d9b10",
    )
    export = {
        "users": {"1": {"user_id": user_id, "email": "ana@example.com", "name": "Ana"}},
        "syllabi": {
            "1": {
                "syllabus_id": syllabus_id,
                "user_id": user_id,
                "topic": "orbits",
                "level": "beginner",
                "content": {"modules": [{"week": 1, "title": "M", "lessons": [{"title": "L"}]}]},
            }
        },
        "lesson_content": {
            "1": {
                "lesson_id": "9c1f0e2a-4b3d-4e5f-8a7b-6c5d4e3f2a1b",
                "syllabus_id": syllabus_id,
                "module_index": 0,
                "lesson_index": 0,
                "content": {"exposition_content": "# Kepler"},
            }
        },
    }
    source = tmp_path / "techtree_db.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    data_dir = tmp_path / "data"
    args = ("--data-dir", str(data_dir), "import", "tinydb", str(source), "--json")
    result = _run(bundle, *args, env=_bundle_env(), cwd=tmp_path)
    assert result.returncode == 0, f"studydesk import tinydb failed: {_explain(result)}"
    learner = next(p for p in json.loads(result.stdout)["profiles"] if p["profile"] == "Ana")
    assert (learner["created"], learner["lessons"], learner["lesson_contents"]) == (True, 1, 1)
    assert not (data_dir / "profiles" / ".importing").exists()


def test_the_bundle_fits_fsrs_in_a_child_process(bundle: Bundle, tmp_path: Path) -> None:
    """`deck optimise` from the frozen app: the fit runs in a child process of the bundle
    (multiprocessing's spawn of a frozen executable needs freeze_support in launch.py)."""
    from datetime import datetime

    from flashcard_helpers import generate_profile

    from app.db.database import ProfileDatabase

    data_dir = tmp_path / "data"
    created = _run(
        bundle, "--data-dir", str(data_dir), "profile", "create", "Ana", env=_bundle_env(),
        cwd=tmp_path,
    )  # fmt: skip
    assert created.returncode == 0, _explain(created)
    db_file = next(data_dir.glob("profiles/*/studydesk.sqlite3"))
    database = ProfileDatabase.open(db_file, tmp_path / "backups")
    try:
        generate_profile(
            database, cards=400, days=50, new_per_day=10, top_decks=1, subdecks=0,
            now=datetime.now().astimezone(), seed=2,
        )  # fmt: skip
    finally:
        database.close()
    args = ("--data-dir", str(data_dir), "deck", "optimise", "--deck", "Subject 00", "--json")
    result = _run(bundle, *args, env=_bundle_env(), cwd=tmp_path)
    assert result.returncode == 0, f"studydesk deck optimise failed: {_explain(result)}"
    outcome = json.loads(result.stdout)
    assert outcome["reviews"] > 400 and len(outcome["parameters"]) == 21
    assert outcome["saved"] is False


def test_the_bundle_passes_its_self_test(bundle: Bundle, tmp_path: Path) -> None:
    """`studydesk --self-test --json` from the frozen app: every check passes (the window checks
    in the frozen child process), and nothing is written outside its temporary folder."""
    home = tmp_path / "home"
    home.mkdir()
    env = _bundle_env(HOME=str(home), XDG_DATA_HOME=str(home / "d"), XDG_STATE_HOME=str(home / "s"))
    started = time.monotonic()
    result = _run(bundle, "--self-test", "--json", env=env, cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, f"studydesk --self-test failed: {_explain(result)}"
    report = json.loads(result.stdout)
    failed = [check for check in report["checks"] if check["status"] == "fail"]
    assert report["ok"] and failed == []
    ran = {check["name"] for check in report["checks"] if check["status"] == "ok"}
    assert {"migrations", "review", "lesson render", "video frame", "fsrs-rs"} <= ran
    assert list(home.rglob("*")) == []
    print(f"\nbundle self-test: {elapsed:.1f} s")


def test_the_bundle_carries_every_licence(bundle: Bundle) -> None:
    """licences/ in the bundle: Study Desk's own, and a text for each runtime package."""
    from app.licences import collect

    folder = next(bundle.folder.rglob("licences/THIRD-PARTY-LICENCES.txt")).parent
    assert (folder / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    text = (folder / "THIRD-PARTY-LICENCES.txt").read_text(encoding="utf-8")
    for component in collect():
        assert f"\n{component.name} {component.version}: " in text, component.name
