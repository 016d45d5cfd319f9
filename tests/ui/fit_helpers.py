"""What a learner sees cut off: widgets shown smaller than their text needs."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

PROGRESS_TEXT_MARGINS = 8  # what a progress bar's frame takes beside its text, both sides


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        text = widget.text() or (widget.placeholderText() if isinstance(widget, QLineEdit) else "")
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    elif isinstance(widget, QProgressBar):
        text = widget.text()
    short = " ".join(text.split())[:60]
    return f"{type(widget).__name__} {short!r}"


def cut_off(root: QWidget) -> list[str]:
    """Every visible widget under `root` (and `root`) drawn smaller than it needs: a
    word-wrapped label shorter than its text at its width (its last lines sliced or missing),
    a label, button, text box, list choice or progress bar narrower than its text, or any widget
    narrower than its minimum size."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or (widget.isWindow() and widget is not root):
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            if widget.text() and widget.heightForWidth(widget.width()) > widget.height():
                need = widget.heightForWidth(widget.width())
                found.append(f"{_name(widget)}: {widget.height()} px tall, needs {need}")
            continue
        need_width = widget.minimumSizeHint().width()
        if isinstance(widget, QLabel) and widget.text():
            need_width = widget.sizeHint().width()
        if isinstance(widget, QLineEdit) and widget.placeholderText() and not widget.text():
            # Qt's own width for 17 x's, less them, plus the hint: the text margins, frame and
            # inner margins as the style has them (checked against the pixels drawn: one less
            # and the hint ends in "…").
            metrics = widget.fontMetrics()
            frame = widget.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
            text = metrics.horizontalAdvance(widget.placeholderText())
            button = 22 if widget.isClearButtonEnabled() else 0  # its place is kept when empty
            need_width = max(need_width, frame + text + button)
        if isinstance(widget, QProgressBar) and widget.isTextVisible() and widget.text():
            text = widget.fontMetrics().horizontalAdvance(widget.text())
            need_width = max(need_width, text + PROGRESS_TEXT_MARGINS)
        if need_width > widget.width():
            found.append(f"{_name(widget)}: {widget.width()} px wide, needs {need_width}")
    return found


def items_cut_off(
    view: QAbstractItemView, column: int, beside: int = 0, as_shown: bool = False
) -> list[str]:
    """The texts of `column` that `view` cannot show whole in the room their row gives them
    (word-wrapped if the view wraps; `beside`: the pixels a picture takes before the text),
    every row of a tree included. `as_shown`: the text as the item delegate shows it (a name
    it elides on purpose, e.g.), not the model's."""
    model = view.model()
    found = []
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap) if view.wordWrap() else 0
    parents = [QModelIndex()]
    while parents:
        parent = parents.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, column, parent)
            text = str(index.data() or "")
            delegate = view.itemDelegateForIndex(index)
            if as_shown and isinstance(delegate, QStyledItemDelegate):
                option = QStyleOptionViewItem()
                delegate.initStyleOption(option, index)
                text = option.text
            rect = view.visualRect(index)
            room = QRect(0, 0, rect.width() - margin - beside, 1 << 16)
            need = view.fontMetrics().boundingRect(room, flags, text)
            if need.width() > room.width() or need.height() > rect.height():
                found.append(f"{text!r} needs {need.width()}x{need.height()}, has {rect.size()}")
            if isinstance(view, QTreeView):
                parents.append(model.index(row, 0, parent))
    return found
