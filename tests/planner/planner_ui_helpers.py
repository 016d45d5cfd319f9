"""Helpers for the Planner's GUI tests: a real profile in tmp_path with a window's context, a
fixed clock for the planner's parts, content made through the planner tests' helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.opening import OpenProfile, open_profile
from app.core.planner.today import forget_cached
from app.core.profiles import create_profile
from app.logs import setup_logging
from app.paths import DataLocations, data_locations
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.planner import common
from app.ui.planner.view import PlannerView
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance

WAIT_MS = 10_000
ZONE = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZONE)  # a Monday morning
TODAY = NOW.date()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def fix_clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The planner's parts read `now` from the list returned: a test moves the clock by
    replacing its item."""
    moment = [NOW]
    monkeypatch.setattr(common, "now", lambda: moment[0])
    return moment


def open_context(qapp: QApplication) -> Iterator[ViewContext]:
    """A window's context over a new profile in the data dir (the `data_dir` fixture's)."""
    forget_cached()
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
    forget_cached()


def wait_idle(qtbot: QtBot, context: ViewContext) -> None:
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=WAIT_MS)
    qtbot.wait(10)


def make_view(
    qtbot: QtBot, context: ViewContext, size: tuple[int, int] = (1000, 650)
) -> PlannerView:
    view = PlannerView(context)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.reads > 0, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    return view


def read_again(qtbot: QtBot, view: PlannerView, context: ViewContext) -> None:
    """Until the view has shown a schedule read after now."""
    before = view.reads
    qtbot.waitUntil(lambda: view.reads > before, timeout=WAIT_MS)
    wait_idle(qtbot, context)
