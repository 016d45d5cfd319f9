"""The sidebar's views, each built the first time it is shown.

Startup then pays only for Today: the other views (and what they import, QtCharts among it) load
when the learner first opens them, or when another part of the window asks for one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStackedWidget, QWidget

from app.ui.context import ViewContext


@dataclass(frozen=True)
class ViewSpec:
    title: str
    path: str  # "package.module:ClassName"

    def factory(self) -> Callable[[ViewContext], QWidget]:
        module, _, name = self.path.partition(":")
        view_class: Callable[[ViewContext], QWidget] = getattr(
            importlib.import_module(module), name
        )
        return view_class


# In sidebar order (Ctrl+1, Ctrl+2, ...); each feature adds its view here.
VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("Today", "app.ui.today.view:TodayView"),
    ViewSpec("Lessons", "app.ui.lessons.view:LessonsView"),
    ViewSpec("Review", "app.ui.review.view:ReviewView"),
    ViewSpec("Cards", "app.ui.cards.view:CardBrowserView"),
    ViewSpec("Statistics", "app.ui.stats.view:StatisticsView"),
)


class LazyViews:
    """The stack's pages: the first built now, the others replaced on first use."""

    def __init__(self, stack: QStackedWidget, context: ViewContext, specs: tuple[ViewSpec, ...]):
        self.stack = stack
        self.context = context
        self.specs = specs
        self.built: list[QWidget | None] = [None] * len(specs)
        for _spec in specs:
            stack.addWidget(QWidget())
        self.get(0)

    def get(self, row: int) -> QWidget:
        view = self.built[row]
        if view is None:
            view = self.specs[row].factory()(self.context)
            placeholder = self.stack.widget(row)
            current = self.stack.currentIndex()
            self.stack.insertWidget(row, view)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
            self.built[row] = view
        return view

    def row_of(self, title: str) -> int:
        return next(row for row, spec in enumerate(self.specs) if spec.title == title)

    def show(self, row: int) -> None:
        self.get(row)
        self.stack.setCurrentIndex(row)
