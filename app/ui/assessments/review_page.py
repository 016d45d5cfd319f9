"""Reviewing a block, now or any time later: the score against the learner's own average time,
and for each question the choice made, the answer, the explanation and rationales; filter to
incorrect, flagged or slow ones. A missed question becomes a card (and a note) in one step, or
every incorrect one of the block at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.from_missed import (
    MissedBulk,
    MissedMade,
    NoteRequest,
    card_from_missed,
    cards_from_block_incorrect,
)
from app.core.assessments.review import BlockReview, ReviewItem, block_review
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.reads import deck_tree
from app.ui.assessments.deck_dialog import DeckChooser
from app.ui.assessments.question_html import choices_html, revealed_html
from app.ui.assessments.question_text import QuestionText, escaped, safe_html
from app.ui.assessments.widgets import clock, plural, small_combo, wrapped
from app.ui.key_help import add_shortcut

if TYPE_CHECKING:
    from app.core.assessments.scoring import BlockScore
    from app.ui.context import ViewContext

FILTERS = [("All questions", "all"), ("Incorrect", "incorrect"), ("Flagged", "flagged"),
           ("Slow", "slow")]  # fmt: skip
RESULT_MARK = {"correct": "✓", "incorrect": "✗", "omitted": "–", "deleted": "·"}


def score_sentence(score: BlockScore) -> str:
    text = (
        f"<b>{score.correct} of {score.total} correct · {score.percent:.0f}%</b> &nbsp; "
        f"{score.incorrect} incorrect, {score.omitted} omitted. "
        f"{clock(score.mean_time_ms)} per question"
    )
    if score.own_mean_time_ms:
        text += f" (your average before: {clock(score.own_mean_time_ms)})"
    if score.timed_out:
        text += ". Submitted when the time ran out"
    return text + "."


def item_text(item: ReviewItem) -> str:
    result = item.result
    mark = RESULT_MARK.get(result.result, "")
    extra = " ⚑" if result.flagged else ""
    extra += " slow" if result.slow else ""
    return f"{result.position + 1}. {mark} {result.bank_id} · {clock(result.time_ms)}{extra}"


class ReviewPage(QWidget):
    """`back_requested()`: return to the block list."""

    back_requested = Signal()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.block_id: str | None = None
        self.review: BlockReview | None = None
        self.deck_id: str | None = None
        self.with_note = False
        self.score = wrapped("")
        self.score.setAccessibleName("Score")
        self.filter = small_combo(FILTERS, "Show")
        self.back_button = QPushButton("‹ Blocks")
        self.list = QListWidget()
        self.list.setAccessibleName("Questions of the block")
        self.detail = QuestionText("The question, its answer and explanation")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.list.setMinimumWidth(
            self.list.fontMetrics().horizontalAdvance("00. ✗ q_1a2b3c4d") + 30
        )
        self.card_button = QPushButton("Make &Card…")
        self.card_button.setToolTip("A card from this question (and a note if you like) (C)")
        self.all_button = QPushButton("Cards for &All Incorrect…")
        self.note_button = QPushButton("&Note…")
        self.note_button.setToolTip("A note on this question (Ctrl+Shift+N)")
        self.message = wrapped("")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.filter, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.card_button)
        buttons.addWidget(self.note_button)
        buttons.addStretch(1)
        buttons.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.score)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back_requested)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.list.currentRowChanged.connect(self._show_item)
        self.card_button.clicked.connect(lambda: self.make_card())
        self.all_button.clicked.connect(lambda: self.cards_for_all_incorrect())
        self.note_button.clicked.connect(self.note_on_question)
        add_shortcut(self, "C", "Block review: a card from the question", lambda: self.make_card())
        add_shortcut(
            self, "Ctrl+Shift+N", "Block review: a note on the question", self.note_on_question
        )
        add_shortcut(self, "Esc", "Block review: back to the blocks", self.back_requested.emit)

    def open(self, block_id: str, only: str = "all") -> None:
        self.block_id = block_id
        self.filter.blockSignals(True)
        self.filter.setCurrentIndex(max(0, self.filter.findData(only)))
        self.filter.blockSignals(False)
        self.message.setText("")
        self.reload()
        self.list.setFocus()

    def reload(self) -> None:
        block_id = self.block_id
        if block_id is None:
            return
        only = str(self.filter.currentData() or "all")
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: block_review(opened.database, block_id, only=only),
            on_done=self._show,
            owner=self,
            latest="review",
        )

    def _show(self, review: BlockReview) -> None:
        if review.block_id != self.block_id:
            return
        kept = self.current_item()
        self.review = review
        self.score.setText(score_sentence(review.score))
        self.list.blockSignals(True)
        self.list.clear()
        for item in review.items:
            row = QListWidgetItem(item_text(item))
            row.setData(Qt.ItemDataRole.UserRole, item.result.position)
            self.list.addItem(row)
        self.list.blockSignals(False)
        at = 0
        if kept is not None:
            at = next(
                (
                    n
                    for n, i in enumerate(review.items)
                    if i.result.position == kept.result.position
                ),
                0,
            )
        if review.items:
            self.list.setCurrentRow(at)
            self._show_item(at)
        else:
            self.detail.show_html("<p>No question of this block is in this list.</p>", None)
        incorrect = review.score.incorrect + review.score.omitted
        self.all_button.setEnabled(incorrect > 0)

    def current_item(self) -> ReviewItem | None:
        review, row = self.review, self.list.currentRow()
        if review is None or not 0 <= row < len(review.items):
            return None
        return review.items[row]

    def _show_item(self, _row: int) -> None:
        item = self.current_item()
        if item is None:
            return
        question, state, result = item.question, item.state, item.result
        media = self.context.opened.profile.media_dir
        if question.deleted:
            self.detail.show_html(f"<p><i>{escaped(question.stem)}</i></p>", media)
            self.card_button.setEnabled(False)
            return
        verdict = {
            "correct": '<b style="color:#2e7d32">Correct</b>',
            "incorrect": '<b style="color:#c62828">Incorrect</b>',
            "omitted": '<b style="color:#b26a00">Omitted</b>',
        }.get(result.result, "")
        figures = f"{verdict} · {clock(result.time_ms)}" + (" (slow)" if result.slow else "")
        extras = []
        if item.card_id:
            extras.append("has a card")
        if item.note_ids:
            extras.append(plural(len(item.note_ids), "note"))
        head = (
            f"<p><b>{result.position + 1}. {escaped(question.bank_id)}</b> &nbsp; "
            f"{escaped(' · '.join(p for p in (question.subject, question.system) if p))}<br/>"
            f"{figures}{escaped(' · ' + ', '.join(extras) if extras else '')}</p>"
        )
        choices = [(c.display_label, c.label, c.text) for c in question.choices]
        self.detail.show_html(
            head
            + safe_html(question.stem, media)
            + choices_html(
                choices, chosen=result.chosen, answer=question.answer, struck=state.struck
            )
            + revealed_html(question, media),
            media,
        )
        self.detail.set_highlights(state.highlights)
        self.card_button.setEnabled(True)
        self.card_button.setText("Open &Card" if item.card_id else "Make &Card…")

    # --- cards and notes ----------------------------------------------------------------------

    def _with_decks(self, then: object) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: deck_tree(opened.database),
            on_done=then,  # type: ignore[arg-type]
            owner=self,
            latest="decks",
        )

    def _choose_deck(self, decks: tuple[DeckInfo, ...], what: str) -> tuple[str, bool] | None:
        if not decks:
            QMessageBox.information(self, "Card", "Make a deck first (Review › New Deck).")
            return None
        dialog = DeckChooser(
            decks, what=what, chosen=self.deck_id, with_note=self.with_note, parent=self
        )
        if dialog.exec() != DeckChooser.DialogCode.Accepted or dialog.deck_id() is None:
            return None
        self.deck_id, self.with_note = dialog.deck_id(), dialog.note.isChecked()
        return self.deck_id or "", self.with_note

    def make_card(self) -> None:
        item = self.current_item()
        if item is None or item.question.deleted:
            return
        if item.card_id:
            self.context.navigator.open_card(item.card_id)
            return
        question_id, bank_id = item.question.id, item.question.bank_id

        def chosen(decks: tuple[DeckInfo, ...]) -> None:
            what = (
                f"A card from {bank_id}: front the question and its choices, back the answer "
                "and the explanation."
            )
            picked = self._choose_deck(decks, what)
            if picked is None:
                return
            deck_id, with_note = picked
            opened = self.context.opened
            note = NoteRequest() if with_note else None
            self.context.runner.run_write(
                lambda _p: card_from_missed(opened.database, question_id, deck_id, note=note),
                label="Making the card",
                on_done=self._made,
                owner=self,
            )

        self._with_decks(chosen)

    def _made(self, made: MissedMade) -> None:
        text = "Card made" if made.card_created else "This question had a card already"
        self.message.setText(text + (", and a note linked to both." if made.note_id else "."))
        self.reload()

    def cards_for_all_incorrect(self) -> None:
        review = self.review
        if review is None:
            return
        block_id = review.block_id
        missed = review.score.incorrect + review.score.omitted

        def chosen(decks: tuple[DeckInfo, ...]) -> None:
            what = (
                f"A card from each of the {plural(missed, 'question')} answered wrong or left out "
                "in this block (never a second card for a question that has one)."
            )
            picked = self._choose_deck(decks, what)
            if picked is None:
                return
            deck_id, with_notes = picked
            opened = self.context.opened
            self.context.runner.run_write(
                lambda _p: cards_from_block_incorrect(
                    opened.database, block_id, deck_id, with_notes=with_notes
                ),
                label="Making cards from the missed questions",
                on_done=self._made_all,
                owner=self,
            )

        self._with_decks(chosen)

    def _made_all(self, bulk: MissedBulk) -> None:
        text = plural(bulk.made, "card") + " made"
        if bulk.already:
            text += f"; {bulk.already} question{'s' if bulk.already != 1 else ''} had one already"
        self.message.setText(text + ".")
        self.reload()

    def note_on_question(self) -> None:
        item = self.current_item()
        if item is None or item.question.deleted:
            return
        from app.ui.assessments.notes import write_question_note

        question = item.question
        write_question_note(self.context, self, question.id, question.bank_id, question.stem)
