"""What a plan covers, edited in the plan dialog: courses, playlists, video folders, question
subjects and systems (a number of questions or all unused), decks (a number of new cards or all
of them), each with a priority (1 first). Items are kept here until the dialog saves them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.planner.common import wrapped

if TYPE_CHECKING:
    from app.core.planner.plan_reads import ScopeChoices
    from app.core.planner.plans import ScopeItem, ScopeSpec

KINDS = (
    ("course", "Course (its lessons)"),
    ("playlist", "Video playlist"),
    ("folder", "Video folder"),
    ("subject", "Question subject / system"),
    ("deck", "Deck (new cards)"),
)
KIND_WORDS = {
    "course": "Course",
    "playlist": "Playlist",
    "folder": "Folder",
    "subject": "Questions",
    "deck": "Deck",
}


@dataclass(frozen=True)
class ScopeRow:
    """One item as the dialog holds it; `id` is None until saved."""

    kind: str
    target: str
    title: str
    system: str | None = None
    count: int | None = None
    priority: int = 1
    id: str | None = None
    missing: bool = False

    def spec(self) -> ScopeSpec:
        from app.core.planner.plans import ScopeSpec

        return ScopeSpec(self.kind, self.target, self.system, self.count, self.priority)

    def amount_text(self) -> str:
        if self.kind == "subject":
            return f"{self.count} questions" if self.count else "All unused"
        if self.kind == "deck":
            return f"{self.count} new cards" if self.count else "All new cards"
        return "All"


def row_of(item: ScopeItem) -> ScopeRow:
    return ScopeRow(item.kind, item.target, item.title, item.system, item.count, item.priority,
                    item.id, item.missing)  # fmt: skip


def _small_combo(accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.setAccessibleName(accessible)
    return combo


class ScopeEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ScopeRow] = []
        self.removed: list[str] = []  # ids of saved items taken out
        self.choices: ScopeChoices | None = None
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("What the plan covers")
        self.tree.setHeaderLabels(["Priority", "Kind", "What", "Amount"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setMinimumHeight(90)

        self.kind = _small_combo("Kind of item")
        for value, text in KINDS:
            self.kind.addItem(text, value)
        self.target = _small_combo("Item to cover")
        self.system = _small_combo("System")
        self.count = QSpinBox()
        self.count.setRange(1, 100_000)
        self.count.setValue(100)
        self.count.setAccessibleName("How many")
        self.all = QCheckBox("A&ll")
        self.all.setChecked(True)
        self.priority = QSpinBox()
        self.priority.setRange(1, 9)
        self.priority.setAccessibleName("Priority (1 first)")
        self.add_button = QPushButton("&Add")
        self.remove_button = QPushButton("Re&move")
        self.raise_button = QPushButton("Priority &Up")
        self.lower_button = QPushButton("Priority Do&wn")
        self.hint = wrapped("Reading your courses, videos, questions and decks…")

        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind)
        target_label = QLabel("&Item:")
        target_label.setBuddy(self.target)
        self.system_label = QLabel("S&ystem:")
        self.system_label.setBuddy(self.system)
        self.count_label = QLabel("&How many:")
        self.count_label.setBuddy(self.count)
        priority_label = QLabel("&Priority:")
        priority_label.setBuddy(self.priority)
        grid = QGridLayout()
        grid.addWidget(kind_label, 0, 0)
        grid.addWidget(self.kind, 0, 1, 1, 3)
        grid.addWidget(target_label, 1, 0)
        grid.addWidget(self.target, 1, 1, 1, 3)
        grid.addWidget(self.system_label, 2, 0)
        grid.addWidget(self.system, 2, 1, 1, 3)
        grid.addWidget(self.count_label, 3, 0)
        grid.addWidget(self.count, 3, 1)
        grid.addWidget(self.all, 3, 2)
        grid.addWidget(priority_label, 4, 0)
        grid.addWidget(self.priority, 4, 1)
        grid.addWidget(self.add_button, 4, 3)
        grid.setColumnStretch(3, 1)
        list_buttons = QHBoxLayout()
        for button in (self.raise_button, self.lower_button, self.remove_button):
            list_buttons.addWidget(button)
        list_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(list_buttons)
        layout.addWidget(self.hint)
        layout.addLayout(grid)

        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.all.toggled.connect(lambda on: self.count.setEnabled(not on))
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button.clicked.connect(self.remove_current)
        self.raise_button.clicked.connect(lambda: self.shift_priority(-1))
        self.lower_button.clicked.connect(lambda: self.shift_priority(1))
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.count.setEnabled(False)
        self._kind_chosen()

    # --- data ---------------------------------------------------------------------------------

    def set_rows(self, rows: list[ScopeRow]) -> None:
        self.rows = list(rows)
        self.removed = []
        self._show_rows()

    def set_choices(self, choices: ScopeChoices) -> None:
        self.choices = choices
        self.hint.hide()
        self._kind_chosen()

    def _options(self, kind: str) -> tuple[tuple[str, str], ...]:
        chosen = self.choices
        if chosen is None:
            return ()
        return {
            "course": chosen.courses,
            "playlist": chosen.playlists,
            "folder": chosen.folders,
            "subject": chosen.subjects,
            "deck": chosen.decks,
        }[kind]

    def _kind_chosen(self) -> None:
        kind = str(self.kind.currentData())
        self.target.clear()
        if kind == "subject":
            self.target.addItem("Any subject", "")
        for target, title in self._options(kind):
            self.target.addItem(title, target)
        self.system.clear()
        self.system.addItem("Any system", None)
        if self.choices is not None:
            for target, title in self.choices.systems:
                self.system.addItem(title, target)
        counted = kind in ("subject", "deck")
        for widget in (self.count_label, self.count, self.all):
            widget.setVisible(counted)
        for part in (self.system_label, self.system):
            part.setVisible(kind == "subject")
        self.all.setText("A&ll unused" if kind == "subject" else "A&ll new cards")
        self._enable()

    def _enable(self) -> None:
        self.add_button.setEnabled(self.target.count() > 0)
        chosen = self.tree.currentItem() is not None
        for button in (self.remove_button, self.raise_button, self.lower_button):
            button.setEnabled(chosen)

    def _show_rows(self) -> None:
        current = self._current_index()
        self.tree.clear()
        for row in self.rows:
            title = row.title + (f" / {row.system}" if row.system and row.target else "")
            if row.missing:
                title += " (deleted since)"
            item = QTreeWidgetItem(
                [str(row.priority), KIND_WORDS.get(row.kind, row.kind), title, row.amount_text()]
            )
            item.setToolTip(2, title)
            self.tree.addTopLevelItem(item)
        if self.rows:
            self._select(max(0, min(current, len(self.rows) - 1)))
        self._enable()

    def _current_index(self) -> int:
        item = self.tree.currentItem()
        return -1 if item is None else self.tree.indexOfTopLevelItem(item)

    def _select(self, index: int) -> None:
        item = self.tree.topLevelItem(index)
        if item is not None:
            self.tree.setCurrentItem(item)

    # --- edits --------------------------------------------------------------------------------

    def add_chosen(self) -> None:
        kind = str(self.kind.currentData())
        target = str(self.target.currentData() or "")
        system = self.system.currentData() if kind == "subject" else None
        if kind == "subject" and not target and not system:
            self.hint.setText("Choose a subject or a system of questions to cover.")
            self.hint.show()
            return
        title = self.target.currentText() if target else f"{system}"
        counted = kind in ("subject", "deck") and not self.all.isChecked()
        count = self.count.value() if counted else None
        self.rows.append(ScopeRow(kind, target, title, system, count, self.priority.value()))
        self.rows.sort(key=lambda r: r.priority)
        self.hint.hide()
        self._show_rows()

    def remove_current(self) -> None:
        index = self._current_index()
        if 0 <= index < len(self.rows):
            row = self.rows.pop(index)
            if row.id is not None:
                self.removed.append(row.id)
            self._show_rows()

    def shift_priority(self, step: int) -> None:
        index = self._current_index()
        if 0 <= index < len(self.rows):
            row = self.rows[index]
            self.rows[index] = replace(row, priority=max(1, min(9, row.priority + step)))
            moved = self.rows[index]
            self.rows.sort(key=lambda r: r.priority)
            self._show_rows()
            self._select(self.rows.index(moved))
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
