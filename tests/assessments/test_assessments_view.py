"""The Assessments view driven like a learner: the bank browser's model and safe preview, the
builder's live count, a block taken with the keyboard (every event durable as it happens), the
countdown and submission at time up, resuming with the time left, review, a missed question
made a card, a note on a question, analytics.

Real widgets over a real profile in tmp_path (offscreen)."""

from __future__ import annotations

from assessment_helpers import Clock, load_samples, make_questions, question
from assessments_ui_helpers import WAIT_MS, context, make_view, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.assessments.block_commands import block_state
from app.core.assessments.blocks import create_block, list_blocks
from app.core.assessments.blueprints import Blueprint
from app.core.assessments.question_detail import question_detail, resolve_question
from app.core.assessments.taking import open_block
from app.core.flashcards.deck_actions import create_deck
from app.core.sample_actions import remove_sample_content
from app.ui.assessments import deck_dialog, note_dialog
from app.ui.assessments.view import ANALYTICS, BLOCKS, BUILDER, AssessmentsView
from app.ui.context import ViewContext
from app.ui.main_window import MainWindow
from tests.access_keys import clashes

__all__ = ["context"]


def fill_bank(context: ViewContext, count: int = 30) -> None:
    load_samples(context.opened.database)
    make_questions(context.opened.database, count)


def start_block(qtbot: QtBot, view: AssessmentsView, **blueprint: object) -> None:
    made = create_block(view.context.opened.database, Blueprint(**blueprint), seed=3)  # type: ignore[arg-type]
    view.take_block(made.block_id)
    qtbot.waitUntil(lambda: view.taking.session is not None, timeout=WAIT_MS)
    wait_idle(qtbot, view.context)


