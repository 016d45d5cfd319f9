"""The review loop on screen: the front, Space for the back, 1-4 to answer, Ctrl+Z to undo.

Every step is one task on the write thread (`data.answer`, `data.set_aside`, `data.undo`,
`data.current_step`) through the pane's review loop; it commits before it returns, and its result
carries the next card, so the GUI thread never waits on the disk and what is on screen is saved.
Its changes are announced for the other views (the pane itself already shows them). While a
step is on its way the answer keys and buttons are disabled; a step that arrives after the
learner has moved on (another deck chosen) is dropped, though its undo token is still kept.

Time per card is measured from showing the front to the answer, as Anki does: the thinking
before revealing the back is part of the effort the scheduler's log records.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.flashcards.cards import CardUndo
from app.core.flashcards.from_video import VideoMoment, moment_of
from app.core.flashcards.review import CardToShow
from app.core.flashcards.review_loop import AnswerNotSaved
from app.core.notes.links import LinkTarget
from app.core.videos.bookmarks import clock
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.note_from import make_note_on, title_from
from app.ui.refresh import RefreshOnChange
from app.ui.review import data
from app.ui.review.card_view import CardBrowser, both_sides
from app.ui.review.finished import FinishedPage, empty_text
from app.ui.review.review_bars import RATINGS, AnswerBar, CountsBar
from app.ui.tasks import WorkFn

CARD_PAGE, FINISHED_PAGE = range(2)
FRONT_KEYS, BACK_KEYS, NO_KEYS = range(3)
RECHECK_MS = 60_000  # the empty state looks again for learning cards that fell due


class ReviewPane(RefreshOnChange, QWidget):
    """`edit_requested(card)`: the learner pressed E on this card (the view opens the editor).
    `step_shown()`: a new step is on screen (tests wait for it)."""

    edit_requested = Signal(object)
    step_shown = Signal()
    SHOWS = Change.CARDS | Change.REVIEWS | Change.DECKS | Change.TAGS
    SKIPS_OWN_CHANGES = True  # its own answers, undos and edits arrive with their next step

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.deck_id: str | None = None
        self.deck_name = "All decks"
        self.step: data.ReviewStep | None = None
        self.showing_back = False
        self.busy = False
        # What Ctrl+Z takes back, last first: (token, label, the cards it changes back).
        self.undo_stack: list[tuple[str | CardUndo, str, tuple[str, ...]]] = []
        self.session_ids: list[str] = []  # this session's answers, for its summary
        self._request = 0
        self.loop = data.PaneLoop()  # used by its write tasks only
        self._shown_at = QElapsedTimer()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Review card")
        self.setAccessibleDescription(
            "Space shows the answer; 1 Again, 2 Hard, 3 Good, 4 Easy; E edits the card"
        )

        self.counts = CountsBar()
        self.note = QLabel()
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.note.setWordWrap(True)  # a long message takes lines, never the window's width
        self.browser = CardBrowser()
        self.browser.setAccessibleName("Card question")
        self.finished = FinishedPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.addWidget(self.finished)
        self.show_button = QPushButton("Show Answer")
        self.show_button.setToolTip("Show the back of the card (Space)")
        self.show_button.setFocusPolicy(
            Qt.FocusPolicy.TabFocus
        )  # Tab reaches it, a click keeps none
        self.show_button.setMinimumWidth(200)
        self.show_button.clicked.connect(self.show_answer)
        # A card made from a video moment opens it, once the answer shows (V).
        self.moment_button = QPushButton()
        self.moment_button.setToolTip("Play the video this card was made from, at its moment (V)")
        self.moment_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.moment_button.clicked.connect(self.open_moment)
        self.moment_button.hide()
        self.answers = AnswerBar()
        self.answers.answered.connect(self.answer)
        self.keys = QStackedWidget()
        front = QWidget()
        front_layout = QVBoxLayout(front)
        front_layout.setContentsMargins(0, 0, 0, 0)
        front_layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.keys.addWidget(front)
        self.keys.addWidget(self.answers)
        self.keys.addWidget(QWidget())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(self.counts)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.moment_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.note)
        layout.addWidget(self.keys)

        self.show_action = self._action("Show Answer", self.show_answer, "Space", "Return", "Enter")
        self.answer_actions = [self._answer_action(n) for n in range(1, 5)]
        self.undo_action = self._action("&Undo", self.undo, "Ctrl+Z")
        self.undo_action.setWhatsThis("Undo the last answer, suspend or bury")  # text changes
        self.edit_action = self._action("&Edit Card…", self.edit, "E")
        self.suspend_action = self._action("&Suspend Card", self.suspend, "@")
        self.bury_action = self._action("&Bury Card", self.bury, "-")
        self.moment_action = self._action("Open the &Video at Its Moment", self.open_moment, "V")
        self.note_action = self._action(
            "Make a &Note on This Card", self.note_on_card, "Ctrl+Shift+N"
        )

        self._recheck = QTimer(self)
        self._recheck.setInterval(RECHECK_MS)
        self._recheck.timeout.connect(self.refresh)
        self.listen_for_changes(context.runner)
        self._show_keys()

    def _action(self, text: str, slot: Callable[[], object], *keys: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _answer_action(self, rating: int) -> QAction:
        action = self._action(f"Answer {rating}", lambda: self.answer(rating), str(rating))
        action.setWhatsThis(f"Answer {dict(RATINGS)[rating]}")  # Help > Keyboard Shortcuts
        return action

    def _studying(self) -> data.Studying:
        """What a step works on, as it is now (the task runs later, on the write thread)."""
        ids = tuple(self.session_ids)
        return data.Studying(self.context.opened, self.loop, self.deck_id, ids)

    @property
    def card(self) -> CardToShow | None:
        return self.step.next.card if self.step is not None else None

    # Reading
    def start(self, deck_id: str | None, deck_name: str) -> None:
        """Begin a session on this deck (None: all decks)."""
        self.deck_id, self.deck_name = deck_id, deck_name
        self.session_ids = []
        self.note.clear()
        self.refresh()
        self.setFocus()

    def refresh(self) -> None:
        """Read the card to show now: a (quick) step of the loop, so on the write thread."""
        where = self._studying()
        self._request += 1
        token = self._request
        self.context.runner.run_write(
            lambda _progress: data.current_step(where),
            label="",
            on_done=lambda step: self._arrived(step, token),
            on_error=self._read_failed,
            owner=self,
        )

    def refresh_for(self, _changes: Change) -> None:
        if not self.busy:  # a step under way shows the changes when it arrives
            self.refresh()
        self._check_undos()

    def _check_undos(self) -> None:
        """Another view may have deleted the cards of answers still offered for Ctrl+Z (Remove
        Sample Content, a delete in the browser): those undos are withdrawn."""
        asked = tuple(dict.fromkeys(i for _t, _l, ids in self.undo_stack for i in ids))
        if not asked:
            return
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: data.live_cards(opened, asked),
            on_done=lambda live: self._withdraw_undos(frozenset(asked) - live),
            owner=self,
            latest="undo cards",
        )

    def _withdraw_undos(self, gone: frozenset[str]) -> None:
        if not gone:
            return
        top = self.undo_stack[-1] if self.undo_stack else None
        self.undo_stack = [entry for entry in self.undo_stack if not gone.intersection(entry[2])]
        if top is not None and top not in self.undo_stack and "Ctrl+Z" in self.note.text():
            self.note.clear()  # it spoke of an answer that can no longer be undone
        self._show_keys()

    def _arrived(self, step: data.ReviewStep, token: int) -> None:
        if token == self._request and step.deck_id == self.deck_id:
            self._show_step(step)

    def _read_failed(self, error: UserError) -> None:
        if self.deck_id is not None:  # the deck was deleted meanwhile: study all decks
            self.start(None, "All decks")
        else:
            self.context.runner.user_error.emit(str(error))

    def _answer_lost(self, error: AnswerNotSaved) -> None:
        """An answer was not saved (nothing to undo): say so; its card is shown again."""
        self.note.setText(str(error))
        self.refresh()

    # Showing
    def _show_step(self, step: data.ReviewStep, fresh: bool = False) -> None:
        """`fresh`: the card is shown anew (after an answer, a set-aside or an undo), front
        first, even when it is the card already on screen (Again with nothing else due)."""
        before = self.card
        self.step = step
        card = step.next.card
        same_card = before is not None and card is not None and before.id == card.id
        same_card = same_card and not fresh
        kind = card.kind if card is not None else None
        self.counts.show_counts(self.deck_name, step.next.counts, kind)
        if card is None:
            self.showing_back = False
            now = data.local_now()
            message = empty_text(step.has_cards, step.next.next_due_at, now)
            self.finished.show_state(step.summary, message)
            self.pages.setCurrentIndex(FINISHED_PAGE)
            self._recheck.start()
        else:
            self._recheck.stop()
            self.pages.setCurrentIndex(CARD_PAGE)
            if same_card and self.showing_back:
                self.answers.set_previews(card.previews)
            if not same_card:
                self.showing_back = False
                self._shown_at.start()
            self._render()
        self._show_keys()
        self.step_shown.emit()

    def _render(self) -> None:
        if self.step is None or self.step.next.card is None:
            return
        markdown = both_sides(self.step.front, self.step.back) if self.showing_back else None
        media = data.media_dir(self.context.opened)
        self.browser.show_markdown(markdown or self.step.front, media)
        # A screen reader reads the card as its Value (the text) and its description.
        self.browser.setAccessibleName("Card answer" if self.showing_back else "Card question")
        self.browser.setAccessibleDescription(self.browser.plain_text())

    def key_buttons(self) -> list[QPushButton]:
        """Show Answer and the four answers, in Tab order."""
        return [self.show_button, *self.answers.buttons]

    def _show_keys(self) -> None:
        has_card = self.card is not None
        focus = QApplication.focusWidget()
        on_keys = focus is not None and self.keys.isAncestorOf(focus)
        if not has_card:
            self.keys.setCurrentIndex(NO_KEYS)
        else:
            self.keys.setCurrentIndex(BACK_KEYS if self.showing_back else FRONT_KEYS)
        ready = not self.busy
        self.show_action.setEnabled(ready and has_card and not self.showing_back)
        for action in self.answer_actions:
            action.setEnabled(ready and has_card and self.showing_back)
        for action in (self.edit_action, self.suspend_action, self.bury_action):
            action.setEnabled(ready and has_card)
        self.undo_action.setEnabled(ready and bool(self.undo_stack))
        if self.undo_stack:
            self.undo_action.setText("&Undo")
            self.undo_action.setToolTip(f"Take back the {self.undo_stack[-1][1]} (Ctrl+Z)")
        else:
            self.undo_action.setText("Nothing to Undo")
            self.undo_action.setToolTip("Nothing to undo")
        moment = self.moment if has_card and self.showing_back else None
        self.moment_action.setEnabled(moment is not None)
        self.moment_button.setVisible(moment is not None)
        if moment is not None:
            self.moment_button.setText(f"Open video at {clock(moment.seconds)}")
        self.answers.set_busy(not ready)
        self.show_button.setEnabled(ready)
        if on_keys and focus is not None and not (focus.hasFocus() and focus.isEnabled()):
            # The button went (hidden, or disabled while an answer is saved): back to the
            # pane, never onto another button, where Space would press Again.
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_answer(self) -> None:
        if self.busy or self.card is None or self.showing_back:
            return
        self.showing_back = True
        self.answers.set_previews(self.card.previews)  # computed now, when first needed
        self._render()
        self._show_keys()

    # Writing
    def answer(self, rating: int) -> None:
        card = self.card
        if self.busy or card is None or not self.showing_back:
            return
        elapsed = int(self._shown_at.elapsed()) if self._shown_at.isValid() else 0
        where = self._studying()
        self._write(lambda _p: data.answer(where, card.id, rating, elapsed))

    def suspend(self) -> None:
        self._set_aside("suspend")

    def bury(self) -> None:
        self._set_aside("bury")

    def _set_aside(self, how: str) -> None:
        card = self.card
        if self.busy or card is None:
            return
        where = self._studying()
        self._write(lambda _p: data.set_aside(where, card.id, how))

    def undo(self) -> None:
        if self.busy or not self.undo_stack:
            return
        token, label, card_ids = self.undo_stack.pop()
        if isinstance(token, str) and token in self.session_ids:
            self.session_ids.remove(token)
        self.note.setText(f"Undid the {label}")
        where = self._studying()
        self._write(lambda _p: data.undo(where, token, card_ids))

    @property
    def moment(self) -> VideoMoment | None:
        """The video moment the card on screen was made from, if it was."""
        card = self.card
        if card is None:
            return None
        return moment_of(card.source_kind, card.source_id, card.source_anchor)

    def open_moment(self) -> None:
        moment = self.moment
        if moment is not None and self.showing_back:
            self.context.navigator.open_video_moment(moment.video_id, moment.seconds)

    def note_on_card(self) -> None:
        """A note linked to the card on screen, opened in the Notebook to write in."""
        card = self.card
        if card is not None:
            title = title_from(card.front, "Note on a card")
            make_note_on(self.context, self, LinkTarget("card", card.id), title)

    def edit(self) -> None:
        if self.card is not None and not self.busy:
            self.edit_requested.emit(self.card)

    def _write(self, fn: WorkFn) -> None:
        self._set_busy(True)
        self._request += 1
        token = self._request
        self.context.runner.run_write(
            fn,
            label="",  # many a minute: the status bar would flicker
            on_done=lambda result: self._written(result, token),
            on_error=self._write_failed,
            on_finally=lambda: self._set_busy(False),
            owner=self,
        )

    def _written(self, result: data.Answered, token: int) -> None:
        if result.undo is not None:
            self.undo_stack.append((result.undo, result.label, result.card_ids))
            if isinstance(result.undo, str):
                self.session_ids.append(result.undo)
            self.note.setText(f"{result.note} · Ctrl+Z to undo")
        elif result.note:  # an undo that found its card gone (data.NOTHING_TO_UNDO)
            self.note.setText(result.note)
        if token == self._request:
            self.busy = False
            self._show_step(result.step, fresh=True)

    def _write_failed(self, error: UserError) -> None:
        if isinstance(error, AnswerNotSaved):
            self._answer_lost(error)
            return
        self.note.setText(str(error))
        self.refresh()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._show_keys()
