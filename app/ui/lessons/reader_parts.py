"""The parts of a lesson below its text, built fresh for each lesson: thought questions, active
exercises and knowledge checks with the score they end with, and flashcards made from checks.

Answers are recorded one by one as they are given; when the last check is answered the score is
recorded too. Work still running when the learner moves to another lesson is dropped with the
parts it belonged to (they are the tasks' owner).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.courses import lesson_actions
from app.core.courses.card_from_check import CheckCard, make_check_card
from app.core.courses.lesson_log import CheckResult, ChecksScored
from app.core.courses.lesson_reading import ReaderLesson
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.lessons.checks import KnowledgeCheckBox
from app.ui.lessons.exercises import ExerciseBox
from app.ui.lessons.widgets import heading, markdown_label, muted

NO_CONTENT_TEXT = (
    "This lesson's text has not been written or generated. You can still mark it complete, "
    "or go on to the next lesson."
)


class LessonParts(QWidget):
    """`recorded(Recorded)`: the lesson's state after a score was saved.
    `said(text)`: something to tell the learner (a card made, a write that failed)."""

    recorded = Signal(object)
    said = Signal(str)

    def __init__(
        self,
        context: ViewContext,
        lesson: ReaderLesson,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.lesson = lesson
        self.answers: dict[int, int] = {}
        self.exercises: list[ExerciseBox] = []
        self.checks: list[KnowledgeCheckBox] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        if lesson.thought_questions:
            layout.addSpacing(8)
            layout.addWidget(heading("Think about it", 1.25))
            for number, question in enumerate(lesson.thought_questions, start=1):
                layout.addWidget(markdown_label(f"{number}. {question}"))
        if lesson.exercises:
            layout.addSpacing(8)
            layout.addWidget(heading("Try it yourself", 1.25))
            for number, exercise in enumerate(lesson.exercises, start=1):
                box = ExerciseBox(number, exercise)
                self.exercises.append(box)
                layout.addWidget(box)
        if lesson.checks:
            layout.addSpacing(8)
            layout.addWidget(heading("Check your understanding", 1.25))
            intro = muted(
                QLabel(
                    "Pick an answer to see whether it is right; your score is saved when all "
                    "questions are answered."
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
            for index, check in enumerate(lesson.checks):
                check_box = KnowledgeCheckBox(index, check)
                check_box.answered.connect(self.answer)
                check_box.card_requested.connect(self.make_card)
                self.checks.append(check_box)
                layout.addWidget(check_box)
        self.score = heading("", 1.1)
        self.score.hide()
        layout.addWidget(self.score)

    def last_control(self) -> QWidget | None:
        """The last control Tab reaches in the parts (None: there is none)."""
        if self.checks:
            return self.checks[-1].card_button
        if self.exercises:
            return self.exercises[-1].show_button
        return None

    @property
    def lesson_id(self) -> str:
        return self.lesson.view.lesson_id

    def answer(self, index: int, option: int) -> None:
        opened, lesson_id = self.context.opened, self.lesson_id
        self.context.runner.run_write(
            lambda _progress: lesson_actions.answer_check(
                opened.database, lesson_id, index, option
            ),
            label="",
            on_done=self._answered,
            on_error=lambda error: self._answer_failed(index, error),
            owner=self,
        )

    def _answered(self, result: CheckResult) -> None:
        self.checks[result.check_index].show_result(result)
        self.answers[result.check_index] = result.chosen
        if len(self.answers) < len(self.checks):
            return
        opened, lesson_id = self.context.opened, self.lesson_id
        answers = [self.answers[i] for i in range(len(self.checks))]
        self.context.runner.run_write(
            lambda _progress: lesson_actions.score_checks(opened.database, lesson_id, answers),
            label="Saving your score",
            on_done=self._scored,
            on_error=self._failed,
            owner=self,
        )

    def _answer_failed(self, index: int, error: UserError) -> None:
        self.checks[index].unlock()
        self._failed(error)

    def _scored(self, scored: ChecksScored) -> None:
        self.score.setText(
            f"You answered {scored.correct} of {scored.total} correctly: {scored.score:.0f} %. "
            "Your score is saved."
        )
        self.score.show()
        self.recorded.emit(scored.recorded)

    def make_card(self, index: int) -> None:
        opened, lesson_id = self.context.opened, self.lesson_id
        self.context.runner.run_write(
            lambda _progress: make_check_card(opened.database, lesson_id, index),
            label="Making a flashcard",
            on_done=self._card_made,
            on_error=self._failed,
            owner=self,
        )

    def _card_made(self, made: CheckCard) -> None:
        if made.created:
            self.said.emit(f"Flashcard added to the deck “{made.deck_name}”.")
        else:
            self.said.emit(f"This question is already a flashcard in “{made.deck_name}”.")

    def _failed(self, error: UserError) -> None:
        self.said.emit(str(error))
