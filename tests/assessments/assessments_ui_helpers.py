"""Helpers for the Assessments view's GUI tests: a real profile in tmp_path with a window's
context around it, the view built and shown, waiting for its reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile
from app.logs import setup_logging
from app.paths import DataLocations, data_locations
from app.ui.assessments.view import AssessmentsView
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance

WAIT_MS = 5000


@pytest.fixture
def context(qapp: QApplication, data_dir: Path) -> Iterator[ViewContext]:
    locations: DataLocations = data_locations()
    opened: OpenProfile = open_profile(locations, create_profile(locations, "Sam"))
    runner = TaskRunner()
    reporter = ErrorReporter(setup_logging(locations))
    runner.user_error.connect(reporter.user_error)
    made = ViewContext(
        locations, runner, opened, DeviceSettings(locations), Appearance(qapp), reporter
    )
    yield made
    runner.shutdown(timeout=10)
    if made.opened.lock.held:
        made.opened.close()


def make_view(
    qtbot: QtBot, context: ViewContext, size: tuple[int, int] = (1000, 650)
) -> AssessmentsView:
    view = AssessmentsView(context)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, context)
    return view


def wait_idle(qtbot: QtBot, context: ViewContext) -> None:
    """Until every read and write asked so far has answered."""
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=WAIT_MS)
    qtbot.wait(10)
