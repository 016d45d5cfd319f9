"""File > Import Cards… for a CSV/TSV file: what each column is, the encoding, the deck.

It never reads the file itself: whoever opens it answers `encoding_changed` with `show_preview`
(or `show_problem`) and `import_requested` with `set_busy` and, once done, `accept`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.importers.cards_csv import CsvPreview

# (label, codec name); None lets the importer detect a byte-order mark or take UTF-8.
ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("Detected", None),
    ("UTF-8", "utf-8"),
    ("UTF-16", "utf-16"),
    ("Windows-1252", "cp1252"),
    ("Latin-1", "latin-1"),
)
ROLES = (("Front", "front"), ("Back", "back"), ("Tags", "tags"), ("Ignore", "ignore"))
_DEFAULT_ROLES = ("front", "back", "tags")
VALID_ROLES = (["back", "front"], ["back", "front", "tags"])  # sorted, "ignore" left out


def default_roles(preview: CsvPreview) -> tuple[str, ...]:
    """A header row naming front/back/tags wins; otherwise front, back, tags, then ignore."""
    width = max((len(row) for row in preview.rows), default=2)
    first = [cell.casefold() for cell in preview.rows[0]] if preview.rows else []
    named = [cell if cell in _DEFAULT_ROLES else "ignore" for cell in first]
    if sorted(r for r in named if r != "ignore") in VALID_ROLES:
        return tuple(named + ["ignore"] * (width - len(named)))
    return tuple(_DEFAULT_ROLES[i] if i < 3 else "ignore" for i in range(width))


class CardMappingDialog(QDialog):
    """Signals:
    - encoding_changed(object): the learner chose an encoding (a codec name or None); re-read.
    - import_requested(): OK was pressed with a valid mapping; the dialog stays open until
      `accept` so a refused file can be fixed and tried again. Cancel (reject) while busy is
      the learner's way to stop the import.
    """

    encoding_changed = Signal(object)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None, path: Path, decks: list[str]) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"Import Cards from {path.name}")
        self.resize(640, 420)
        self.role_combos: list[QComboBox] = []
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.encoding_combo = QComboBox(self)
        for label, codec in ENCODINGS:
            self.encoding_combo.addItem(label, codec)
        self.encoding_combo.currentIndexChanged.connect(
            lambda _i: self.encoding_changed.emit(self.encoding())
        )
        self.deck_combo = QComboBox(self)
        self.deck_combo.setEditable(True)
        self.deck_combo.addItems(decks)
        self.deck_combo.setToolTip('An existing deck, or type a new one such as "Parent::Child"')
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self._ask_import)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Encoding:", self.encoding_combo)
        form.addRow("Into deck:", self.deck_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("What is in each column (the first rows of the file):", self))
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._set_ok(False)

    def encoding(self) -> str | None:
        codec = self.encoding_combo.currentData()
        return codec if isinstance(codec, str) else None

    def set_encoding(self, codec: str | None) -> None:
        self.encoding_combo.setCurrentIndex(self.encoding_combo.findData(codec))

    def columns(self) -> tuple[str, ...]:
        return tuple(str(combo.currentData()) for combo in self.role_combos)

    def set_columns(self, roles: tuple[str, ...]) -> None:
        for combo, role in zip(self.role_combos, roles, strict=False):
            combo.setCurrentIndex(combo.findData(role))

    def deck_name(self) -> str:
        return self.deck_combo.currentText().strip()

    def set_deck_name(self, name: str) -> None:
        self.deck_combo.setEditText(name)

    def show_preview(self, preview: CsvPreview) -> None:
        """Fill the table; the column roles are kept while the number of columns is the same."""
        width = max((len(row) for row in preview.rows), default=2)
        kept = self.columns() if len(self.role_combos) == width else default_roles(preview)
        self.table.clear()
        self.table.setColumnCount(width)
        self.table.setRowCount(len(preview.rows) + 1)
        self.table.setHorizontalHeaderLabels([f"Column {i + 1}" for i in range(width)])
        self.role_combos = []
        for column in range(width):
            combo = QComboBox(self.table)
            for label, role in ROLES:
                combo.addItem(label, role)
            combo.currentIndexChanged.connect(lambda _i: self._check_mapping())
            self.table.setCellWidget(0, column, combo)
            self.role_combos.append(combo)
        for row, cells in enumerate(preview.rows, start=1):
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell))
        self.set_columns(kept)
        self._check_mapping()

    def show_problem(self, text: str) -> None:
        """The importer's own words for why the file cannot be read this way."""
        self.table.clearContents()
        self.table.setRowCount(0)
        self.role_combos = []
        self.problem.setText(text)
        self._set_ok(False)

    def set_busy(self, busy: bool) -> None:
        self.table.setEnabled(not busy)
        self.encoding_combo.setEnabled(not busy)
        self.deck_combo.setEnabled(not busy)
        if busy:
            self.problem.setText("Importing… Cancel stops it and keeps nothing.")
            self._set_ok(False)
        else:
            self._check_mapping()

    def _check_mapping(self) -> None:
        roles = [r for r in self.columns() if r != "ignore"]
        if not self.role_combos:
            return
        if sorted(roles) not in VALID_ROLES:
            self.problem.setText("Choose one Front column, one Back column and at most one Tags.")
            self._set_ok(False)
            return
        self.problem.setText("")
        self._set_ok(True)

    def _set_ok(self, enabled: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enabled)

    def _ask_import(self) -> None:
        if not self.deck_name():
            self.problem.setText("Choose a deck, or type the name of a new one.")
            return
        self.import_requested.emit()
