"""The sidebar's views, each built the first time it is shown.

Startup then pays only for Today: the other views (and what they import, QtCharts among it) load
when the learner first opens them, or when another part of the window asks for one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from app.features import FEATURES, Destination, ViewDecl, load
from app.ui.context import ViewContext

# In sidebar order (Ctrl+1, Ctrl+2, ...), as the features declare them.
VIEWS: tuple[ViewDecl, ...] = tuple(view for feature in FEATURES for view in feature.views)


class LazyViews:
    """The stack's pages: the first built now, the others replaced on first use."""

    def __init__(self, stack: QStackedWidget, context: ViewContext, specs: tuple[ViewDecl, ...]):
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
            view = load(self.specs[row].factory)(self.context)
            assert isinstance(view, QWidget)
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

    def row_opening(self, destination: Destination) -> int:
        """The row of the view that opens `destination` (each is declared by exactly one)."""
        return next(row for row, spec in enumerate(self.specs) if destination in spec.opens)

    def show(self, row: int) -> None:
        self.get(row)
        self.stack.setCurrentIndex(row)
