"""uv.lock, which the README's commands, CI and the bundle build install from, still matches
pyproject.toml: every dependency (and test extra) with the same version range and markers.

When this fails: `bash packaging/lock.sh` (then commit uv.lock with pyproject.toml).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[2]
FIX = "run `bash packaging/lock.sh` and commit uv.lock"

Declared = set[tuple[str, str, str]]  # (name, specifier, marker)


def _declared_in_pyproject() -> Declared:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared: Declared = set()
    lines = [(line, None) for line in project.get("dependencies", [])]
    for extra, extra_lines in project.get("optional-dependencies", {}).items():
        lines += [(line, extra) for line in extra_lines]
    for line, extra in lines:
        requirement = Requirement(line)
        marker = str(requirement.marker) if requirement.marker else ""
        if extra:
            marker = f"extra == '{extra}'" + (f" and ({marker})" if marker else "")
        declared.add((canonicalize_name(requirement.name), str(requirement.specifier), marker))
    return declared


def _lock() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))


def _declared_in_lock() -> Declared:
    ours = next(p for p in _lock()["package"] if p["name"] == "studydesk")
    declared: Declared = set()
    for entry in ours["metadata"]["requires-dist"]:
        specifier = str(Requirement(f"x{entry.get('specifier', '')}").specifier)
        declared.add((canonicalize_name(entry["name"]), specifier, entry.get("marker", "")))
    return declared


def test_the_lock_holds_what_pyproject_declares() -> None:
    in_pyproject, in_lock = _declared_in_pyproject(), _declared_in_lock()
    assert in_pyproject == in_lock, (
        f"uv.lock does not match pyproject.toml ({FIX}).\n"
        f"only in pyproject.toml: {sorted(in_pyproject - in_lock)}\n"
        f"only in uv.lock: {sorted(in_lock - in_pyproject)}"
    )


def test_every_locked_package_has_hashes() -> None:
    """A lock without hashes would install whatever a mirror serves under that version."""
    unhashed = []
    for package in _lock()["package"]:
        if package["name"] == "studydesk":
            continue
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        if not files or not all(file.get("hash", "").startswith("sha256:") for file in files):
            unhashed.append(package["name"])
    assert unhashed == []


def test_the_project_is_locked_at_its_own_version() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ours = next(p for p in _lock()["package"] if p["name"] == "studydesk")
    assert ours["version"] == project["version"], FIX


def test_uv_itself_agrees_offline() -> None:
    """uv's own check (what `uv sync --locked` in setup-env.sh does before installing)."""
    uv = REPO_ROOT / ".venv" / "bin" / "uv"
    command = str(uv) if uv.exists() else shutil.which("uv")
    if command is None:
        pytest.skip("uv is not installed (packaging/setup-env.sh installs it into .venv)")
    pinned = re.search(
        r"^STUDYDESK_UV_VERSION=(\S+)$",
        (REPO_ROOT / "packaging" / "setup-env.sh").read_text(encoding="utf-8"),
        re.M,
    )
    assert pinned is not None
    version = subprocess.run([command, "--version"], capture_output=True, text=True).stdout
    if not version.startswith(f"uv {pinned.group(1)}"):
        pytest.skip(f"uv here is {version.strip()}, not the pinned {pinned.group(1)}")
    result = subprocess.run(
        [command, "lock", "--check", "--offline"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"{FIX}: {result.stderr}"
