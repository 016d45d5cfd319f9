"""The question being taken, in one column that scrolls: its stem (selectable, with the
learner's highlights), its choices and, once answered in tutor mode, the verdict and the
explanation. Stems are rendered once per block and kept (the next one ahead of time)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMenu, QScrollArea, QVBoxLayout, QWidget

from app.core.assessments.blocks import BlockQuestion
from app.core.assessments.replay import QuestionState
from app.ui.assessments.choice_rows import ChoiceList
from app.ui.assessments.question_html import revealed_html
from app.ui.assessments.question_text import QuestionText, safe_html


class QuestionPanel(QScrollArea):
    """Signals from the stem's context menu: `highlight_requested(span)` for the text selected,
    `note_requested()` for a note on the question."""

    highlight_requested = Signal(object)
    note_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html: dict[int, str] = {}
        self.stem = QuestionText("Question", fit_height=True)
        self.stem.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.stem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stem.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.choices = ChoiceList()
        self.explanation = QuestionText("Explanation", fit_height=True)
        self.explanation.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.explanation.hide()
        # The stem, its choices and (tutor) the explanation in one column that scrolls.
        column = QWidget()
        column.setAutoFillBackground(True)
        column.setBackgroundRole(QPalette.ColorRole.Base)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 8, 8)
        column_layout.addWidget(self.stem)
        column_layout.addWidget(self.choices)
        column_layout.addWidget(self.explanation)
        column_layout.addStretch(1)
        self.setWidgetResizable(True)
        self.setWidget(column)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stem.customContextMenuRequested.connect(self._stem_menu)

    def forget_stems(self) -> None:
        """A new block: the stems rendered for the last one are of no use."""
        self._html = {}

    @property
    def has_stems(self) -> bool:
        return bool(self._html)

    def stem_html(self, position: int, question: BlockQuestion, media: Path) -> str:
        html = self._html.get(position)
        if html is None:
            if question.deleted:
                html = f"<p><i>{question.stem}</i></p>"
            else:
                html = safe_html(question.stem, media)
            self._html[position] = html
        return html

    def show_answer(
        self, question: BlockQuestion, state: QuestionState, revealed: bool, media: Path
    ) -> None:
        """The choices as the learner left them; when `revealed`, the answer, the verdict
        and the explanation too."""
        self.choices.fill(
            question.choices,
            selected=state.selected,
            struck=state.struck,
            answer=question.answer if revealed else None,
        )
        if revealed:
            letters = {c.label: c.display_label for c in question.choices}
            verdict = (
                '<p><b style="color:#2e7d32">Correct.</b></p>'
                if state.selected == question.answer
                else '<p><b style="color:#c62828">Incorrect:</b> the answer is '
                f"{letters.get(question.answer or '', question.answer)}.</p>"
            )
            self.explanation.show_html(verdict + revealed_html(question, media), media)
            self.explanation.show()
        else:
            self.explanation.hide()

    def clear_selection(self) -> None:
        cursor = self.stem.textCursor()
        cursor.clearSelection()
        self.stem.setTextCursor(cursor)

    def _stem_menu(self, at: QPoint) -> None:
        span = self.stem.selection_span()
        menu = QMenu(self)
        highlight = menu.addAction("Highlight (H)")
        highlight.setEnabled(span is not None)
        menu.addAction("Note on this question… (Ctrl+Shift+N)", lambda: self.note_requested.emit())
        chosen = menu.exec(self.stem.mapToGlobal(at))
        if chosen is highlight and span is not None:
            self.highlight_requested.emit(span)
