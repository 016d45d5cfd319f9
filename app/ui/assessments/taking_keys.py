"""The keys of a block being taken (while its page has focus): A–J or 1–9 choose, Alt+letter
strikes out, Enter checks the answer in tutor mode (moves on in timed mode), N / → next,
P / ← previous, F flags, H highlights the selected text of the stem (when the question has a
choice F or H, that letter chooses it: Shift+F and Shift+H always flag and highlight),
Ctrl+Shift+N a note on the question, Ctrl+E ends the block (asking first), Esc suspends it
(nothing is lost: the block is resumed from Blocks).

Alt+letter is not a QShortcut: in the window the menu bar's Alt+F (File), Alt+V (View) and
Alt+H (Help) would win over a shortcut, opening a menu instead of striking choice F or H. The
page claims Alt+letter of a choice the question shows before any shortcut (`strike_place`,
from the page's ShortcutOverride and key press); Alt+F with no choice F still opens File."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut

if TYPE_CHECKING:
    from app.ui.assessments.taking_page import TakingPage

LETTERS = "ABCDEFGHIJ"
KEYS_HINT = (
    "A–J or 1–9 choose · Alt+letter strike · Enter check · N/P move · F flag · "
    "H highlight · Ctrl+Shift+N note · Ctrl+E end block · Esc suspend"
)


def add_taking_keys(page: TakingPage) -> None:
    def key(keys: str, slot: Any) -> None:
        QShortcut(QKeySequence(keys), page, slot, Qt.ShortcutContext.WidgetWithChildrenShortcut)

    for letter in LETTERS:
        key(letter, lambda letter=letter: letter_key(page, letter))
    for n in range(9):
        key(str(n + 1), lambda n=n: choose_nth(page, n))
    for keys in ("Return", "Enter"):
        key(keys, lambda: enter_key(page))
    for keys in ("N", "Right"):
        key(keys, lambda: page.move_to(page.current + 1))
    for keys in ("P", "Left"):
        key(keys, lambda: page.move_to(page.current - 1))
    key("Shift+F", page.toggle_flag)
    key("Shift+H", page.toggle_highlight)
    key("Ctrl+Shift+N", page.note_on_question)
    key("Ctrl+E", page.end_block)
    key("Esc", page.suspend)


def strike_place(page: TakingPage, event: QKeyEvent) -> int | None:
    """The place of the choice Alt+letter strikes out, if the question shows that choice."""
    if event.modifiers() != Qt.KeyboardModifier.AltModifier:
        return None
    place = event.key() - Qt.Key.Key_A.value
    question = page.question()
    if question is None or not 0 <= place < min(len(LETTERS), len(question.choices)):
        return None
    return place


def letter_key(page: TakingPage, letter: str) -> None:
    question = page.question()
    if question is not None and question.label_of(letter) is not None:
        page.choose(question.label_of(letter) or "")
    elif letter == "F":
        page.toggle_flag()
    elif letter == "H":
        page.toggle_highlight()


def choose_nth(page: TakingPage, n: int) -> None:
    question = page.question()
    if question is not None and n < len(question.choices):
        page.choose(question.choices[n].label)


def strike_nth(page: TakingPage, n: int) -> None:
    question = page.question()
    if question is not None and n < len(question.choices):
        page.toggle_strike(question.choices[n].label)


def enter_key(page: TakingPage) -> None:
    if page.mode == "tutor":
        state = page.state()
        if state is not None and state.submitted:
            page.move_to(page.current + 1)
        else:
            page.check_answer()
    else:
        page.move_to(page.current + 1)
