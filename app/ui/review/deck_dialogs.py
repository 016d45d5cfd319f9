"""Forms for decks: a new deck, a new name, a new place in the tree, and the deck's study
options. Each saves in the background and shows a problem (a taken name, a setting out of
range) under its fields."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.core.flashcards import deck_actions
from app.core.flashcards.deck_actions import DeckOptions
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.optimise import MIN_REVIEWS, Optimised, optimise_deck
from app.core.opening import OpenProfile
from app.errors import UserError
from app.ui.dialogs.forms import WorkDialog
from app.ui.tasks import TaskHandle, TaskRunner, WorkFn

SCHEDULER_NAMES = (("fsrs", "FSRS (recommended)"), ("sm2", "SM-2 (classic Anki)"))
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def steps_text(seconds: tuple[int, ...]) -> str:
    """Learning steps as the learner types them: "1m 10m 1d"."""
    parts = []
    for value in seconds:
        for unit in ("d", "h", "m"):
            if value % _UNITS[unit] == 0:
                parts.append(f"{value // _UNITS[unit]}{unit}")
                break
        else:
            parts.append(f"{value}s")
    return " ".join(parts)


def parse_steps(text: str) -> tuple[int, ...] | None:
    """Seconds of each step in "1m 10m 1d" (a bare number is minutes); None if unreadable."""
    found = []
    for part in text.replace(",", " ").split():
        match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", part.strip().lower())
        if match is None:
            return None
        found.append(round(float(match.group(1)) * _UNITS[match.group(2) or "m"]))
    return tuple(found)


class NewDeckDialog(WorkDialog):
    def __init__(
        self,
        runner: TaskRunner,
        opened: OpenProfile,
        parent_deck: DeckInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, "New Deck", "Create", "Creating the deck", parent)
        self.opened, self.parent_deck = opened, parent_deck
        self.name = QLineEdit()
        self.name.setPlaceholderText("For example, Spanish or Biology::Cells")
        self.form.addRow("Name:", self.name)
        if parent_deck is not None:
            self.set_intro(f"The new deck goes inside “{parent_deck.full_name}”.")

    def work(self) -> WorkFn | None:
        name = self.name.text().strip()
        if not name:
            self.show_error("Give the deck a name.")
            return None
        opened = self.opened
        parent_id = self.parent_deck.id if self.parent_deck else None
        return lambda _progress: deck_actions.create_deck(opened.database, name, parent_id)


class RenameDeckDialog(WorkDialog):
    def __init__(
        self, runner: TaskRunner, opened: OpenProfile, deck: DeckInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, "Rename Deck", "Rename", "Renaming the deck", parent)
        self.opened, self.deck = opened, deck
        self.name = QLineEdit(deck.name)
        self.name.selectAll()
        self.form.addRow("New name:", self.name)

    def work(self) -> WorkFn | None:
        opened, deck_id, name = self.opened, self.deck.id, self.name.text()
        return lambda _progress: deck_actions.rename_deck(opened.database, deck_id, name)


TOP_LEVEL = "(Top level: no parent deck)"


class MoveDeckDialog(WorkDialog):
    """Put a deck, with its subdecks and cards, inside another deck or at the top."""

    def __init__(
        self,
        runner: TaskRunner,
        opened: OpenProfile,
        deck: DeckInfo,
        decks: list[DeckInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, "Move Deck", "Move", "Moving the deck", parent)
        self.opened, self.deck = opened, deck
        self.set_intro(f"Move “{deck.full_name}” with its subdecks and cards into:")
        self.target = QComboBox()
        self.target.addItem(TOP_LEVEL, None)
        inside = deck.path
        for other in decks:  # not into itself or one of its own subdecks
            if other.path[: len(inside)] != inside:
                self.target.addItem(other.full_name, other.id)
        self.target.setCurrentIndex(max(0, self.target.findData(deck.parent_id)))
        self.target.setMinimumContentsLength(30)
        self.form.addRow("New parent:", self.target)

    def work(self) -> WorkFn | None:
        target = self.target.currentData()
        if target == self.deck.parent_id:
            self.show_error("The deck is already there; choose another place.")
            return None
        opened, deck_id = self.opened, self.deck.id
        return lambda _progress: deck_actions.move_deck(opened.database, deck_id, target)


class DeckOptionsDialog(WorkDialog):
    """The options of one deck; they apply to reviews from now on."""

    def __init__(
        self, runner: TaskRunner, opened: OpenProfile, deck: DeckInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, "Deck Options", "Save", "Saving the options", parent)
        self.opened, self.deck = opened, deck
        self.set_intro(f"Options of “{deck.full_name}”. They apply to answers from now on.")
        self.scheduler = QComboBox()
        for key, text in SCHEDULER_NAMES:
            self.scheduler.addItem(text, key)
        self.scheduler.setCurrentIndex(max(0, self.scheduler.findData(deck.scheduler)))
        self.retention = QDoubleSpinBox()
        self.retention.setRange(0.70, 0.99)
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        self.retention.setValue(deck.desired_retention)
        self.retention.setToolTip(
            "How likely you want to be to remember a card when it comes up (FSRS). Higher "
            "means more reviews."
        )
        self.new_per_day = self._limit(deck.new_per_day)
        self.reviews_per_day = self._limit(deck.reviews_per_day)
        self.steps = QLineEdit(steps_text(deck.learning_steps))
        self.steps.setPlaceholderText("For example, 1m 10m")
        self.steps.setToolTip("The delays before a new card graduates: s, m, h or d each.")
        self.form.addRow("Scheduler:", self.scheduler)
        self.form.addRow("Desired retention:", self.retention)
        self.form.addRow("New cards per day:", self.new_per_day)
        self.form.addRow("Reviews per day:", self.reviews_per_day)
        self.form.addRow("Learning steps:", self.steps)
        self._add_parameter_row(deck)
        self.scheduler.currentIndexChanged.connect(self._show_fsrs_fields)
        self._show_fsrs_fields()

    # FSRS parameters: fitted to the learner's reviews on request, saved with the options.
    def _add_parameter_row(self, deck: DeckInfo) -> None:
        self._parameters: tuple[float, ...] | None = None  # None: leave them as they are
        self._fit: TaskHandle | None = None  # a fit on its way
        own = "Fitted to your reviews." if deck.fsrs_parameters else "The defaults."
        self.parameters_note = QLabel(own)
        self.parameters_note.setWordWrap(True)
        self.optimise_button = QPushButton("Optimise")
        self.optimise_button.setToolTip(
            "Fit FSRS to your own reviews of this deck and its subdecks, so that cards come back "
            f"when you are about to forget them (needs {MIN_REVIEWS:,} reviews)."
        )
        self.optimise_button.clicked.connect(self._optimise)
        self.defaults_button = QPushButton("Use Defaults")
        self.defaults_button.clicked.connect(self._use_defaults)
        row = QHBoxLayout()
        row.addWidget(self.optimise_button)
        row.addWidget(self.defaults_button)
        row.addStretch(1)
        self.form.addRow("FSRS parameters:", row)
        self.form.addRow(self.parameters_note)  # the whole width: what a fit found is long

    def _update_parameter_buttons(self) -> None:
        """Optimise with FSRS chosen and nothing else going on; Use Defaults when the deck has
        (or is about to get) its own parameters; Save not while a fit is on its way."""
        idle = not self._working and self._fit is None
        fsrs = self.scheduler.currentData() == "fsrs"
        own = self._parameters if self._parameters is not None else self.deck.fsrs_parameters
        self.optimise_button.setEnabled(idle and fsrs)
        self.defaults_button.setEnabled(idle and bool(own))
        self.ok_button.setEnabled(idle)

    def _optimise(self) -> None:
        if self._fit is not None or self._working:
            return
        self.parameters_note.setText("Fitting FSRS to your reviews…")
        opened, deck_id = self.opened, self.deck.id
        self._fit = self.runner.run_read(
            lambda progress: optimise_deck(opened.database, deck_id, progress),
            label="Optimising FSRS parameters",
            on_done=self._optimised,
            on_error=self._optimise_failed,
            on_cancelled=lambda: self.parameters_note.setText("Stopped; nothing changed."),
            on_finally=self._fit_ended,
            cancellable=True,
            owner=self,
        )
        self._update_parameter_buttons()

    def _fit_ended(self) -> None:
        self._fit = None
        self._update_parameter_buttons()

    def _optimised(self, result: Optimised) -> None:
        if not result.improves:
            self._parameters = None  # whatever was chosen before: keep what is saved
            self.parameters_note.setText(
                f"The parameters in use already fit your {result.reviews:,} reviews best; "
                "nothing to change."
            )
            return
        self._parameters = result.parameters
        self.parameters_note.setText(
            f"Fitted to {result.reviews:,} reviews of {result.cards:,} cards: prediction error "
            f"{result.rmse_before:.1%} → {result.rmse_after:.1%}. Save to use them."
        )

    def _optimise_failed(self, error: UserError) -> None:
        self.parameters_note.setText(str(error))

    def _use_defaults(self) -> None:
        self._parameters = ()
        self.parameters_note.setText("The defaults, from when you save.")
        self._update_parameter_buttons()

    def done(self, result: int) -> None:
        """Closing stops a fit still on its way (its child process ends at once)."""
        if self._fit is not None:
            self._fit.cancel()
        super().done(result)

    @staticmethod
    def _limit(value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 100_000)
        box.setValue(value)
        return box

    def _show_fsrs_fields(self) -> None:
        # SM-2 has no retention target; the steps are FSRS's here (see decks._settings).
        fsrs = self.scheduler.currentData() == "fsrs"
        self.retention.setEnabled(fsrs)
        self.steps.setEnabled(fsrs)
        self._update_parameter_buttons()

    def options(self) -> DeckOptions | None:
        steps = parse_steps(self.steps.text())
        if steps is None or not steps:
            self.show_error("Write the learning steps as times such as 1m 10m 1h.")
            return None
        return DeckOptions(
            scheduler=str(self.scheduler.currentData()),
            desired_retention=round(self.retention.value(), 2),
            new_per_day=self.new_per_day.value(),
            reviews_per_day=self.reviews_per_day.value(),
            learning_steps=steps,
            fsrs_parameters=self._parameters,
        )

    def work(self) -> WorkFn | None:
        options = self.options()
        if options is None:
            return None
        opened, deck_id = self.opened, self.deck.id
        return lambda _progress: deck_actions.save_deck_options(opened.database, deck_id, options)

    def _set_working(self, working: bool) -> None:
        super()._set_working(working)
        if not working:
            self._show_fsrs_fields()
        self._update_parameter_buttons()