def key(
    qtbot: QtBot,
    view: AssessmentsView,
    which: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(view.taking, which, mod)
    wait_idle(qtbot, view.context)


def assessments_in_window(qtbot: QtBot, context: ViewContext) -> tuple[MainWindow, AssessmentsView]:
    """The main window, shown, on the Assessments view (its menu bar's Alt keys in play)."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    window.open_view(window.pages.row_of("Assessments"))
    view = window.view_of("Assessments")
    assert isinstance(view, AssessmentsView)
    return window, view


def test_the_bank_model_is_a_sound_qt_model_and_pages_in(
    qtbot: QtBot, context: ViewContext, qtmodeltester: ModelTester
) -> None:
    fill_bank(context, 230)
    view = make_view(qtbot, context)
    model = view.bank.model
    assert model.total == 240 and len(model.rows) == 200
    qtmodeltester.check(model)
    view.bank.table.scrollToBottom()
    qtbot.waitUntil(lambda: len(model.rows) == 240, timeout=WAIT_MS)
    qtmodeltester.check(model)
    view.bank.search.setText("case 170?")
    qtbot.waitUntil(lambda: model.total == 1, timeout=WAIT_MS)
    assert model.rows[0].bank_id == "t_00170"


def test_ctrl_f_searches_the_bank_and_enter_goes_back_to_the_questions(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context, 230)
    view = make_view(qtbot, context)
    view.bank.table.setFocus()
    qtbot.keyClick(view.bank.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.bank.search.hasFocus() and "(Ctrl+F)" in view.bank.search.placeholderText()
    qtbot.keyClicks(view.bank.search, "case 170?")
    qtbot.waitUntil(lambda: view.bank.model.total == 1, timeout=WAIT_MS)
    qtbot.keyClick(view.bank.search, Qt.Key.Key_Return)
    assert view.bank.table.hasFocus()
    assert view.bank.model.rows[0].bank_id == "t_00170"


def test_a_question_with_script_and_remote_images_is_previewed_as_text(
    qtbot: QtBot, context: ViewContext
) -> None:
    from app.core.assessments.bank_writes import upsert_questions

    record = question(
        1,
        stem='<script>alert(1)</script> Look: ![x](http://example.com/x.png) <b onclick="x">hi</b>',
    )
    with context.opened.database.write_session() as session:
        upsert_questions(session, [record], source="test")
    view = make_view(qtbot, context)
    view.bank.search.setText("Look")
    qtbot.waitUntil(lambda: "Look" in view.bank.preview.toPlainText(), timeout=WAIT_MS)
    html = view.bank.preview.toHtml()
    assert "<script" not in html and "<b onclick" not in html and "&lt;b onclick" in html
    assert "alert(1)" in view.bank.preview.toPlainText()  # shown as text, never run
    assert not any(
        url.scheme() == "http" and url.isValid() and False for url in view.bank.preview.refused
    )


def test_an_empty_bank_says_what_to_do(qtbot: QtBot, context: ViewContext) -> None:
    remove_sample_content(context.opened.database)
    view = make_view(qtbot, context)
    assert view.bank.empty.isVisible() and ".sdqbank" in view.bank.empty.text()
    view.tabs.setCurrentIndex(BUILDER)
    wait_idle(qtbot, context)
    assert "empty" in view.builder.emptied.text() and not view.builder.start_button.isEnabled()


def test_the_builder_counts_as_the_learner_ticks_and_names_what_emptied_it(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    view.tabs.setCurrentIndex(BUILDER)
    builder = view.builder
    qtbot.waitUntil(lambda: builder.subjects.count() > 0, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert builder.matches.text().startswith("40 questions")
    builder.subjects.tick(("Physiology",))
    builder.subjects.itemChanged.emit(builder.subjects.item(0))
    qtbot.waitUntil(
        lambda: builder.matches.text() != "" and "40" not in builder.matches.text(), timeout=WAIT_MS
    )
    builder.pool.setCurrentIndex(builder.pool.findData("flagged"))
    qtbot.waitUntil(builder.emptied.isVisible, timeout=WAIT_MS)
    assert "flagged" in builder.emptied.text() and not builder.start_button.isEnabled()
    builder.pool.setCurrentIndex(0)
    builder.save_as("Physiology drill")
    qtbot.waitUntil(lambda: builder.blueprints.count() == 2, timeout=WAIT_MS)
    assert builder.blueprints.currentText() == "Physiology drill"


def test_a_tutor_block_taken_with_the_keyboard_writes_each_event_as_it_happens(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=5, mode="tutor")
    page = view.taking
    block_id = page.block_id or ""
    first = page.questions[0]
    key(qtbot, view, Qt.Key.Key_B)
    assert page.states[0].selected == first.label_of("B")
    key(qtbot, view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert first.label_of("A") in page.states[0].struck
    key(qtbot, view, Qt.Key.Key_Return)
    assert (
        page.question_panel.explanation.isVisible()
        and "Explanation" in page.question_panel.explanation.toPlainText()
    )
    key(qtbot, view, Qt.Key.Key_N)
    assert page.current == 1 and page.header.where.text().startswith("Question 2 of 5")
    key(qtbot, view, Qt.Key.Key_F)
    assert page.states[1].flagged and "⚑" in page.navigator.item(1).text()
    key(qtbot, view, Qt.Key.Key_3)
    key(qtbot, view, Qt.Key.Key_Left)
    assert page.current == 0
    # Durable: the log, read by another door, has it all.
    state = block_state(context.opened.database, block_id)
    assert state.states[0].selected == first.label_of("B") and state.states[0].submitted
    assert (
        state.states[1].flagged and state.states[1].selected == page.questions[1].choices[2].label
    )
    assert state.current == 0


def test_esc_suspends_the_block_and_ctrl_e_ends_it_from_the_keyboard(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=3, mode="timed", seconds_per_question=90)
    block_id = view.taking.block_id or ""
    key(qtbot, view, Qt.Key.Key_A)
    key(qtbot, view, Qt.Key.Key_Escape)  # Suspend: the block is kept for later
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.home, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    (kept,) = [b for b in list_blocks(context.opened.database) if b.id == block_id]
    assert kept.status == "suspended" and kept.answered == 1

    view.take_block(block_id)
    qtbot.waitUntil(lambda: view.taking.session is not None, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    asked: list[str] = []

    def yes(_parent: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)  # type: ignore[attr-defined]
    key(qtbot, view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # End Block, asked first
    assert asked and "2 questions are unanswered" in asked[0]
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.review, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.review.review is not None and "of 3 correct" in view.review.score.text()
    assert "(Esc)" in view.taking.header.suspend_button.toolTip()
    assert "(Ctrl+E)" in view.taking.header.end_button.toolTip()


def test_the_blocks_tab_opens_with_the_keyboard_in_its_list(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    database = context.opened.database
    reviewed = create_block(database, Blueprint(count=2), seed=3).block_id
    open_block(database, reviewed).submit()
    create_block(database, Blueprint(count=3), seed=4)  # newer: listed first
    view = make_view(qtbot, context)
    qtbot.keyClick(view.tabs, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Blocks
    wait_idle(qtbot, context)
    assert view.tabs.currentIndex() == BLOCKS
    focused = QApplication.focusWidget()
    assert focused is view.blocks.tree
    qtbot.keyClick(focused, Qt.Key.Key_Down)  # the older, submitted block
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.review, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.review.review is not None and view.review.review.block_id == reviewed


def test_delete_in_the_blocks_list_deletes_the_block_chosen_asking_first(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    database = context.opened.database
    kept = create_block(database, Blueprint(count=2), seed=3).block_id
    gone = create_block(database, Blueprint(count=3), seed=4).block_id
    view = make_view(qtbot, context)
    view.tabs.setCurrentIndex(BLOCKS)
    wait_idle(qtbot, context)
    tree = view.blocks.tree
    tree.setFocus()
    assert tree.topLevelItemCount() == 2
    while view.blocks.current() is None or view.blocks.current().id != gone:  # type: ignore[union-attr]
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)  # type: ignore[attr-defined]
    qtbot.keyClick(tree, Qt.Key.Key_Delete)  # No: nothing is deleted
    wait_idle(qtbot, context)
    assert len(asked) == 1 and tree.topLevelItemCount() == 2
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert [block.id for block in list_blocks(database)] == [kept]


def test_highlighting_the_stem_is_kept(qtbot: QtBot, context: ViewContext) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=3, mode="tutor")
    page = view.taking
    cursor = page.stem.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(8, QTextCursor.MoveMode.KeepAnchor)
    page.stem.setTextCursor(cursor)
    key(qtbot, view, Qt.Key.Key_H, Qt.KeyboardModifier.ShiftModifier)
    assert page.states[0].highlights == ((0, 8),) and len(page.stem.extraSelections()) == 1
    state = block_state(context.opened.database, page.block_id or "")
    assert state.states[0].highlights == ((0, 8),)


def test_a_timed_block_counts_down_warns_and_submits_when_time_runs_out(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    clock = Clock()
    view.taking.monotonic = clock.monotonic
    start_block(qtbot, view, count=2, mode="timed", seconds_per_question=90)
    page = view.taking
    assert page.header.timer_label.text() == "3:00 left"
    key(qtbot, view, Qt.Key.Key_A)
    clock.advance(61)
    qtbot.waitUntil(lambda: "Two minutes" in page.message.text(), timeout=WAIT_MS)
    assert page.header.timer_label.text() == "1:59 left"
    clock.advance(200)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.review, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.review.review is not None and view.review.review.score.timed_out
    assert "time ran out" in view.review.score.text()


def test_reopening_offers_to_resume_a_suspended_block_with_the_time_it_had_left(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    clock = Clock()
    view.taking.monotonic = clock.monotonic
    start_block(qtbot, view, count=4, mode="timed", seconds_per_question=60)
    key(qtbot, view, Qt.Key.Key_C)
    clock.advance(30)
    key(qtbot, view, Qt.Key.Key_N)
    view.taking.suspend()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.home, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    view.close()

    again = make_view(qtbot, context)
    assert again.resume_banner.isVisible()
    assert "1 of 4 answered, 3:30 left" in again.resume_text.text()
    again.resume_button.click()
    qtbot.waitUntil(lambda: again.taking.session is not None, timeout=WAIT_MS)
    assert again.taking.current == 1 and again.taking.states[0].selected is not None


def test_a_missed_question_becomes_a_card_and_a_note_in_one_step_from_review(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    create_deck(context.opened.database, "Missed")
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=3, mode="tutor")
    page = view.taking
    wrong = next(c for c in page.questions[0].choices if c.label != "?")
    page.choose(wrong.label)
    wait_idle(qtbot, context)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)  # type: ignore[attr-defined]
    page.end_block()
    qtbot.waitUntil(lambda: view.review.review is not None, timeout=WAIT_MS)
    review = view.review
    assert "of 3 correct" in review.score.text()
    review.filter.setCurrentIndex(review.filter.findData("incorrect"))
    qtbot.waitUntil(
        lambda: review.review is not None and review.review.only == "incorrect", timeout=WAIT_MS
    )
    assert review.review is not None and review.review.items

    def accept(dialog: QDialog) -> int:
        dialog.note.setChecked(True)  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(deck_dialog.DeckChooser, "exec", accept)  # type: ignore[attr-defined]
    review.list.setCurrentRow(0)
    review.make_card()
    qtbot.waitUntil(lambda: "Card made" in review.message.text(), timeout=WAIT_MS)
    wait_idle(qtbot, context)
    item = review.current_item()
    assert item is not None and item.card_id and item.note_ids
    review.cards_for_all_incorrect()
    qtbot.waitUntil(
        lambda: "cards made" in review.message.text() or "card made" in review.message.text(),
        timeout=WAIT_MS,
    )
    assert "had one already" in review.message.text()


def test_ctrl_shift_n_writes_a_note_linked_to_the_question(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=2, mode="timed")

    def accept(dialog: QDialog) -> int:
        dialog.body.setPlainText("Remember the baroreceptors")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(note_dialog.QuestionNoteDialog, "exec", accept)  # type: ignore[attr-defined]
    key(
        qtbot,
        view,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_idle(qtbot, context)
    question_id = view.taking.questions[0].id
    assert len(question_detail(context.opened.database, question_id).note_ids) == 1


def test_ctrl_enter_saves_the_note_on_the_question_as_in_every_note_dialog(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    start_block(qtbot, view, count=2, mode="timed")

    def typed(dialog: QDialog) -> int:
        dialog.body.setPlainText("Ctrl+Enter, not a click")  # type: ignore[attr-defined]
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
        return dialog.result()

    monkeypatch.setattr(note_dialog.QuestionNoteDialog, "exec", typed)  # type: ignore[attr-defined]
    view.taking.note_on_question()
    wait_idle(qtbot, context)
    question_id = view.taking.questions[0].id
    assert len(question_detail(context.opened.database, question_id).note_ids) == 1


def test_analytics_show_areas_with_their_range_and_say_there_is_no_cohort(
    qtbot: QtBot, context: ViewContext, monkeypatch: object
) -> None:
    fill_bank(context)
    view = make_view(qtbot, context)
    view.tabs.setCurrentIndex(ANALYTICS)
    wait_idle(qtbot, context)
    assert view.analytics.empty.isVisible()
    # before any answer: the message alone, no "0% correct" over an empty table and no note on
    # what figures not shown yet compare with
    assert not view.analytics.summary.isVisible() and not view.analytics.table.isVisible()
    assert not view.analytics.cohort.isVisible()
    start_block(qtbot, view, count=6, mode="timed")
    for _ in range(6):
        key(qtbot, view, Qt.Key.Key_A)
        key(qtbot, view, Qt.Key.Key_N)
    view.taking.submit()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.review, timeout=WAIT_MS)
    view.show_home(ANALYTICS)
    wait_idle(qtbot, context)
    page = view.analytics
    assert not page.empty.isVisible() and page.systems_chart.isVisible()
    assert page.summary.isVisible() and page.table.isVisible()
    assert page.cohort.isVisible() and "no cohort" in page.cohort.text()
    assert page.areas_chart.chart_.series() and "likely" in page.summary.text()
    assert page.table.topLevelItemCount() == 2
    subject = page.subject.itemData(1)
    page.subject.setCurrentIndex(1)
    wait_idle(qtbot, context)
    assert page.data is not None and page.data.subject == subject
    assert subject in page.systems_chart.chart_.title()
    assert list_blocks(context.opened.database)[0].status == "submitted"
    assert resolve_question(context.opened.database, "t_00001")


def test_each_alt_key_in_assessments_does_what_it_underlines(
    qtbot: QtBot, context: ViewContext
) -> None:
    fill_bank(context)
    database = context.opened.database
    reviewed = create_block(database, Blueprint(count=2, mode="tutor"), seed=3).block_id
    open_block(database, reviewed).submit()
    left = create_block(database, Blueprint(count=2, mode="tutor"), seed=4).block_id
    open_block(database, left).suspend()  # offered in the banner: Resume Block
    window, view = assessments_in_window(qtbot, context)
    wait_idle(qtbot, context)
    qtbot.waitUntil(view.resume_banner.isVisible, timeout=WAIT_MS)
    for tab in range(view.tabs.count()):
        view.tabs.setCurrentIndex(tab)
        wait_idle(qtbot, context)
        assert clashes(window) == {}, view.tabs.tabText(tab)

    view.tabs.setCurrentIndex(BLOCKS)
    tree = view.blocks.tree
    (item,) = [
        tree.topLevelItem(row)
        for row in range(tree.topLevelItemCount())
        if tree.topLevelItem(row).data(0, Qt.ItemDataRole.UserRole) == reviewed  # type: ignore[union-attr]
    ]
    tree.setCurrentItem(item)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Review
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.review, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert clashes(window) == {}
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.home, timeout=WAIT_MS)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.taking.block_id == left, timeout=WAIT_MS)
    assert view.pages.currentWidget() is view.taking


def test_alt_letter_strikes_choices_f_and_h_in_the_window_not_its_menus(
    qtbot: QtBot, context: ViewContext
) -> None:
    from app.core.assessments.bank_writes import upsert_questions

    remove_sample_content(context.opened.database)
    with context.opened.database.write_session() as session:
        upsert_questions(session, [question(1, choices=8)], source="test")  # A to H
    _window, view = assessments_in_window(qtbot, context)
    start_block(qtbot, view, count=1, mode="tutor")
    page = view.taking
    assert [choice.label for choice in page.questions[0].choices] == list("ABCDEFGH")
    key(qtbot, view, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # the File menu's key too
    assert page.states[0].struck == {"F"} and QApplication.activePopupWidget() is None
    page.stem.setFocus()  # as after selecting words of the stem to highlight
    qtbot.keyClick(page.stem, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # and Help's
    wait_idle(qtbot, context)
    assert page.states[0].struck == {"F", "H"} and QApplication.activePopupWidget() is None
    key(qtbot, view, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert page.states[0].struck == {"H"}
    state = block_state(context.opened.database, page.block_id or "")
    assert state.states[0].struck == {"H"}
