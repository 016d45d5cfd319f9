"""The blueprint builder: which questions (subjects, systems, difficulties, tags, pool), how
many, tutor or timed, the time per question or for the block, shuffled choices. The number of
matching questions is read again as the learner chooses (newest answer only), and when nothing
matches it says which choice emptied it. Blueprints are saved under a name and used again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.bank import BankFacets, Facet
from app.core.assessments.blueprints import (
    MAX_COUNT,
    Blueprint,
    MatchCount,
    SavedBlueprint,
    count_matching,
    delete_blueprint,
    list_blueprints,
    save_blueprint,
)
from app.core.assessments.question_filters import BankFilter
from app.ui.assessments.widgets import plural, small_combo, wrapped
from app.ui.key_help import HandledKey, add_shortcut

if TYPE_CHECKING:
    from app.ui.context import ViewContext

POOLS = [
    ("All questions", "all"),
    ("Unused only", "unused"),
    ("Incorrect (and omitted)", "incorrect"),
    ("Flagged", "flagged"),
]
COUNT_DELAY_MS = 60


class Checklist(QListWidget):
    TICK = HandledKey("New block: tick or untick the value chosen in a list", "Space")
    HANDLED_KEYS = (TICK,)
    """Facet values to tick; none ticked means any."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(96)

    def set_facets(self, facets: tuple[Facet, ...]) -> None:
        ticked = set(self.ticked())
        self.blockSignals(True)
        self.clear()
        for facet in facets:
            item = QListWidgetItem(f"{facet.name} ({facet.count:,})")
            item.setData(Qt.ItemDataRole.UserRole, facet.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = facet.name in ticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)

    def ticked(self) -> tuple[str, ...]:
        return tuple(
            str(self.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(self.count())
            if self.item(n).checkState() == Qt.CheckState.Checked
        )

    def tick(self, names: tuple[str, ...]) -> None:
        wanted = set(names)
        self.blockSignals(True)
        for n in range(self.count()):
            item = self.item(n)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def keyPressEvent(self, event: object) -> None:
        """Space ticks the current value (as in any checklist)."""
        item = self.currentItem()
        if item is not None and self.TICK.matches(event):  # type: ignore[arg-type]
            on = item.checkState() != Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class BlueprintBuilder(QScrollArea):
    """`start_requested(blueprint, blueprint_id)`: make a block from it and take it."""

    start_requested = Signal(object, object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.saved: tuple[SavedBlueprint, ...] = ()
        self.matching: MatchCount | None = None
        self._select_saved: str | None = None  # the blueprint just saved, to show once read
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its fields, scrolled to
        self.setFrameShape(QFrame.Shape.NoFrame)

        self.blueprints = small_combo([("New blueprint", None)], "Saved blueprints")
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save these choices under a name to use them again")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setEnabled(False)
        self.subjects = Checklist("Subjects")
        self.systems = Checklist("Systems")
        self.difficulties = Checklist("Difficulties")
        self.tags = Checklist("Tags")
        self.pool = small_combo(POOLS, "Pool")
        self.pool.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COUNT)
        self.count.setValue(40)
        self.count.setAccessibleName("Number of questions")
        self.tutor = QRadioButton("&Tutor: the explanation after each answer")
        self.timed = QRadioButton("T&imed: no feedback until the end")
        self.tutor.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.tutor)
        modes.addButton(self.timed)
        self.per_question = QRadioButton("Seconds per question")
        self.per_block = QRadioButton("Minutes for the block")
        self.per_question.setChecked(True)
        times = QButtonGroup(self)
        times.addButton(self.per_question)
        times.addButton(self.per_block)
        self.seconds = QSpinBox()
        self.seconds.setRange(10, 3600)
        self.seconds.setValue(90)
        self.seconds.setAccessibleName("Seconds per question")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setValue(60)
        self.minutes.setAccessibleName("Minutes for the block")
        self.shuffle = QCheckBox("Sh&uffle the choices")
        self.matches = QLabel("")
        self.matches.setAccessibleName("Matching questions")
        font = self.matches.font()
        font.setBold(True)
        self.matches.setFont(font)
        self.emptied = wrapped()
        self.emptied.setStyleSheet("color: #c62828;")
        self.emptied.hide()
        self.start_button = QPushButton("&Start Block")
        self.start_button.setDefault(True)
        self.start_button.setToolTip("Make the block and take it (Ctrl+Enter)")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 6, 8, 6)
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.blueprints, 1)
        saved_row.addWidget(self.save_button)
        saved_row.addWidget(self.delete_button)
        layout.addLayout(saved_row)
        lists = QGridLayout()
        for n, (title, checklist) in enumerate(
            (
                ("Subjects", self.subjects),
                ("Systems", self.systems),
                ("Difficulty", self.difficulties),
                ("Tags", self.tags),
            )
        ):
            heading = QLabel(f"{title} (none ticked: any)" if n == 0 else title)
            heading.setBuddy(checklist)
            lists.addWidget(heading, (n // 2) * 2, n % 2)
            lists.addWidget(checklist, (n // 2) * 2 + 1, n % 2)
        layout.addLayout(lists)
        form = QGridLayout()
        form.addWidget(QLabel("Pool"), 0, 0)
        form.addWidget(self.pool, 0, 1)
        form.addWidget(QLabel("Questions"), 1, 0)
        form.addWidget(self.count, 1, 1)
        form.setColumnStretch(2, 1)
        layout.addLayout(form)
        layout.addWidget(self.tutor)
        layout.addWidget(self.timed)
        time_grid = QGridLayout()
        time_grid.setContentsMargins(24, 0, 0, 0)
        time_grid.addWidget(self.per_question, 0, 0)
        time_grid.addWidget(self.seconds, 0, 1)
        time_grid.addWidget(self.per_block, 1, 0)
        time_grid.addWidget(self.minutes, 1, 1)
        time_grid.setColumnStretch(2, 1)
        layout.addLayout(time_grid)
        layout.addWidget(self.shuffle)
        layout.addWidget(self.matches)
        layout.addWidget(self.emptied)
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.setWidget(body)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.read_count)
        for checklist in (self.subjects, self.systems, self.difficulties, self.tags):
            checklist.itemChanged.connect(self._count_timer.start)
        self.pool.currentIndexChanged.connect(self._count_timer.start)
        self.count.valueChanged.connect(self._show_count)
        for button in (self.tutor, self.timed, self.per_question, self.per_block):
            button.toggled.connect(self._enable_times)
        self.start_button.clicked.connect(self.start)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.blueprints.currentIndexChanged.connect(self._load_saved)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, keys, "New block: start it", self.start)
        self._enable_times()

    # --- the blueprint ------------------------------------------------------------------------

    def blueprint(self) -> Blueprint:
        timed = self.timed.isChecked()
        by_block = timed and self.per_block.isChecked()
        name = ""
        index = self.blueprints.currentIndex()
        if index > 0:
            name = self.saved[index - 1].blueprint.name
        return Blueprint(
            filter=BankFilter(
                subjects=self.subjects.ticked(),
                systems=self.systems.ticked(),
                difficulties=self.difficulties.ticked(),
                tags=self.tags.ticked(),
                pool=str(self.pool.currentData() or "all"),
            ),
            count=self.count.value(),
            mode="timed" if timed else "tutor",
            seconds_per_question=None if by_block else self.seconds.value(),
            block_seconds=self.minutes.value() * 60 if by_block else None,
            shuffle_choices=self.shuffle.isChecked(),
            name=name,
        )

    def show_blueprint(self, blueprint: Blueprint) -> None:
        flt = blueprint.filter
        self.subjects.tick(flt.subjects)
        self.systems.tick(flt.systems)
        self.difficulties.tick(flt.difficulties)
        self.tags.tick(flt.tags)
        self.pool.setCurrentIndex(max(0, self.pool.findData(flt.pool)))
        self.count.setValue(blueprint.count)
        (self.timed if blueprint.mode == "timed" else self.tutor).setChecked(True)
        if blueprint.block_seconds:
            self.per_block.setChecked(True)
            self.minutes.setValue(max(1, blueprint.block_seconds // 60))
        else:
            self.per_question.setChecked(True)
            self.seconds.setValue(blueprint.seconds_per_question or 90)
        self.shuffle.setChecked(blueprint.shuffle_choices)
        self.read_count()

    def _enable_times(self) -> None:
        timed = self.timed.isChecked()
        for widget in (self.per_question, self.per_block):
            widget.setEnabled(timed)
        self.seconds.setEnabled(timed and self.per_question.isChecked())
        self.minutes.setEnabled(timed and self.per_block.isChecked())

    # --- reading ------------------------------------------------------------------------------

    def set_facets(self, facets: BankFacets) -> None:
        self.subjects.set_facets(facets.subjects)
        self.systems.set_facets(facets.systems)
        self.difficulties.set_facets(facets.difficulties)
        self.tags.set_facets(facets.tags)
        self.read_count()

    def read_count(self) -> None:
        blueprint = self.blueprint()
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: count_matching(opened.database, blueprint),
            on_done=self._counted,
            owner=self,
            latest="count",
        )

    def _counted(self, matching: MatchCount) -> None:
        self.matching = matching
        self._show_count()

    def _show_count(self) -> None:
        matching = self.matching
        if matching is None:
            return
        asked = self.count.value()
        text = plural(matching.matching, "question") + " match"
        if 0 < matching.matching < asked:
            text += f": the block will have {matching.matching}"
        self.matches.setText(text)
        self.emptied.setText(matching.emptied_by or "")
        self.emptied.setVisible(bool(matching.emptied_by))
        self.start_button.setEnabled(matching.matching > 0)

    def read_saved(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: list_blueprints(opened.database),
            on_done=self._show_saved,
            owner=self,
            latest="saved",
        )

    def _show_saved(self, saved: tuple[SavedBlueprint, ...]) -> None:
        index = self.blueprints.currentIndex()
        current = self._select_saved or (self.saved[index - 1].id if index > 0 else None)
        self._select_saved = None
        self.saved = saved
        self.blueprints.blockSignals(True)
        self.blueprints.clear()
        self.blueprints.addItem("New blueprint", None)
        for item in saved:
            self.blueprints.addItem(item.blueprint.name, item.id)
        at = self.blueprints.findData(current) if current else 0
        self.blueprints.setCurrentIndex(max(0, at))
        self.blueprints.blockSignals(False)
        self.delete_button.setEnabled(self.blueprints.currentIndex() > 0)

    def _load_saved(self, index: int) -> None:
        self.delete_button.setEnabled(index > 0)
        if index > 0:
            self.show_blueprint(self.saved[index - 1].blueprint)

    # --- actions ------------------------------------------------------------------------------

    def start(self) -> None:
        if not self.start_button.isEnabled():
            return
        index = self.blueprints.currentIndex()
        self.start_requested.emit(self.blueprint(), self.saved[index - 1].id if index > 0 else None)

    def save(self) -> None:
        index = self.blueprints.currentIndex()
        current = self.saved[index - 1] if index > 0 else None
        name, ok = QInputDialog.getText(
            self, "Save Blueprint", "Name:", text=current.blueprint.name if current else ""
        )
        if not ok or not name.strip():
            return
        same_name = current is not None and name.strip() == current.blueprint.name
        self.save_as(name.strip(), current.id if same_name and current else None)

    def save_as(self, name: str, blueprint_id: str | None = None) -> None:
        from dataclasses import replace

        blueprint = replace(self.blueprint(), name=name)
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: save_blueprint(opened.database, blueprint, blueprint_id),
            label="Saving the blueprint",
            on_done=lambda saved: self._after_save(saved.blueprint_id),
            owner=self,
        )

    def _after_save(self, blueprint_id: str) -> None:
        self._select_saved = blueprint_id
        self.read_saved()

    def delete(self) -> None:
        index = self.blueprints.currentIndex()
        if index <= 0:
            return
        blueprint_id = self.saved[index - 1].id
        opened = self.context.opened
        self.blueprints.setCurrentIndex(0)
        self.context.runner.run_write(
            lambda _p: delete_blueprint(opened.database, blueprint_id),
            label="Deleting the blueprint",
            on_done=lambda _c: self.read_saved(),
            owner=self,
        )
