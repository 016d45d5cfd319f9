"""The dependency rule (ui -> core -> db), checked on the source.

Storage, domain, importers, sync and the feature declarations never import Qt; every write goes
through a core action, so nothing in the GUI or the CLI opens a session or runs SQL; core never
imports the importers; one feature's UI never imports another's; and what each feature declares
(views, destinations, changes) is what its views really do.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ["app/core", "app/db", "app/importers", "app/sync", "app/features"]
# The front ends: they call core actions and reads, never the database itself.
FRONT_ENDS = ["app/ui", "app/cli"]
# What only core (and db, importers) may use: a session, a connection, SQL.
DATABASE_WORDS = ("write_session", "read_session", "raw_connection", "Session(", ".execute(")
DATABASE_MODULES = ("sqlalchemy", "sqlite3")
# Each feature's own UI package; none imports another's (navigation goes through Navigator).
FEATURE_UIS = [
    "app/ui/today",
    "app/ui/lessons",
    "app/ui/review",
    "app/ui/cards",
    "app/ui/stats",
    "app/ui/videos",
    "app/ui/notebook",
    "app/ui/assessments",
    "app/ui/planner",
    "app/ui/sync",
]


def qt_free_modules() -> list[Path]:
    files = [path for folder in QT_FREE for path in sorted((ROOT / folder).rglob("*.py"))]
    assert any("app/core" in str(p) for p in files) and any("app/db" in str(p) for p in files)
    return files


def modules_under(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def imported_names(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_qt_free_module_imports_pyside6():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in qt_free_modules()
        for name in imported_names(path)
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6"))
    ]
    assert offenders == []


def test_the_import_scan_sees_both_import_forms(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import PySide6.QtCore\nfrom PySide6 import QtWidgets\n")
    assert imported_names(sample) == ["PySide6.QtCore", "PySide6"]


def test_importing_every_qt_free_module_loads_no_qt():
    modules = []
    for path in qt_free_modules():
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not qt, qt\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "app.db.database" in modules and "app.core.opening" in modules


def test_the_migrations_folder_is_not_a_package():
    # An alembic/__init__.py would shadow the alembic library for every importer.
    assert (ROOT / "alembic" / "env.py").exists()
    assert list((ROOT / "alembic").rglob("__init__.py")) == []


def test_nothing_in_the_gui_or_the_cli_opens_a_session_or_runs_sql():
    offenders = []
    for path in modules_under(*FRONT_ENDS):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        offenders += [f"{where} uses {word}" for word in DATABASE_WORDS if word in text]
        offenders += [
            f"{where} imports {name}"
            for name in imported_names(path)
            if name.split(".")[0] in DATABASE_MODULES
        ]
    assert offenders == [], "write through a core action (app/README.md): " + "; ".join(offenders)


def test_core_never_imports_the_importers():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules_under("app/core", "app/db")
        for name in imported_names(path)
        if name == "app.importers" or name.startswith("app.importers.")
    ]
    assert offenders == []


def test_no_feature_ui_imports_another_features_ui():
    packages = {folder.replace("/", "."): folder for folder in FEATURE_UIS}
    offenders = []
    for folder in FEATURE_UIS:
        own = folder.replace("/", ".")
        for path in modules_under(folder):
            offenders += [
                f"{path.relative_to(ROOT)} imports {name}"
                for name in imported_names(path)
                for other in packages
                if other != own and (name == other or name.startswith(other + "."))
            ]
    assert offenders == []


def test_the_scans_see_what_they_look_for(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy import select\nimport app.importers.cards_csv\n")
    assert imported_names(sample) == ["sqlalchemy", "app.importers.cards_csv"]
    assert all((ROOT / folder).is_dir() for folder in FRONT_ENDS + FEATURE_UIS)


def test_every_declared_destination_is_opened_by_its_view_and_only_one():
    from app.features import FEATURES, Destination, load
    from app.features.declarations import DESTINATION_METHODS

    openers: dict[Destination, list[str]] = {destination: [] for destination in Destination}
    for feature in FEATURES:
        for view in feature.views:
            for destination in view.opens:
                openers[destination].append(view.title)
                method = DESTINATION_METHODS[destination]
                assert callable(getattr(load(view.factory), method, None)), (view.title, method)
    assert {d: len(titles) for d, titles in openers.items()} == {d: 1 for d in Destination}


def test_each_features_views_show_what_the_feature_declares():
    import importlib
    import inspect
    import pkgutil

    from app.features import FEATURES
    from app.ui.refresh import RefreshOnChange

    checked = []
    for feature in FEATURES:
        packages = {p.factory.rsplit(".", 1)[0] for p in (*feature.views, *feature.today)}
        for package in sorted(packages):
            names = [package] + [
                f"{package}.{info.name}"
                for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
            ]
            for name in names:
                for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
                    if issubclass(cls, RefreshOnChange) and cls.__module__ == name:
                        assert cls.SHOWS, f"{name}.{cls.__name__} declares no SHOWS"
                        assert cls.SHOWS & feature.shows == cls.SHOWS, (cls, feature.name)
                        checked.append(cls.__name__)
    assert {"TodayView", "LibraryPage", "ReviewPane", "DueCardsSection"} <= set(checked)
    titles = [view.title for feature in FEATURES for view in feature.views]
    assert len(titles) == len(set(titles))
