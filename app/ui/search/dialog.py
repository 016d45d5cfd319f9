"""Search Everything (Ctrl+K): type, see the results grouped by kind with the found words in
bold, Enter opens the one chosen in its view.

The search runs on the read pool a moment after the last key press (`DEBOUNCE_MS`); only the
answer to the newest text is shown, so a slow answer to an older text never replaces it. Up and
Down move through the results from the text box.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.search import KIND_NAMES, SearchHit, marked_html, search_all
from app.ui.context import ViewContext
from app.ui.key_help import HandledKey

DEBOUNCE_MS = 120
HIT_ROLE = Qt.ItemDataRole.UserRole + 1


def open_search(context: ViewContext, window: QWidget) -> None:
    """File > Search Everything… (Ctrl+K): show the window's search dialog, its text selected."""
    dialog = window.findChild(SearchDialog)
    if dialog is None:
        dialog = SearchDialog(context, window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.edit.setFocus()
    dialog.edit.selectAll()


class SearchDialog(QDialog):
    NEXT = HandledKey("The next result", "Down")
    BEFORE = HandledKey("The result before", "Up")
    OPEN = HandledKey("Open the chosen result in its view", "Return", "Enter")
    HANDLED_KEYS = (NEXT, BEFORE, OPEN)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Search Everything")
        self.resize(640, 480)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Search notes, lessons, cards, questions and videos")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search everything")
        self.results = QListWidget(self)
        self.results.setAccessibleName("Results")
        self.results.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)

        self._asked = 0  # the newest search asked for; older answers are dropped
        self.shown_text: str | None = None  # the text whose results are on screen
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self.open_current)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._open_item)

    # Searching
    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        self._asked += 1
        asked = self._asked
        if not text.strip():
            self._show(asked, text, [])
            return
        self.context.runner.run_read(
            lambda _progress: search_all(self.context.opened.database, text),
            label="Searching",
            on_done=lambda hits: self._show(asked, text, hits),
            owner=self,
        )

    def _show(self, asked: int, text: str, hits: list[SearchHit]) -> None:
        if asked != self._asked:
            return  # the learner typed on: a newer answer is coming
        self.results.clear()
        kind = None
        for hit in hits:
            if hit.kind != kind:
                kind = hit.kind
                header = QListWidgetItem(KIND_NAMES.get(kind, kind))
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                self.results.addItem(header)
            self._add_hit(hit)
        self.shown_text = text
        if text.strip() and not hits:
            self.status.setText(f"Nothing found for “{text.strip()}”.")
        else:
            self.status.setText("Enter opens the result." if hits else "")
        first = self._hit_rows()
        if first:
            self.results.setCurrentRow(first[0])
        if self._open_when_shown:
            self._open_when_shown = False
            self.open_current()

    def _add_hit(self, hit: SearchHit) -> None:
        item = QListWidgetItem()
        item.setData(HIT_ROLE, hit)
        item.setText(hit.plain_title)  # for accessibility and keyboard search
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        snippet = f"<br><small>{marked_html(hit.snippet)}</small>" if hit.snippet else ""
        label.setText(f"{marked_html(hit.title)}{snippet}")
        label.setContentsMargins(12, 2, 4, 2)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        item.setSizeHint(label.sizeHint())
        item.setForeground(Qt.GlobalColor.transparent)
        self.results.addItem(item)
        self.results.setItemWidget(item, label)

    def _hit_rows(self) -> list[int]:
        return [
            row
            for row in range(self.results.count())
            if self.results.item(row).data(HIT_ROLE) is not None
        ]

    def hits(self) -> list[SearchHit]:
        return [self.results.item(row).data(HIT_ROLE) for row in self._hit_rows()]

    # Keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = 1 if self.NEXT.matches(event) else -1 if self.BEFORE.matches(event) else 0
            if step:
                self._move(step)
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        rows = self._hit_rows()
        if not rows:
            return
        current = self.results.currentRow()
        later = [r for r in rows if (r > current if step > 0 else r < current)]
        target = (later[0] if step > 0 else later[-1]) if later else current
        self.results.setCurrentRow(target if target in rows else rows[0])

    # Opening
    def open_current(self) -> None:
        if self._timer.isActive() or self.shown_text != self.edit.text():
            self.search_now()  # Enter before the answer came: open when it comes
            self._open_when_shown = True
            return
        item = self.results.currentItem()
        if item is not None:
            self._open_item(item)

    _open_when_shown = False

    def _open_item(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if isinstance(hit, SearchHit) and self.open_hit(hit):
            self.accept()

    def open_hit(self, hit: SearchHit) -> bool:
        """Show the hit in its view; False (and why, below the results) where none can."""
        navigator: Any = self.context.navigator
        if hit.kind == "lesson":
            navigator.open_lesson(hit.id)
        elif hit.kind == "card":
            navigator.open_card(hit.id)
        elif hit.kind in ("video", "bookmark"):
            place = hit.anchor.removeprefix("studydesk:video/")
            video_id, _, at = place.partition("?t=")
            navigator.open_video_moment(video_id, float(at or 0.0))
        elif hit.kind in ("note", "article") and hasattr(navigator, "open_note"):
            navigator.open_note(hit.id)
        elif hit.kind == "question" and hasattr(navigator, "open_question"):
            navigator.open_question(hit.id)
        else:
            self.status.setText(f"{KIND_NAMES.get(hit.kind, hit.kind)} cannot be opened yet.")
            return False
        return True
