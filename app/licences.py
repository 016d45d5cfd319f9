"""The licences of Study Desk and of everything its bundle carries, for the About dialog and the
bundle's `licences/` folder.

Generated, not typed: each Python package's licence files come from its installed metadata
(`License-File`, the files in its dist-info), its licence from `License-Expression` or
`License`; FFmpeg's licence from the bundled library itself (`avutil_license()`); Python's from
the interpreter's own LICENSE.txt; SQLite's version from the library. Where a wheel carries no
text (PySide6 and shiboken6 ship none; fsrs-rs-python declares none), the text comes from
`resources/licences/`, and `tests/packaging/test_licences.py` fails for any runtime package that
ends up with none at all.

The bundle build (packaging/studydesk.spec) writes `licences/THIRD-PARTY-LICENCES.txt` and
`licences/LICENSE` into the bundle, because a frozen app has no package metadata to read; the
About dialog reads that file there, and generates the same text from a checkout.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sqlite3
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.paths import bundle_root, resources_dir

THIRD_PARTY_FILE = "THIRD-PARTY-LICENCES.txt"
OWN_LICENCE_FILE = "LICENSE"
BUNDLE_FOLDER = "licences"

# Texts for the packages whose wheels carry none, by distribution name.
TEXTS_FOR = {
    "pyside6-essentials": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "pyside6-addons": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "shiboken6": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "fsrs-rs-python": ("fsrs-rs-python.txt",),
}
# What to say of a package whose metadata names no licence.
LICENCE_FOR = {
    "fsrs-rs-python": "not declared by the package; its core, fsrs-rs, is BSD-3-Clause",
}
_LICENCE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)

QT_NOTICE = """\
Qt {qt} and PySide6 {pyside} (Qt for Python) are used under the GNU Lesser General Public
License version 3 (LGPL-3.0, text below, with the GNU GPL 3.0 it builds on). Study Desk links
them dynamically and does not modify them. Their source code is published by The Qt Company at
https://download.qt.io/official_releases/qt/ and
https://download.qt.io/official_releases/QtForPython/ (and on request from the Study Desk
maintainers, for three years from this release).

