"""Every package Study Desk carries has its licence text, generated from installed metadata;
Qt's entry says how to replace it; the bundle's file is the same text (test_bundle.py)."""

from __future__ import annotations

from app.licences import collect, declared_requirements, render, runtime_distributions


def test_every_bundled_component_has_a_licence_text() -> None:
    components = collect()
    missing = [c.name for c in components if not any(text.strip() for _, text in c.texts)]
    assert missing == [], f"no licence text for {missing}: add one to resources/licences/"
    undeclared = [c.name for c in components if c.licence == "not declared"]
    assert undeclared == [], f"no licence named for {undeclared}: app/licences.py LICENCE_FOR"


def test_every_runtime_package_is_listed() -> None:
    names = {c.name.lower() for c in collect()}
    wanted = {d.metadata["Name"].lower() for d in runtime_distributions(declared_requirements())}
    assert wanted <= names
    assert {"pyside6_essentials", "sqlalchemy", "fsrs-rs-python"} <= names
    assert {"python", "qt and pyside6", "ffmpeg", "sqlite"} <= names


def test_test_tools_are_not_listed_as_bundled() -> None:
    names = {c.name.lower() for c in collect()}
    assert not names & {"pytest", "pyinstaller", "mypy", "ruff", "hypothesis"}


def test_the_text_says_how_to_replace_qt_and_holds_the_lgpl() -> None:
    text = render(collect())
    assert "How to replace them with your own build" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "Version 2.1, February 1999" in text  # FFmpeg's LGPL-2.1
    assert "LGPL version 2.1 or later" in text  # as libavutil states it
