"""Taking a block, as in the board exam: one question at a time, the navigator, the keyboard,
strikes and highlights, a countdown in timed mode, the explanation after each answer in tutor
mode.

Every selection, strike, flag, highlight and move is one write through the task runner's write
thread (`TakingSession`, one durable event each), in the order the learner made them; the page
shows the change at once and takes the state each write returns as the truth. Time is the
core's: `remaining_ms()` is measured with a monotonic clock; the page only reads it.

Keys (while the page has focus): A–J or 1–9 choose, Alt+letter strikes out, Enter checks the
answer in tutor mode (moves on in timed mode), N / → next, P / ← previous, F flags, H
highlights the selected text of the stem (when the question has a choice F or H, that letter
chooses it: Shift+F and Shift+H always flag and highlight), Ctrl+Shift+N a note on the question.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
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
from app.ui.assessments.choice_rows import ChoiceList
from app.ui.assessments.navigator import QuestionNavigator
from app.ui.assessments.question_html import revealed_html
from app.ui.assessments.question_text import QuestionText, safe_html
from app.ui.assessments.widgets import clock, wrapped

if TYPE_CHECKING:
    from app.core.assessments.scoring import BlockScore
    from app.ui.context import ViewContext

LETTERS = "ABCDEFGHIJ"
TICK_MS = 200
WARNING_MS = 120_000
KEYS_HINT = (
    "A–J or 1–9 choose · Alt+letter strike · Enter check · N/P move · F flag · "
    "H highlight · Ctrl+Shift+N note"
)


class TakingPage(QWidget):
    """`finished(block_id, score)`: the block was submitted; `left(block_id)`: suspended, or
    taken over by another window (nothing is lost either way)."""

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
        self._html: dict[int, str] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.where = QLabel("")
        self.where.setAccessibleName("Question number")
        self.flag_button = QPushButton("⚑ Flag")
        self.flag_button.setCheckable(True)
        self.flag_button.setToolTip("Flag this question to come back to it (F)")
        self.flag_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.timer_label = QLabel("")
        self.timer_label.setAccessibleName("Time")
        font = self.timer_label.font()
        font.setBold(True)
        self.timer_label.setFont(font)
        self.suspend_button = QPushButton("Suspend")
        self.suspend_button.setToolTip("Stop the clock and leave the block to resume later")
        self.end_button = QPushButton("End Block")
        self.end_button.setToolTip("Submit the block and see the score")
        for button in (self.suspend_button, self.end_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(self.flag_button)
        top.addWidget(self.timer_label)
        top.addWidget(self.suspend_button)
        top.addWidget(self.end_button)

        self.navigator = QuestionNavigator()
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
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setWidget(column)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        middle = QHBoxLayout()
        middle.addWidget(self.navigator)
        middle.addWidget(self.area, 1)

        self.previous_button = QPushButton("‹ Previous")
        self.check_button = QPushButton("Check Answer")
        self.check_button.setToolTip("Lock your answer and see the explanation (Enter)")
        self.next_button = QPushButton("Next ›")
        for button in (self.previous_button, self.check_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = wrapped("")
        self.message.setAccessibleName("Block messages")
        self.hint = wrapped(KEYS_HINT)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        bottom = QHBoxLayout()
        bottom.addWidget(self.previous_button)
        bottom.addStretch(1)
        bottom.addWidget(self.check_button)
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        layout.addWidget(self.hint)

        self.clock = QTimer(self)
        self.clock.setInterval(TICK_MS)
        self.clock.timeout.connect(self._tick)

        self.navigator.move_requested.connect(self.move_to)
        self.choices.chosen.connect(self.choose)
        self.choices.strike_toggled.connect(self.toggle_strike)
        self.flag_button.clicked.connect(lambda: self.toggle_flag())
        self.previous_button.clicked.connect(lambda: self.move_to(self.current - 1))
        self.next_button.clicked.connect(lambda: self.move_to(self.current + 1))
        self.check_button.clicked.connect(self.check_answer)
        self.suspend_button.clicked.connect(self.suspend)
        self.end_button.clicked.connect(self.end_block)
        self.stem.customContextMenuRequested.connect(self._stem_menu)
        self._shortcuts()

    # --- keys ---------------------------------------------------------------------------------

    def _key(self, keys: str, slot: Any) -> None:
        QShortcut(QKeySequence(keys), self, slot, Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _shortcuts(self) -> None:
        for n, letter in enumerate(LETTERS):
            self._key(letter, lambda letter=letter: self.letter_key(letter))
            self._key(f"Alt+{letter}", lambda n=n: self.strike_nth(n))
        for n in range(9):
            self._key(str(n + 1), lambda n=n: self.choose_nth(n))
        for keys in ("Return", "Enter"):
            self._key(keys, self.enter_key)
        for keys in ("N", "Right"):
            self._key(keys, lambda: self.move_to(self.current + 1))
        for keys in ("P", "Left"):
            self._key(keys, lambda: self.move_to(self.current - 1))
        self._key("Shift+F", self.toggle_flag)
        self._key("Shift+H", self.toggle_highlight)
        self._key("Ctrl+Shift+N", self.note_on_question)

    def letter_key(self, letter: str) -> None:
        question = self.question()
        if question is not None and question.label_of(letter) is not None:
            self.choose(question.label_of(letter) or "")
        elif letter == "F":
            self.toggle_flag()
        elif letter == "H":
            self.toggle_highlight()

    def choose_nth(self, n: int) -> None:
        question = self.question()
        if question is not None and n < len(question.choices):
            self.choose(question.choices[n].label)

    def strike_nth(self, n: int) -> None:
        question = self.question()
        if question is not None and n < len(question.choices):
            self.toggle_strike(question.choices[n].label)

    def enter_key(self) -> None:
        if self.mode == "tutor":
            state = self.state()
            if state is not None and state.submitted:
                self.move_to(self.current + 1)
            else:
                self.check_answer()
        else:
            self.move_to(self.current + 1)

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
        self._html = {}
        self.submitting = False
        self._warned = False
        self.check_button.setVisible(self.mode == "tutor")
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
        html = self._html.get(position)
        if html is None:
            question = self.questions[position]
            if question.deleted:
                html = f"<p><i>{question.stem}</i></p>"
            else:
                html = safe_html(question.stem, self.context.opened.profile.media_dir)
            self._html[position] = html
        return html

    def _paint(self, position: int) -> None:
        """Put question `position` on screen (no read, no write: all is in memory)."""
        self.current = position
        question = self.questions[position]
        media = self.context.opened.profile.media_dir
        self.stem.show_html(self._stem_html(position), media)
        self.stem.set_highlights(self.states[position].highlights)
        total = len(self.questions)
        where = f"Question {position + 1} of {total}"
        self.where.setText(f"{where} · {question.bank_id}")
        self.where.setToolTip(" · ".join(p for p in (question.subject, question.system) if p))
        self._paint_state()
        self.navigator.show_current(position)
        self.previous_button.setEnabled(position > 0)
        self.next_button.setEnabled(position < total - 1)
        self.area.verticalScrollBar().setValue(0)
        self.painted.emit(position)
        if position + 1 < total:  # the next one rendered ahead while the learner reads
            QTimer.singleShot(0, lambda: self._stem_html(position + 1) if self._html else None)

    def _paint_state(self) -> None:
        position = self.current
        question, state = self.questions[position], self.states[position]
        revealed = self.mode == "tutor" and state.submitted and question.answer is not None
        self.choices.fill(
            question.choices,
            selected=state.selected,
            struck=state.struck,
            answer=question.answer if revealed else None,
        )
        self.flag_button.setChecked(state.flagged)
        self.check_button.setEnabled(
            not question.deleted and state.selected is not None and not state.submitted
        )
        if revealed:
            media = self.context.opened.profile.media_dir
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
            self.timer_label.setText(f"Time {clock(session.elapsed_ms())}")
            return
        self.timer_label.setText(f"{clock(remaining)} left")
        if remaining <= WARNING_MS and not self._warned:
            self._warned = True
            self.timer_label.setStyleSheet("color: #c62828;")
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
        cursor = self.stem.textCursor()
        cursor.clearSelection()
        self.stem.setTextCursor(cursor)

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

    def _stem_menu(self, at: QPoint) -> None:
        span = self.stem.selection_span()
        menu = QMenu(self)
        highlight = menu.addAction("Highlight (H)")
        highlight.setEnabled(span is not None)
        menu.addAction("Note on this question… (Ctrl+Shift+N)", self.note_on_question)
        chosen = menu.exec(self.stem.mapToGlobal(at))
        if chosen is highlight and span is not None:
            self.toggle_highlight(span)

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
