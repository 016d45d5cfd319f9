"""A second launch on the same data dir brings the first window forward instead of opening twice."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from pytestqt.qtbot import QtBot

from app.paths import DataLocations
from app.ui.single_instance import SingleInstance, server_name


def test_a_second_launch_asks_the_first_to_come_forward(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(DataLocations(tmp_path / "data"))
    first = SingleInstance(name)
    assert first.listen()
    second = SingleInstance(name)
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=5000):
            answered = second.forward_to_running()
        assert answered  # so the second launch exits quietly
    finally:
        first.close()


def test_a_second_launch_for_a_profile_names_it_to_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(DataLocations(tmp_path / "data"))
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.open_requested, timeout=5000) as asked:
            assert SingleInstance(name).forward_to_running("Zoë María")
        assert asked.args == ["Zoë María"]
    finally:
        first.close()


@pytest.mark.timed
def test_the_first_launch_finds_nobody_quickly(tmp_path: Path) -> None:
    lonely = SingleInstance(server_name(DataLocations(tmp_path / "data")))
    started = time.perf_counter()
    assert not lonely.forward_to_running()
    assert time.perf_counter() - started < 1.0


def test_each_data_dir_has_its_own_instance(tmp_path: Path) -> None:
    one = server_name(DataLocations(tmp_path / "one"))
    two = server_name(DataLocations(tmp_path / "two"))
    assert one != two
    assert one == server_name(DataLocations(tmp_path / "one"))


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_a_socket_left_by_a_crashed_instance_is_taken_over(tmp_path: Path) -> None:
    name = server_name(DataLocations(tmp_path / "data"))
    path = Path(QDir.tempPath()) / name
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(path))  # bound, never listening, never removed: as after a crash
    leftover.close()
    try:
        assert not SingleInstance(name).forward_to_running()
        again = SingleInstance(name)
        assert again.listen()
        try:
            assert SingleInstance(name).forward_to_running()
        finally:
            again.close()
    finally:
        path.unlink(missing_ok=True)
