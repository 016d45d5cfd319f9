"""Every page of the Assessments view read whole at 800 x 600 with the text at 130 %: each tab,
the block being taken (tutor, explanation shown) and its review."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from assessment_helpers import make_questions
from assessments_ui_helpers import WAIT_MS, context, make_view, wait_idle
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.assessments.blocks import create_block
from app.core.assessments.blueprints import Blueprint
from app.ui.assessments.view import ANALYTICS, BLOCKS, BUILDER, AssessmentsView
from app.ui.context import ViewContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from fit_helpers import cut_off

__all__ = ["context"]
SMALL = (800 - 150, 600 - 40)  # the view's room in the window (less the sidebar and menus)


@pytest.fixture
def larger_text(context: ViewContext) -> Iterator[None]:
    context.appearance.apply_text_size(130)
    yield
    context.appearance.apply_text_size(100)


def settle(qtbot: QtBot, view: AssessmentsView, name: str, tmp_path: Path) -> list[str]:
    wait_idle(qtbot, view.context)
    qtbot.wait(60)
    view.grab().save(str(tmp_path / f"{name}.png"))
    return cut_off(view)


def test_every_page_fits_a_small_screen_at_larger_text(
    qtbot: QtBot, context: ViewContext, larger_text: None, tmp_path: Path
) -> None:
    make_questions(context.opened.database, 30)
    view = make_view(qtbot, context, SMALL)
    assert settle(qtbot, view, "bank", tmp_path) == []
    for tab in (BUILDER, BLOCKS, ANALYTICS):
        view.tabs.setCurrentIndex(tab)
        assert settle(qtbot, view, f"tab{tab}", tmp_path) == [], tab
    made = create_block(context.opened.database, Blueprint(count=5, mode="tutor"), seed=1)
    view.take_block(made.block_id)
    qtbot.waitUntil(lambda: view.taking.session is not None, timeout=WAIT_MS)
    qtbot.keyClick(view.taking, Qt.Key.Key_A)
    qtbot.keyClick(view.taking, Qt.Key.Key_Return)
    assert settle(qtbot, view, "taking", tmp_path) == []
    assert view.taking.question_panel.explanation.isVisible()
    view.taking.submit()
    qtbot.waitUntil(lambda: view.review.review is not None, timeout=WAIT_MS)
    assert settle(qtbot, view, "review", tmp_path) == []
    view.show_home(ANALYTICS)
    assert settle(qtbot, view, "analytics", tmp_path) == []
    assert view.width() <= SMALL[0] and view.minimumSizeHint().width() <= SMALL[0]
