"""`studydesk import markdown DIR [--library] [--json]` and `studydesk notes export DIR`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_fixtures import write

import app.cli
from app.cli import run
from app.features import FEATURES
from app.features.notebook import NOTEBOOK


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if NOTEBOOK not in FEATURES:  # until the Notebook is in FEATURES
        monkeypatch.setattr(app.cli, "FEATURES", (*FEATURES, NOTEBOOK))
    return tmp_path / "data"


def studydesk(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


def test_import_a_folder_then_export_it_and_import_the_export_back(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = tmp_path / "Vault"
    write(vault, "Heart.md", "---\ntags: cardio\n---\nSee [[Valves]] and [[Lungs]].")
    write(vault, "Cardio/Valves.md", "Mitral. #cardio/valves")

    assert studydesk(data, "import", "markdown", str(vault), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["notes"], report["notebooks"], report["tags"], report["links"]) == (2, 2, 2, 1)
    assert report["unresolved_links"] == 0
    assert report["problems"] == [
        {"file": "Heart.md", "problem": "links to “Lungs”, not in the folder"}
    ]

    assert studydesk(data, "import", "markdown", str(vault)) == 0
    out, err = capsys.readouterr()
    assert out == "Every note in Vault was imported before; nothing new came in.\n"
    assert err == "studydesk: Heart.md: links to “Lungs”, not in the folder\n"

    assert studydesk(data, "notes", "export", str(tmp_path / "out"), "--notebook", "cardio") == 0
    assert capsys.readouterr().out.startswith("Exported 1 note to ")
    assert studydesk(data, "notes", "export", str(tmp_path / "all"), "--json") == 0
    assert json.loads(capsys.readouterr().out)["notes"] >= 2  # the sample notes may be there
    assert "[[Valves]]" in (tmp_path / "all" / "Vault" / "Heart.md").read_text()

    assert studydesk(data, "import", "markdown", str(tmp_path / "all"), "--json") == 0
    assert json.loads(capsys.readouterr().out)["notes"] == 0

    assert studydesk(data, "notes", "export", str(tmp_path / "all")) == 1
    assert "is not empty" in capsys.readouterr().err


def test_reference_text_as_library_articles(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "ref", "Starling.md", "# Starling's law\nPreload and stroke volume.")
    assert studydesk(data, "import", "markdown", str(tmp_path / "ref"), "--library") == 0
    assert capsys.readouterr().out == "Imported 1 library article from ref.\n"
    assert studydesk(data, "import", "markdown", str(tmp_path / "nothing")) == 1
    assert "is not a folder" in capsys.readouterr().err