How to replace them with your own build: the Qt libraries are separate files in the installed
program (Linux: lib/studydesk/_internal/PySide6/Qt/lib/libQt6*.so.6 and the PySide6/*.so
modules beside them; Windows: _internal\\PySide6\\*.dll and *.pyd; macOS:
Study Desk.app/Contents/Frameworks/PySide6/Qt/lib/*.framework). Build Qt {qt} and PySide6
{pyside} (modified as you wish) with the same configuration and put your files in place of
these; Study Desk loads whatever is there at start-up. `studydesk --self-test` checks the
result."""

FFMPEG_NOTICE = """\
FFmpeg ({version}; libavcodec, libavformat, libswresample, libswscale), as built and
shipped by Qt for QtMultimedia, is used under the {licence} (the library's own answer to
avutil_license(); LGPL-2.1 text below). It is linked dynamically: the files are
libav*.so.* / av*.dll / libav*.dylib beside the Qt libraries and can be replaced the same way.
Source: https://ffmpeg.org/download.html and Qt's build of it at
https://download.qt.io/official_releases/qt/."""

SQLITE_NOTICE = """\
SQLite {version}, part of Python's sqlite3 module, is in the public domain
(https://sqlite.org/copyright.html): "May you do good and not evil. May you find forgiveness
for yourself and forgive others. May you share freely, never taking more than you give." """


@dataclass(frozen=True)
class Component:
    """One bundled thing and its licence: `texts` are (file name, text) pairs."""

    name: str
    version: str
    licence: str
    texts: tuple[tuple[str, str], ...]
    notice: str = ""


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def declared_requirements(pyproject: Path | None = None) -> list[str]:
    """Study Desk's own runtime requirements, as pyproject.toml declares them."""
    path = pyproject or _repo_root() / "pyproject.toml"
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def runtime_distributions(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """Every installed distribution the requirements need on this computer (the closure)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(line) for line in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        distribution = metadata.distribution(name)
        found[name] = distribution
        for line in distribution.requires or []:
            child = Requirement(line)
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                todo.append(child)
    return [found[name] for name in sorted(found)]


def _field(distribution: metadata.Distribution, name: str) -> str:
    """A metadata field's value, "" when absent (`PackageMetadata` types no `get`)."""
    value = distribution.metadata[name]  # an email.message.Message: None when absent
    return str(value) if value is not None else ""


def _licence_of(distribution: metadata.Distribution) -> str:
    meta = distribution.metadata
    expression = _field(distribution, "License-Expression")
    if expression:
        return expression
    licence = _field(distribution, "License").strip()
    if licence and "\n" not in licence and len(licence) < 80:
        return licence
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or ("see the text below" if licence else "not declared")


def _texts_of(distribution: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in distribution.files or []:
        parts = Path(str(file)).parts
        if parts and parts[0].endswith(".dist-info") and _LICENCE_NAME.search(parts[-1]):
            path = Path(str(distribution.locate_file(file)))
            if path.is_file():
                texts.append((parts[-1], path.read_text(encoding="utf-8", errors="replace")))
    if not texts:
        licence = _field(distribution, "License").strip()
        if "\n" in licence:  # the whole text, in the License field (older metadata)
            texts.append(("License (from the package metadata)", licence))
    return texts


def _stored_texts(names: Iterable[str]) -> list[tuple[str, str]]:
    folder = resources_dir() / "licences"
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in names]


def python_component(distribution: metadata.Distribution) -> Component:
    from packaging.utils import canonicalize_name

    name = canonicalize_name(distribution.metadata["Name"])
    texts = _texts_of(distribution)
    if not texts and name in TEXTS_FOR:
        texts = _stored_texts(TEXTS_FOR[name])
    licence = _licence_of(distribution)
    if licence == "not declared":
        licence = LICENCE_FOR.get(name, licence)
    return Component(distribution.metadata["Name"], distribution.version, licence, tuple(texts))


def _python_itself() -> Component:
    candidates = [
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}",
        Path(sys.base_prefix),
    ]
    texts = []
    for folder in candidates:
        path = folder / "LICENSE.txt"
        if path.is_file():
            texts = [("LICENSE.txt", path.read_text(encoding="utf-8", errors="replace"))]
            break
    return Component("Python", sys.version.split()[0], "PSF-2.0", tuple(texts))


def _qt_component() -> Component:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    return Component(
        "Qt and PySide6",
        qVersion(),
        "LGPL-3.0-only",
        tuple(_stored_texts(("LGPL-3.0.txt", "GPL-3.0.txt"))),
        QT_NOTICE.format(qt=qVersion(), pyside=pyside),
    )


def _avutil() -> Path | None:
    """The bundled libavutil with the longest name (the one naming its full version)."""
    from PySide6.QtCore import QLibraryInfo

    folders = [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath)),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.BinariesPath)),
    ]
    for folder in folders:
        for pattern in ("libavutil.so.*", "avutil-*.dll", "libavutil.*.dylib"):
            found = sorted(folder.glob(pattern), key=lambda path: len(path.name))
            if found:
                return found[-1]
    return None


def _ffmpeg_component() -> Component | None:
    """FFmpeg's licence as the library states it: the string avutil_license() returns,
    read from the file (loading it needs the OpenSSL stub Qt resolves at run time)."""
    path = _avutil()
    if path is None:
        return None
    found = re.search(rb"libavutil license: ([^\x00]{3,80})\x00", path.read_bytes())
    licence = found.group(1).decode("ascii", "replace") if found else "not stated"
    version = "libavutil " + ".".join(re.findall(r"\d+", path.name))
    return Component(
        "FFmpeg",
        version,
        licence,
        tuple(_stored_texts(("LGPL-2.1.txt",))),
        FFMPEG_NOTICE.format(version=version, licence=f"GNU {licence}"),
    )


def _sqlite_component() -> Component:
    notice = SQLITE_NOTICE.format(version=sqlite3.sqlite_version)
    return Component("SQLite", sqlite3.sqlite_version, "Public domain", (("notice", notice),))


def collect(requirements: Iterable[str] | None = None) -> list[Component]:
    """Every bundled component with its licence texts: the Python packages Study Desk needs,
    Python, Qt, FFmpeg and SQLite."""
    wanted = declared_requirements() if requirements is None else list(requirements)
    components = [python_component(d) for d in runtime_distributions(wanted)]
    ffmpeg = _ffmpeg_component()
    extras = [_python_itself(), _qt_component(), *([ffmpeg] if ffmpeg else []), _sqlite_component()]
    return extras + components


def render(components: Iterable[Component]) -> str:
    """One plain-text file: a list of everything, then each licence text in full."""
    components = list(components)
    rule = "=" * 78
    lines = [
        "Study Desk is under the MIT License (the file LICENSE beside this one).",
        "It carries the following software, each under its own licence:",
        "",
    ]
    lines += [f"  {c.name} {c.version}: {c.licence}" for c in components]
    for component in components:
        lines += ["", rule, f"{component.name} {component.version}: {component.licence}", rule]
        if component.notice:
            lines += ["", component.notice]
        for name, text in component.texts:
            lines += ["", f"--- {name}", "", text.rstrip()]
    return "\n".join(lines) + "\n"


def write_bundle_licences(folder: Path) -> list[Path]:
    """Write LICENSE and THIRD-PARTY-LICENCES.txt into `folder` (the bundle build's)."""
    folder.mkdir(parents=True, exist_ok=True)
    own = folder / OWN_LICENCE_FILE
    own.write_text((_repo_root() / "LICENSE").read_text(encoding="utf-8"), encoding="utf-8")
    third = folder / THIRD_PARTY_FILE
    third.write_text(render(collect()), encoding="utf-8")
    return [own, third]


def own_licence_text() -> str:
    for path in (bundle_root() / BUNDLE_FOLDER / OWN_LICENCE_FILE, _repo_root() / "LICENSE"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return "MIT License"


def third_party_text() -> str:
    """What the About dialog shows: the bundle's file, or generated from a checkout."""
    bundled = bundle_root() / BUNDLE_FOLDER / THIRD_PARTY_FILE
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8")
    try:
        return render(collect())
    except ImportError as error:  # `packaging` comes with the test tools, not the app
        return f"The licences are listed in the installed bundle ({error.name} is not here)."
