"""Taking a block, as in the board exam: one question at a time, the navigator, the keyboard,
strikes and highlights, a countdown in timed mode, the explanation after each answer in tutor
mode.

Every selection, strike, flag, highlight and move is one write through the task runner's write
thread (`TakingSession`, one durable event each), in the order the learner made them; the page
shows the change at once and takes the state each write returns as the truth. Time is the
core's: `remaining_ms()` is measured with a monotonic clock; the page only reads it.

The keys are `taking_keys.py`; the question's column (stem, choices, explanation)
`question_panel.py`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.blocks import BlockQuestion
from app.core.assessments.replay import QuestionState
from app.core.assessments.taking import (
    AnswerChecked,
    BlockState,
    BlockTimeUp,
    EventWritten,
    TakingSession,
    open_block,
)
from app.errors import UserError
from app.ui.assessments.navigator import QuestionNavigator
from app.ui.assessments.question_panel import QuestionPanel
from app.ui.assessments.taking_bars import BlockFooter, BlockHeader
from app.ui.assessments.taking_keys import STRIKE, add_taking_keys, strike_nth, strike_place

if TYPE_CHECKING:
    from app.core.assessments.scoring import BlockScore
    from app.ui.context import ViewContext

TICK_MS = 200
WARNING_MS = 120_000


class TakingPage(QWidget):
    """`finished(block_id, score)`: the block was submitted; `left(block_id)`: suspended, or
    taken over by another window (nothing is lost either way)."""

    HANDLED_KEYS = (STRIKE,)  # Alt+letter: event() and keyPressEvent below
    finished = Signal(str, object)
    left = Signal(str)
    painted = Signal(int)  # a question was put on screen (for the benchmark)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session: TakingSession | None = None
        self.block_id: str | None = None
        self.mode = "tutor"
        self.questions: list[BlockQuestion] = []
        self.states: list[QuestionState] = []
        self.checked: dict[int, bool] = {}  # tutor: position -> correct
        self.current = 0
        self.monotonic = time.monotonic  # the core's clock (a test may give its own)
        self.submitting = False
        self._warned = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.header = BlockHeader()
        self.navigator = QuestionNavigator()
        self.question_panel = QuestionPanel()
        self.stem, self.choices = self.question_panel.stem, self.question_panel.choices
        middle = QHBoxLayout()
        middle.addWidget(self.navigator)
        middle.addWidget(self.question_panel, 1)

        self.footer = BlockFooter()
        self.message = self.footer.message  # the block's messages (the view's too)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(middle, 1)
        layout.addWidget(self.footer)

        self.clock = QTimer(self)
        self.clock.setInterval(TICK_MS)
        self.clock.timeout.connect(self._tick)

        self.navigator.move_requested.connect(self.move_to)
        self.choices.chosen.connect(self.choose)
        self.choices.strike_toggled.connect(self.toggle_strike)
        self.header.flag_button.clicked.connect(lambda: self.toggle_flag())
        self.footer.previous_button.clicked.connect(lambda: self.move_to(self.current - 1))
        self.footer.next_button.clicked.connect(lambda: self.move_to(self.current + 1))
        self.footer.check_button.clicked.connect(self.check_answer)
        self.header.suspend_button.clicked.connect(self.suspend)
        self.header.end_button.clicked.connect(self.end_block)
        self.question_panel.highlight_requested.connect(self.toggle_highlight)
        self.question_panel.note_requested.connect(self.note_on_question)
        add_taking_keys(self)

    # --- Alt+letter strikes out (before the menu bar's Alt keys: see taking_keys.py) ----------

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and strike_place(self, event) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        place = strike_place(self, event)
        if place is None:
            super().keyPressEvent(event)
            return
        strike_nth(self, place)

    # --- opening ------------------------------------------------------------------------------

    def open(self, block_id: str) -> None:
        """Start or resume the block (taking it over from any other window)."""
        opened, monotonic = self.context.opened, self.monotonic

        def work(_progress: object) -> tuple[TakingSession, BlockState]:
            session = open_block(opened.database, block_id, monotonic=monotonic)
            return session, session.state()

        self.block_id = block_id
        self.message.setText("Opening the block…")
        self.context.runner.run_write(
            work,
            label="Opening the block",
            on_done=lambda opened_: self.show_block(*opened_),
            on_error=self._open_failed,
            owner=self,
        )

    def _open_failed(self, error: UserError) -> None:
        self.message.setText("")
        QMessageBox.information(self, "Block", str(error))
        self.left.emit(self.block_id or "")

    def show_block(self, session: TakingSession, state: BlockState) -> None:
        self.session = session
        self.block_id = state.block_id
        self.mode = state.mode
        self.questions = list(state.questions)
        self.states = list(state.states)
        self.checked = {
            n: self.states[n].selected == q.answer
            for n, q in enumerate(self.questions)
            if self.states[n].submitted and q.answer is not None
        }
        self.question_panel.forget_stems()
        self.submitting = False
        self._warned = False
        self.footer.check_button.setVisible(self.mode == "tutor")
        self.navigator.set_count(len(self.questions))
        for n in range(len(self.questions)):
            self._show_nav(n)
        text = ""
        if state.deleted_count:
            text = (
                f"{state.deleted_count} question{'s were' if state.deleted_count > 1 else ' was'}"
                " deleted since this block was made: shown as such, not scored."
            )
        self.message.setText(text)
        self._paint(max(0, min(state.current, len(self.questions) - 1)))
        self._tick()
        self.clock.start()
        self.setFocus()

    def close_block(self) -> None:
        self.clock.stop()
        self.session = None

    # --- what is shown ------------------------------------------------------------------------

    def question(self) -> BlockQuestion | None:
        return self.questions[self.current] if 0 <= self.current < len(self.questions) else None

    def state(self) -> QuestionState | None:
        return self.states[self.current] if 0 <= self.current < len(self.states) else None

    def _stem_html(self, position: int) -> str:
        media = self.context.opened.profile.media_dir
        return self.question_panel.stem_html(position, self.questions[position], media)

    def _paint(self, position: int) -> None:
        """Put question `position` on screen (no read, no write: all is in memory)."""
        self.current = position
        question = self.questions[position]
        media = self.context.opened.profile.media_dir
        self.stem.show_html(self._stem_html(position), media)
        self.stem.set_highlights(self.states[position].highlights)
        total = len(self.questions)
        self.header.show_where(position, total, question)
        self._paint_state()
        self.navigator.show_current(position)
        self.footer.previous_button.setEnabled(position > 0)
        self.footer.next_button.setEnabled(position < total - 1)
        self.question_panel.verticalScrollBar().setValue(0)
        self.painted.emit(position)
        if position + 1 < total:  # the next one rendered ahead while the learner reads
            QTimer.singleShot(
                0,
                self,  # not once the page is gone
                lambda: self._stem_html(position + 1) if self.question_panel.has_stems else None,
            )

    def _paint_state(self) -> None:
        position = self.current
        question, state = self.questions[position], self.states[position]
        revealed = self.mode == "tutor" and state.submitted and question.answer is not None
        media = self.context.opened.profile.media_dir
        self.question_panel.show_answer(question, state, revealed, media)
        self.header.flag_button.setChecked(state.flagged)
        self.footer.check_button.setEnabled(
            not question.deleted and state.selected is not None and not state.submitted
        )
        self._show_nav(position)

    def _show_nav(self, position: int) -> None:
        self.navigator.show_state(
            position,
            self.states[position],
            self.questions[position].deleted,
            self.checked.get(position),
        )

    # --- the clock ----------------------------------------------------------------------------

    def _tick(self) -> None:
        session = self.session
        if session is None:
            return
        remaining = session.remaining_ms()
        if remaining is None:
            self.header.show_elapsed(session.elapsed_ms())
            return
        self.header.show_left(remaining)
        if remaining <= WARNING_MS and not self._warned:
            self._warned = True
            self.header.warn()
            self.message.setText("Two minutes left: the block is submitted when time runs out.")
        if remaining <= 0 and not self.submitting:
            self.message.setText("Time is up: submitting the block.")
            self.submit(timed_out=True)

    # --- writes -------------------------------------------------------------------------------

    def _write(self, fn: Any, on_done: Any = None) -> None:
        session = self.session
        if session is None or self.submitting:
            return

        def done(result: object) -> None:
            if isinstance(result, EventWritten):
                self._written(result)
            if on_done is not None:
                on_done(result)

        self.context.runner.run_write(
            lambda _p: fn(session), label="", on_done=done, on_error=self._refused, owner=self
        )

    def _written(self, written: EventWritten) -> None:
        if self.session is None or not 0 <= written.position < len(self.states):
            return
        self.states[written.position] = written.state
        if written.position == self.current:
            self._paint_state()
        else:
            self._show_nav(written.position)

    def _refused(self, error: UserError) -> None:
        if isinstance(error, BlockTimeUp):
            self.submit(timed_out=True)
            return
        if self.session is None:
            return
        from app.core.assessments.taking import BlockSubmitted, BlockTakenElsewhere

        if isinstance(error, (BlockTakenElsewhere, BlockSubmitted)):
            block_id = self.block_id or ""
            self.close_block()
            QMessageBox.information(self, "Block", str(error))
            self.left.emit(block_id)
            return
        self.message.setText(str(error))

    def _local(self, position: int, **changes: Any) -> None:
        self.states[position] = replace(self.states[position], **changes)
        self._paint_state()

    def choose(self, label: str) -> None:
        question, state = self.question(), self.state()
        if question is None or state is None or question.deleted or state.submitted:
            return
        position = self.current
        self._local(position, selected=label)
        self._write(lambda s: s.select(position, label))

    def toggle_strike(self, label: str) -> None:
        question, state = self.question(), self.state()
        if question is None or state is None or question.deleted:
            return
        position, on = self.current, label not in state.struck
        struck = state.struck | {label} if on else state.struck - {label}
        self._local(position, struck=frozenset(struck))
        self._write(lambda s: s.strike(position, label, on))

    def toggle_flag(self) -> None:
        state = self.state()
        if state is None:
            return
        position, on = self.current, not state.flagged
        self._local(position, flagged=on)
        self._write(lambda s: s.flag(position, on))

    def toggle_highlight(self, span: tuple[int, int] | None = None) -> None:
        state, question = self.state(), self.question()
        span = span or self.stem.selection_span()
        if state is None or question is None or question.deleted or span is None:
            return
        start, end = span
        position = self.current
        inside = next((h for h in state.highlights if h[0] <= start and end <= h[1]), None)
        if inside is not None:
            kept = tuple(h for h in state.highlights if h != inside)
            self._local(position, highlights=kept)
            self._write(lambda s: s.highlight(position, inside[0], inside[1], False))
        else:
            self._local(position, highlights=tuple(sorted({*state.highlights, (start, end)})))
            self._write(lambda s: s.highlight(position, start, end, True))
        self.stem.set_highlights(self.states[position].highlights)
        self.question_panel.clear_selection()

    def move_to(self, position: int) -> None:
        if not self.questions or not 0 <= position < len(self.questions):
            return
        if position == self.current:
            return
        self._paint(position)
        self._write(lambda s: s.move(position))

    def check_answer(self) -> None:
        state, question = self.state(), self.question()
        if self.mode != "tutor" or state is None or question is None:
            return
        if state.selected is None or state.submitted or question.deleted:
            return
        position = self.current
        self._write(lambda s: s.submit_answer(position), on_done=self._checked)

    def _checked(self, checked: AnswerChecked) -> None:
        position = checked.question.position
        if not 0 <= position < len(self.questions):
            return
        self.questions[position] = checked.question
        self.states[position] = checked.state
        self.checked[position] = checked.correct
        if position == self.current:
            self._paint_state()
        else:
            self._show_nav(position)

    # --- leaving ------------------------------------------------------------------------------

    def suspend(self) -> None:
        block_id = self.block_id or ""
        self._write(lambda s: s.suspend(), on_done=lambda _w: self._suspended(block_id))

    def _suspended(self, block_id: str) -> None:
        self.close_block()
        self.left.emit(block_id)

    def end_block(self) -> None:
        unanswered = sum(
            1
            for q, s in zip(self.questions, self.states, strict=True)
            if s.selected is None and not q.deleted
        )
        text = "End the block and see your score?"
        if unanswered:
            text += f" {unanswered} question{'s are' if unanswered > 1 else ' is'} unanswered."
        answer = QMessageBox.question(self, "End Block", text)
        if answer == QMessageBox.StandardButton.Yes:
            self.submit()

    def submit(self, *, timed_out: bool = False) -> None:
        session = self.session
        if session is None or self.submitting:
            return
        self.submitting = True
        self.clock.stop()
        block_id = self.block_id or ""
        self.context.runner.run_write(
            lambda _p: session.submit(timed_out=timed_out),
            label="Submitting the block",
            on_done=lambda score: self._submitted(block_id, score),
            on_error=self._submit_failed,
            owner=self,
        )

    def _submitted(self, block_id: str, score: BlockScore) -> None:
        self.close_block()
        self.finished.emit(block_id, score)

    def _submit_failed(self, error: UserError) -> None:
        self.submitting = False
        block_id = self.block_id or ""
        self.close_block()
        QMessageBox.information(self, "Block", str(error))
        self.left.emit(block_id)

    # --- notes --------------------------------------------------------------------------------

    def note_on_question(self) -> None:
        question = self.question()
        if question is None or question.deleted:
            return
        from app.ui.assessments.notes import write_question_note

        write_question_note(self.context, self, question.id, question.bank_id, question.stem)
