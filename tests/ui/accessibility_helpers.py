"""What a screen reader and a keyboard user meet in a view: the accessibility tree's names, the
Tab chain, and where each stop sits on screen."""

from __future__ import annotations

from itertools import pairwise

import shiboken6
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

# The controls a learner operates: each must say what it is to a screen reader.
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)
# The tree's item views hold a child per cell; their cells are named by their own text.
ITEM_ROLES = {
    QAccessible.Role.List,
    QAccessible.Role.Table,
    QAccessible.Role.Tree,
    QAccessible.Role.TreeItem,
}


def describe(widget: QWidget) -> str:
    parents = []
    parent = widget.parentWidget()
    while parent is not None and len(parents) < 3:
        parents.append(type(parent).__name__)
        parent = parent.parentWidget()
    shown = widget.text() if isinstance(widget, (QAbstractButton, QLineEdit)) else ""
    name = widget.objectName()
    return f"{type(widget).__name__}{f' #{name}' if name else ''} {shown!r} in {'/'.join(parents)}"


def part_of_a_control(widget: QWidget, root: QWidget) -> bool:
    """Qt's own pieces of a bigger control (a spin box's line edit, a scroll bar, a combo's
    popup, an item view's viewport and header): the bigger control carries the name."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, (QAbstractItemView, QAbstractSpinBox, QComboBox)):
            return True
        parent = parent.parentWidget()
    if isinstance(widget, QAbstractSlider) and widget.metaObject().className() == "QScrollBar":
        return True
    return widget.objectName().startswith("qt_")


def controls(root: QWidget) -> list[QWidget]:
    """The controls on screen under `root` that a learner can use."""
    found = []
    for widget in root.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()) or not isinstance(widget, INTERACTIVE):
            continue
        if widget.window() is not root.window() or part_of_a_control(widget, root):
            continue
        if isinstance(widget, QTextEdit) and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue  # text on display, read through its parent's name (the card's text)
        found.append(widget)
    return found


def accessible_tree(root: QWidget) -> dict[int, QAccessibleInterface]:
    """Every interface in `root`'s accessibility tree that stands for a widget, by the widget's
    address (the tree is walked through `child(i)`, as a screen reader does; item views' cells
    are not descended into)."""
    top = QAccessible.queryAccessibleInterface(root)
    assert top is not None and top.isValid(), "no accessibility interface for the view"
    found: dict[int, QAccessibleInterface] = {}
    pending = [top]
    while pending:
        interface = pending.pop()
        target = interface.object()
        if isinstance(target, QWidget):
            found[shiboken6.getCppPointer(target)[0]] = interface
        if interface.role() in ITEM_ROLES:
            continue
        for i in range(interface.childCount()):
            child = interface.child(i)
            if child is not None and child.isValid():
                pending.append(child)
    return found


def unnamed(root: QWidget) -> list[str]:
    """The controls of `root` a screen reader reaches without a name (or does not reach)."""
    tree = accessible_tree(root)
    problems = []
    for widget in controls(root):
        interface = tree.get(shiboken6.getCppPointer(widget)[0])
        if interface is None:
            problems.append(f"not in the accessibility tree: {describe(widget)}")
            continue
        if not spoken_name(widget, interface):
            problems.append(f"no name: {describe(widget)}")
    return problems


def spoken_name(widget: QWidget, interface: QAccessibleInterface) -> str:
    """The name a screen reader announces. On Linux Qt gives a combo box its current choice as
    its name: what names it there is the label it is the buddy of (a Label relation), and
    elsewhere its accessible name, so a combo box needs one of the two."""
    if isinstance(widget, QComboBox):
        labels = [label.text(QAccessible.Text.Name) for label, _ in interface.relations()]
        return " ".join([widget.accessibleName(), *labels]).replace("&", "").strip()
    return interface.text(QAccessible.Text.Name).replace("&", "").strip()


def name_of(widget: QWidget) -> str:
    """The control's spoken name, or its class when it has none."""
    interface = QAccessible.queryAccessibleInterface(widget)
    text = spoken_name(widget, interface) if interface is not None else ""
    return " ".join(text.split()) or type(widget).__name__


def nameless(stops: list[QWidget]) -> list[str]:
    """Tab stops a screen reader announces without a name (a scroll area, a painted widget)."""
    found = []
    for stop in stops:
        interface = QAccessible.queryAccessibleInterface(stop)
        if interface is None or not spoken_name(stop, interface):
            found.append(describe(stop))
    return found


def typing_traps(root: QWidget) -> list[str]:
    """Editable text boxes where Tab types a tab instead of going on (Qt offers no other key
    out of them: Ctrl+Tab stays in them too)."""
    return [
        f"Tab types a tab in {describe(widget)}"
        for widget in controls(root)
        if isinstance(widget, (QPlainTextEdit, QTextEdit))
        and not widget.isReadOnly()
        and not widget.tabChangesFocus()
    ]


def stays(widget: QWidget) -> int:
    """How many Tabs a control may keep before it lets the focus go on: a date's sections, a
    text's links."""
    if isinstance(widget, QDateTimeEdit):
        return widget.sectionCount()
    if isinstance(widget, QTextEdit) and widget.isReadOnly():
        return 40
    return 0


def tab_chain(qtbot: QtBot, start: QWidget, limit: int = 150) -> list[QWidget]:
    """Tab from `start` until the focus is back on it. Fails on a trap: a stop Tab cannot leave,
    or a chain that never comes back."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus, timeout=5000)
    stops: list[QWidget] = []
    kept = 0
    for _ in range(limit):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        chain = [*map(name_of, stops)]
        if after is focus and kept < stays(focus):
            kept += 1
            continue
        kept = 0
        assert after is not focus, f"Tab is trapped in {name_of(focus)} after {chain}"
        if after is start:
            return stops
        assert after is not None, f"Tab left the window after {chain}"
        assert after not in stops, f"Tab goes round at {name_of(after)}: {chain}"
        stops.append(after)
    raise AssertionError(f"Tab never came back: {[*map(name_of, stops)]}")


def out_of_reading_order(stops: list[QWidget], tolerance: int = 8) -> list[str]:
    """Consecutive Tab stops where the second sits before the first for a reader: above it in
    the same column, or on the same line to its left. Going up into a column to the right is
    reading on (a side panel, then the main area)."""

    def place(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())

    found = []
    for first, second in pairwise(stops):
        a, b = place(first), place(second)
        same_line = abs(a.center().y() - b.center().y()) <= tolerance or (
            b.top() < a.bottom() and a.top() < b.bottom()
        )
        new_column = b.left() >= a.right() - tolerance
        if same_line and b.right() <= a.left() + tolerance:
            found.append(f"{name_of(second)} is left of {name_of(first)} on its line")
        elif not same_line and b.bottom() < a.top() + tolerance and not new_column:
            found.append(f"{name_of(second)} is above {name_of(first)}")
    return found


def from_the_top(cycle: list[QWidget]) -> list[QWidget]:
    """A dialog's Tab cycle read from its top left control (Tab wraps from the last to the
    first: that step is not out of order)."""

    def place(widget: QWidget) -> tuple[int, int]:
        top_left = widget.mapTo(widget.window(), widget.rect().topLeft())
        return top_left.y(), top_left.x()

    first = min(range(len(cycle)), key=lambda at: place(cycle[at]))
    return cycle[first:] + cycle[:first]
