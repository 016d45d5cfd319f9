"""What can be checked here of the Windows and macOS installers and the release workflow: the
NSIS script compiles with makensis (around a dummy payload) and installs per user, the macOS
Info.plist declares the files Study Desk opens, the workflow builds and self-tests all three; and
the Linux desktop entry hands the files it is given to `studydesk`."""

from __future__ import annotations

import plistlib
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from app.file_types import OPENABLE

REPO_ROOT = Path(__file__).resolve().parents[2]
NSI = REPO_ROOT / "packaging" / "windows" / "studydesk.nsi"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release.yml"
LINUX = REPO_ROOT / "packaging" / "linux"
ASSOCIATED = {".apkg", ".sdcourse", ".sdqbank"}  # opened by a double-click on every system


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (apt: nsis) not installed")
def test_the_windows_installer_compiles_around_a_bundle(tmp_path: Path) -> None:
    payload = tmp_path / "studydesk"
    (payload / "_internal").mkdir(parents=True)
    (payload / "studydesk.exe").write_bytes(b"MZ dummy")
    (payload / "_internal" / "base_library.zip").write_bytes(b"dummy")
    setup = tmp_path / "StudyDesk-0.1.0-setup.exe"
    result = subprocess.run(
        [
            "makensis", "-V2", "-WX", f"-DPAYLOAD={payload}", "-DVERSION=0.1.0",
            f"-DOUTFILE={setup}", str(NSI),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr  # -WX: warnings fail it too
    assert setup.read_bytes()[:2] == b"MZ"


def _section(script: str, name: str) -> str:
    match = re.search(rf'^Section "{re.escape(name)}".*?^SectionEnd', script, re.M | re.S)
    assert match, name
    return match.group(0)


def test_the_windows_installer_is_per_user_and_its_uninstaller_keeps_the_data() -> None:
    script = NSI.read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_KEY}"' in script
    assert "HKLM" not in script and "$PROGRAMFILES" not in script  # nothing needs an admin
    assert 'CreateShortcut "$SMPROGRAMS\\' in script
    for suffix in ASSOCIATED:
        assert f'!insertmacro ASSOCIATE "{suffix}"' in script
        assert f'!insertmacro DISSOCIATE "{suffix}"' in script
    uninstall = _section(script, "Uninstall")
    removed = re.findall(r"^\s*(?:RMDir|Delete)\s+(/r\s+)?(\S+)", uninstall, re.M)
    # Only the program's own files; $INSTDIR itself only when empty (no /r).
    assert ("/r ", '"$INSTDIR"') not in removed
    assert all(path.startswith(('"$INSTDIR', '"$SMPROGRAMS')) for _r, path in removed), removed
    assert "StudyDesk" not in "".join(path for _r, path in removed if "LOCALAPPDATA" in path)


def test_the_macos_app_declares_the_files_it_opens() -> None:
    module = runpy.run_path(str(REPO_ROOT / "packaging" / "macos" / "info_plist.py"))
    info = module["info_plist"]("0.1.0")
    plistlib.loads(plistlib.dumps(info))  # every value is one a plist can hold
    assert info["CFBundleIdentifier"] == "org.studydesk.StudyDesk"
    extensions = {
        f".{e}" for t in info["CFBundleDocumentTypes"] for e in t["CFBundleTypeExtensions"]
    }
    assert extensions == ASSOCIATED
    declared = {
        uti["UTTypeIdentifier"]
        for uti in info["UTExportedTypeDeclarations"] + info["UTImportedTypeDeclarations"]
    }
    used = {u for t in info["CFBundleDocumentTypes"] for u in t["LSItemContentTypes"]}
    assert used == declared
    entitlements = REPO_ROOT / "packaging" / "macos" / "entitlements.plist"
    plistlib.loads(entitlements.read_bytes())


def test_the_release_workflow_builds_and_self_tests_each_system() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    runners = {name: jobs[name]["runs-on"] for name in ("linux", "windows", "macos")}
    assert runners["linux"].startswith("ubuntu") and runners["windows"].startswith("windows")
    assert runners["macos"].startswith("macos")
    for name in runners:
        steps = jobs[name]["steps"]
        scripts = " ".join(step.get("run", "") for step in steps)
        assert "--self-test" in scripts, name
        for script in re.findall(r"bash (packaging/\S+\.sh)", scripts):
            assert (REPO_ROOT / script).is_file(), script
        assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)
    assert jobs["release"]["needs"] == ["linux", "windows", "macos"]


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint not installed")
def test_actionlint_finds_nothing_in_the_workflow() -> None:
    result = subprocess.run(
        ["actionlint", str(WORKFLOW)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_desktop_entry_hands_its_files_to_studydesk() -> None:
    entry = (LINUX / "org.studydesk.StudyDesk.desktop").read_text(encoding="utf-8")
    assert "Exec=studydesk %F\n" in entry
    mime = (LINUX / "studydesk-mime.xml").read_text(encoding="utf-8")
    globs = {f".{g}" for g in re.findall(r'<glob pattern="\*\.(\w+)"/>', mime)}
    assert globs == ASSOCIATED and globs <= set(OPENABLE)
    types = set(re.findall(r'<mime-type type="([^"]+)"', mime))
    assert set(re.search(r"MimeType=(.*)", entry).group(1).strip(";").split(";")) == types  # type: ignore[union-attr]
    overrides = (LINUX / "lintian-overrides").read_text(encoding="utf-8")
    assert "desktop-mime-but-no-exec-code" not in overrides
