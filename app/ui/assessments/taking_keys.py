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
from PySide6.QtGui import QKeyEvent

from app.ui.key_help import HandledKey, add_shortcut

if TYPE_CHECKING:
    from app.ui.assessments.taking_page import TakingPage

LETTERS = "ABCDEFGHIJ"
KEYS_HINT = (
    "A–J or 1–9 choose · Alt+letter strike · Enter check · N/P move · F flag · "
    "H highlight · Ctrl+Shift+N note · Ctrl+E end block · Esc suspend"
)


# Not a QShortcut (see above): the page's handlers ask it, and Help > Keyboard Shortcuts lists it.
STRIKE = HandledKey("Block: strike out that choice", *(f"Alt+{letter}" for letter in LETTERS))


def add_taking_keys(page: TakingPage) -> None:
    def key(keys: str, slot: Any, description: str) -> None:
        add_shortcut(page, keys, f"Block: {description}", slot)

    for letter in LETTERS:
        choose = "choose that choice (F, H: flag, highlight where there is none)"
        key(letter, lambda letter=letter: letter_key(page, letter), choose)
    for n in range(9):
        key(str(n + 1), lambda n=n: choose_nth(page, n), "choose the choice in that place")
    for keys in ("Return", "Enter"):
        key(keys, lambda: enter_key(page), "check the answer (tutor mode), or go on")
    for keys in ("N", "Right"):
        key(keys, lambda: page.move_to(page.current + 1), "the next question")
    for keys in ("P", "Left"):
        key(keys, lambda: page.move_to(page.current - 1), "the previous question")
    key("Shift+F", page.toggle_flag, "flag the question")
    key("Shift+H", page.toggle_highlight, "highlight the selected text")
    key("Ctrl+Shift+N", page.note_on_question, "a note on the question")
    key("Ctrl+E", page.end_block, "end it (asks first)")
    key("Esc", page.suspend, "suspend it (resume it from Blocks)")


def strike_place(page: TakingPage, event: QKeyEvent) -> int | None:
    """The place of the choice Alt+letter strikes out, if the question shows that choice."""
    if not STRIKE.matches(event):
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
