"""Today's "continue your course" section, hosted by the Today view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lessons_helpers import SAMPLE_TOPIC, WAIT_MS, open_legacy_learner
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click

from app.core.opening import OpenProfile
from app.core.sample_actions import remove_sample_content
from app.features import Destination
from app.paths import DataLocations
from app.ui.lessons.today_section import ContinueCourseSection
from app.ui.today.view import TodayView


def today_with_section(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> TodayView:
    today = TodayView(gui.context(opened))
    qtbot.addWidget(today)
    today.add_section(ContinueCourseSection(gui.context(opened)))
    today.show()
    qtbot.waitExposed(today)
    return today


@pytest.fixture
def learner(locations: DataLocations) -> Iterator[OpenProfile]:
    opened = open_legacy_learner(locations)
    yield opened
    if opened.lock.held:
        opened.close()


def test_continue_names_the_course_and_lesson_and_asks_to_open_it(
    qtbot: QtBot, gui: Gui, learner: OpenProfile
) -> None:
    today = today_with_section(qtbot, gui, learner)
    (section,) = today.sections
    assert isinstance(section, ContinueCourseSection)
    qtbot.waitUntil(section.isVisible, timeout=WAIT_MS)
    assert not today.empty.isVisible()
    assert section.heading.text() == "Continue your course"
    assert section.course.text() == (
        "black holes — Stellar-Mass Black Hole Formation: Core-Collapse Supernovae"
    )
    assert section.bar.value() == 0
    assert section.counts.text() == "0 of 52 lessons completed"
    with qtbot.waitSignal(section.context.navigator.requested, timeout=WAIT_MS) as asked:
        click(qtbot, section.button)
    assert section.found is not None
    assert asked.args == [Destination.LESSON, (section.found.target.lesson_id,)]


def test_a_new_profile_is_offered_its_sample_course_and_an_empty_one_nothing(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    today = today_with_section(qtbot, gui, opened)
    (section,) = today.sections
    assert isinstance(section, ContinueCourseSection)
    qtbot.waitUntil(section.isVisible, timeout=WAIT_MS)
    assert section.heading.text() == "Start a course"
    assert section.course.text() == f"{SAMPLE_TOPIC} — The forgetting curve"
    assert section.button.text() == "&Start"

    runner = today.context.runner
    with qtbot.waitSignal(runner.data_changed, timeout=WAIT_MS):
        runner.run_write(lambda _p: remove_sample_content(opened.database), label="")
    qtbot.waitUntil(lambda: not section.isVisible(), timeout=WAIT_MS)
    assert today.empty.isVisible()
