"""The dependency rule: storage, domain, importers and sync never import Qt."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ["app/core", "app/db", "app/importers", "app/sync"]


def qt_free_modules() -> list[Path]:
    files = [path for folder in QT_FREE for path in sorted((ROOT / folder).rglob("*.py"))]
    assert any("app/core" in str(p) for p in files) and any("app/db" in str(p) for p in files)
    return files


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
