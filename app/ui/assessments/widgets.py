"""Small pieces the Assessments pages share: a combo box that may shrink, a wrapped label, and
the texts for times and results."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from app.wording import counted


def small_combo(items: Sequence[tuple[str, object]], accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.setAccessibleName(accessible)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    for text, value in items:
        combo.addItem(text, value)
    return combo


def wrapped(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def clock(ms: int | None) -> str:
    """1:05 or 1:02:03 for milliseconds; an empty string for None."""
    if ms is None:
        return ""
    seconds = max(0, int(ms) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def plural(count: int, word: str) -> str:
    return counted(count, word)
