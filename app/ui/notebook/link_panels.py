"""What the open note links to (chips under its title) and what links to it (the backlinks panel).

A chip names its target (a lesson's title, a card's front, "Video @ 1:23") and opens it in its
view; a chip whose target was deleted says so and, clicked, offers to link something else in
its place. The backlinks panel lists the notes, cards and bookmarks that link here, then the
notes that name this note's title without linking it ("unlinked mentions").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.focus_order import put_after
from app.ui.layouts import clear_layout
from app.ui.notebook.link_picker import kind_name

if TYPE_CHECKING:
    from app.core.notes.link_reads import Backlink, ResolvedLink
    from app.core.notes.note_reads import NoteRow

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
CHIP_STYLE = (
    "QPushButton { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 10px; }"
    "QPushButton[missing='true'] { color: #b3261e; text-decoration: line-through; }"
)


def chip_text(link: ResolvedLink) -> str:
    name = kind_name(link.target.kind)
    if not link.exists:
        return f"{name} deleted"
    return f"{name}: {link.title or link.target.id}"


class LinkChips(QWidget):
    """`opened(ResolvedLink)`: a chip was clicked; `link_wanted()`: "Link…" was."""

    opened = Signal(object)
    link_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.links: tuple[ResolvedLink, ...] = ()
        self.tab_after: QWidget | None = None  # Tab reaches the chips after this, then Link…
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self.row)
        self.strip = QScrollArea()
        self.strip.setWidget(holder)
        self.strip.setWidgetResizable(True)
        self.strip.setFrameShape(QFrame.Shape.NoFrame)
        self.strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the chips, scrolled to
        self.strip.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.strip.installEventFilter(self)  # its width decides whether it scrolls sideways
        self.add_button = QPushButton("Link…")
        self.add_button.setToolTip(
            "Link a lesson, card, deck, video moment, question or note (Ctrl+L)"
        )
        self.add_button.clicked.connect(self.link_wanted)
        self.none = QLabel("No links yet")
        self.none.setEnabled(False)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.strip, 1)
        outer.addWidget(self.add_button)
        self.setStyleSheet(CHIP_STYLE)
        self.show_links(())

    def show_links(self, links: tuple[ResolvedLink, ...]) -> None:
        self.links = links
        clear_layout(self.row, keep=(self.none,))
        self.row.addWidget(self.none)
        self.none.setVisible(not links)
        chips = []
        for link in links:
            chip = QPushButton(chip_text(link))
            chip.setProperty("missing", "true" if not link.exists else "false")
            chip.setToolTip(
                "Deleted or not in this profile: click to link something else in its place"
                if not link.exists
                else f"Open this {kind_name(link.target.kind).lower()}"
            )
            chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chip.clicked.connect(lambda _c=False, link=link: self.opened.emit(link))
            self.row.addWidget(chip)
            chips.append(chip)
        self.row.addStretch(1)
        put_after(self.tab_after, [*chips, self.add_button])
        self._fit_height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.strip and event.type() == QEvent.Type.Resize:
            assert isinstance(event, QResizeEvent)
            self._fit_height(event.size().width())
        return False

    def _fit_height(self, width: int | None = None) -> None:
        """The chips whole: their height, and the sideways scroll bar's below them when they
        do not all fit in `width` (the strip's; it would otherwise cover their lower half)."""
        shown = [self.add_button, self.none, *self.chips()]
        height = max(widget.sizeHint().height() for widget in shown) + 4
        holder = self.strip.widget()
        room = self.strip.width() if width is None else width
        if holder is not None and holder.sizeHint().width() > room:
            height += self.strip.horizontalScrollBar().sizeHint().height()
        if height != self.strip.height():
            self.strip.setFixedHeight(height)

    def chips(self) -> list[QPushButton]:
        return [
            widget
            for at in range(self.row.count())
            if isinstance(widget := self.row.itemAt(at).widget(), QPushButton)  # type: ignore[union-attr]
        ]


class BacklinksPanel(QWidget):
    """`entry_opened(kind, id, extra)`: a backlink or mention chosen (extra: (video id, at_s)
    for a bookmark)."""

    entry_opened = Signal(str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setText("Linked here")
        self.toggle.toggled.connect(self._toggled)
        self.entries = QListWidget()
        self.entries.setAccessibleName("Backlinks and unlinked mentions")
        self.entries.setWordWrap(True)
        self.entries.itemActivated.connect(self._activated)
        self.entries.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.entries)
        self.entries.setMaximumHeight(160)

    def _toggled(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.entries.setVisible(on)

    def show_entries(self, backlinks: list[Backlink], mentions: list[NoteRow]) -> None:
        self.entries.clear()
        for link in backlinks:
            label = f"{kind_name(link.kind)}: {link.title}"
            if link.snippet:
                label += f" — {link.snippet}"
            item = QListWidgetItem(label)
            extra = (link.video_id, link.at_s) if link.video_id else None
            item.setData(ENTRY_ROLE, (link.kind, link.id, extra))
            self.entries.addItem(item)
        for row in mentions:
            item = QListWidgetItem(f"Mentions this title (not linked): {row.title}")
            item.setData(ENTRY_ROLE, ("note", row.id, None))
            self.entries.addItem(item)
        if not backlinks and not mentions:
            empty = QListWidgetItem("Nothing links here yet. Link this note from another with [[.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.entries.addItem(empty)
        self.toggle.setText(f"Linked here: {len(backlinks)} · unlinked mentions: {len(mentions)}")

    def _activated(self, item: QListWidgetItem) -> None:
        value = item.data(ENTRY_ROLE)
        if isinstance(value, tuple):
            kind, entry_id, extra = value
            self.entry_opened.emit(kind, entry_id, extra)
