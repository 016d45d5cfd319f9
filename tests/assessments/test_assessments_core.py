"""Assessments core on real profile files: the bank's reads, blueprints, blocks, taking a block
(events written as they happen, the clock, suspend, a crash, two windows, the deadline),
scoring and review, a missed question to a card and a note, analytics, samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from assessment_helpers import Clock, load_samples, make_questions
from sqlalchemy import func, select

from app.core.assessments import analytics as an
from app.core.assessments.bank import bank_facets, bank_page
from app.core.assessments.bank_writes import delete_questions
from app.core.assessments.block_commands import answer_question, block_state, submit_block
from app.core.assessments.blocks import create_block, delete_block, list_blocks
from app.core.assessments.blueprints import (
    Blueprint,
    count_matching,
    delete_blueprint,
    list_blueprints,
    save_blueprint,
)
from app.core.assessments.from_missed import (
    NoteRequest,
    card_from_missed,
    cards_from_block_incorrect,
)
from app.core.assessments.question_detail import question_detail, resolve_question
from app.core.assessments.question_filters import BankFilter
from app.core.assessments.rendering import question_html
from app.core.assessments.review import block_review
from app.core.assessments.tables import ATTEMPTS, EVENTS, QUESTIONS
from app.core.assessments.taking import BlockSubmitted, BlockTakenElsewhere, BlockTimeUp, open_block
from app.core.changes import Change
from app.core.flashcards.deck_actions import create_deck
from app.core.samples import load_sample_content, remove_sample_content, restore_sample_content
from app.db.database import ProfileDatabase
from app.errors import UserError


def _deck(database: ProfileDatabase) -> str:
    return create_deck(database, "Missed").deck_id


def _take(database: ProfileDatabase, count: int = 3, **kwargs: object) -> tuple[str, Clock]:
    made = create_block(database, Blueprint(count=count, **kwargs), seed=7)  # type: ignore[arg-type]
    return made.block_id, Clock()


# --- the bank -----------------------------------------------------------------------------------


def test_bank_page_facets_and_detail(bank_db: ProfileDatabase) -> None:
    page = bank_page(bank_db)
    assert page.total == 10 and [r.bank_id for r in page.rows][:2] == [
        "sd_sample_01",
        "sd_sample_02",
    ]
    assert all(r.times_seen == 0 and r.last_result is None and not r.flagged for r in page.rows)
    facets = bank_facets(bank_db)
    assert [(f.name, f.count) for f in facets.subjects] == [("Pharmacology", 5), ("Physiology", 5)]
    assert [f.name for f in facets.difficulties] == ["Easy", "Medium"]
    renal = bank_page(bank_db, BankFilter(systems=("Renal",)), sort="subject", descending=True)
    assert renal.total == 3 and renal.rows[0].subject == "Physiology"
    found = bank_page(bank_db, BankFilter(search="warfarin INR"))
    assert [r.bank_id for r in found.rows] == ["sd_sample_10"]
    assert bank_page(bank_db, BankFilter(search="100%_")).total == 0  # LIKE marks are text
    qid = resolve_question(bank_db, "sd_sample_09")
    detail = question_detail(bank_db, qid)
    assert detail.answer == "C" and detail.rationales["A"].startswith("Thiazides")
    assert detail.keywords == ("diuretics",) and detail.tags == ("sample",)
    with pytest.raises(UserError, match="no question 'q_nothere'"):
        resolve_question(bank_db, "q_nothere")


def test_count_matching_names_the_filter_that_emptied_it(bank_db: ProfileDatabase) -> None:
    assert count_matching(bank_db, BankFilter(subjects=("Physiology",))).matching == 5
    none = count_matching(bank_db, BankFilter(subjects=("Physiology",), systems=("Nervous",)))
    assert none.matching == 0 and none.steps == (("subjects", 5), ("systems", 0))
    assert none.emptied_by is not None and "system Nervous" in none.emptied_by
    pool = count_matching(bank_db, BankFilter(subjects=("Physiology",), pool="incorrect"))
    assert pool.emptied_by is not None and "incorrect pool" in pool.emptied_by
    with pytest.raises(UserError, match="system Nervous"):
        create_block(bank_db, Blueprint(BankFilter(systems=("Nervous",)), count=5))
    with pytest.raises(UserError, match="pool"):
        BankFilter(pool="sometimes")


def test_pools_follow_the_attempts_and_ms2_status(bank_db: ProfileDatabase) -> None:
    with bank_db.write_session() as session:  # as MS2 said of two questions
        session.execute(
            QUESTIONS.update()
            .where(QUESTIONS.c.legacy_id == "sd_sample_01")
            .values(status="Marked")
        )
        session.execute(
            QUESTIONS.update()
            .where(QUESTIONS.c.legacy_id == "sd_sample_02")
            .values(status="Incorrect")
        )
    assert {r.bank_id for r in bank_page(bank_db, BankFilter(pool="flagged")).rows} == {
        "sd_sample_01"
    }
    assert {r.bank_id for r in bank_page(bank_db, BankFilter(pool="incorrect")).rows} == {
        "sd_sample_02"
    }
    assert bank_page(bank_db, BankFilter(pool="unused")).total == 9
    block_id, clock = _take(bank_db, 10, mode="tutor")
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    state = taking.state()
    wrong = next(
        c.label
        for c in state.questions[0].choices
        if c.label != _answer(bank_db, state.questions[0].id)
    )
    taking.select(0, wrong)
    taking.flag(1, True)
    taking.select(1, _answer(bank_db, state.questions[1].id))
    taking.submit()
    flagged = {r.bank_id for r in bank_page(bank_db, BankFilter(pool="flagged")).rows}
    assert flagged == {state.questions[1].bank_id}  # answered here now: MS2's mark no longer
    incorrect = bank_page(bank_db, BankFilter(pool="incorrect")).total
    assert incorrect == 9  # one wrong, eight omitted
    assert bank_page(bank_db, BankFilter(pool="unused")).total == 0
    row = next(r for r in bank_page(bank_db).rows if r.id == state.questions[0].id)
    assert row.times_seen == 1 and row.last_result == "incorrect"


def _answer(database: ProfileDatabase, question_id: str) -> str:
    return question_detail(database, question_id).answer


# --- blueprints and blocks ----------------------------------------------------------------------


def test_blueprints_are_saved_and_reused(bank_db: ProfileDatabase) -> None:
    with pytest.raises(UserError, match="name"):
        save_blueprint(bank_db, Blueprint())
    bp = Blueprint(BankFilter(subjects=("Pharmacology",)), count=4, mode="timed", name=" Pharm  4 ")
    saved = save_blueprint(bank_db, bp)
    assert saved.changes == Change.BLOCKS
    [listed] = list_blueprints(bank_db)
    assert listed.blueprint.name == "Pharm 4" and listed.blueprint.filter.subjects == (
        "Pharmacology",
    )
    made = create_block(bank_db, listed.blueprint, blueprint_id=listed.id, seed=1)
    assert len(made.question_ids) == 4
    save_blueprint(bank_db, Blueprint(count=2, name="Two"), listed.id)
    assert [b.blueprint.name for b in list_blueprints(bank_db)] == ["Two"]
    delete_blueprint(bank_db, listed.id)
    assert list_blueprints(bank_db) == ()
    with pytest.raises(UserError, match="1 to 300"):
        Blueprint(count=0).checked()
    with pytest.raises(UserError, match="tutor or timed"):
        Blueprint(mode="exam").checked()


def test_a_block_is_drawn_once_with_its_choice_order(bank_db: ProfileDatabase) -> None:
    first = create_block(bank_db, Blueprint(count=5, shuffle_choices=True), seed=3)
    again = create_block(bank_db, Blueprint(count=5, shuffle_choices=True), seed=3)
    assert first.question_ids == again.question_ids
    state = block_state(bank_db, first.block_id)
    assert [c.display_label for c in state.questions[0].choices][:3] == ["A", "B", "C"]
    assert block_state(bank_db, first.block_id).questions == state.questions  # stored order
    more = create_block(bank_db, Blueprint(BankFilter(subjects=("Physiology",)), count=40))
    assert len(more.question_ids) == 5 and more.note == "Only 5 questions match; the block has 5."
    listed = list_blocks(bank_db)
    assert [b.status for b in listed] == ["new", "new", "new"]
    delete_block(bank_db, more.block_id)
    assert more.block_id not in {b.id for b in list_blocks(bank_db)}
    with pytest.raises(UserError, match="deleted"):
        open_block(bank_db, more.block_id)


# --- taking a block -----------------------------------------------------------------------------


def test_every_event_is_written_as_it_happens_and_replays(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 3, mode="timed", seconds_per_question=60)
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    assert taking.state().remaining_ms == 180_000 and taking.state().status == "in_progress"
    labels = taking.question(0).labels
    clock.advance(10)
    written = taking.select(0, labels[1])
    assert written.changes == Change.NONE and written.elapsed_ms == 10_000
    taking.strike(0, labels[0])
    taking.highlight(0, 3, 9)
    taking.flag(0, True)
    clock.advance(5)
    taking.move(2)
    clock.advance(20)
    taking.select(2, labels[0])
    # A crash now: nothing more is written. Reopening replays everything from the file.
    clock.advance(500)
    state = block_state(bank_db, block_id)
    assert state.states[0].selected == labels[1] and state.states[0].struck == {labels[0]}
    assert state.states[0].highlights == ((3, 9),) and state.states[0].flagged
    assert state.states[0].time_ms == 15_000 and state.states[2].time_ms == 20_000
    assert state.current == 2 and state.elapsed_ms == 35_000 and state.remaining_ms == 145_000
    again = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    assert again.remaining_ms() == 145_000  # the crash counted as a suspend at the last event
    with pytest.raises(UserError, match="no choice Z"):
        again.select(0, "Z")
    with pytest.raises(UserError, match="no question 4"):
        again.move(3)


def test_the_clock_is_monotonic_and_stops_when_suspended(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 2, mode="timed", seconds_per_question=60)
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    clock.advance(30)
    clock.jump_wall(-7200)  # the system clock set back two hours
    taking.flag(0, True)
    clock.jump_wall(86_400 * 3)  # and three days forward
    clock.advance(10)
    assert taking.remaining_ms() == 80_000
    suspended = taking.suspend()
    assert suspended.changes == Change.BLOCKS and suspended.elapsed_ms == 40_000
    with pytest.raises(UserError, match="suspended"):
        taking.flag(1, True)
    clock.advance(3600)  # a suspended block's clock stands still
    assert block_state(bank_db, block_id).status == "suspended"
    assert list_blocks(bank_db)[0].remaining_ms == 80_000
    resumed = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    assert resumed.remaining_ms() == 80_000
    clock.advance(79)
    assert resumed.warning() and not resumed.expired()
    clock.advance(2)
    assert resumed.expired()
    with pytest.raises(BlockTimeUp):
        resumed.select(0, resumed.question(0).labels[0])
    score = resumed.submit(timed_out=True)
    assert score.timed_out and score.time_ms == 120_000 and score.omitted == 2
    assert score.changes == Change.BLOCKS | Change.ATTEMPTS
    with pytest.raises(BlockSubmitted):
        open_block(bank_db, block_id)


def test_a_second_window_takes_the_block_over(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 2, mode="tutor")
    first = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    label = first.question(0).labels[0]
    first.select(0, label)
    second = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    assert second.state().states[0].selected == label  # nothing of the first is lost
    with pytest.raises(BlockTakenElsewhere, match="another window"):
        first.select(1, label)
    second.select(1, label)
    second.submit()
    with pytest.raises(UserError):
        first.submit()
    with pytest.raises(BlockSubmitted):
        answer_question(bank_db, block_id, "1", label)


def test_tutor_mode_checks_an_answer_and_locks_it(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 2, mode="tutor")
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    assert taking.question(0).answer is None  # nothing revealed before the check
    with pytest.raises(UserError, match="Choose an answer"):
        taking.submit_answer(0)
    answer = _answer(bank_db, taking.question(0).id)
    taking.select(0, answer)
    checked = taking.submit_answer(0)
    assert checked.correct and checked.question.explanation_summary
    assert taking.question(0).answer == answer
    with pytest.raises(UserError, match="checked already"):
        taking.select(0, None)
    timed_id, _clock = _take(bank_db, 2, mode="timed")
    timed = open_block(bank_db, timed_id)
    with pytest.raises(UserError, match="end of a timed block"):
        timed.submit_answer(0)


def test_questions_deleted_meanwhile_are_shown_and_left_out(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 3, mode="tutor")
    state = block_state(bank_db, block_id)
    delete_questions(bank_db, [state.questions[1].id])
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    now = taking.state()
    assert now.deleted_count == 1 and now.questions[1].deleted and now.questions[1].choices == ()
    with pytest.raises(UserError, match="deleted"):
        taking.select(1, "A")
    taking.select(0, _answer(bank_db, now.questions[0].id))
    score = taking.submit()
    assert score.total == 2 and score.correct == 1 and score.results[1].result == "deleted"
    review = block_review(bank_db, block_id)
    assert review.items[1].question.deleted
    every = [q.id for q in block_state(bank_db, block_id).questions]
    other = create_block(bank_db, Blueprint(count=10), seed=1)
    delete_questions(bank_db, list(create_block(bank_db, Blueprint(count=10)).question_ids))
    with pytest.raises(UserError, match="nothing to take"):
        open_block(bank_db, other.block_id)
    assert every


def test_submit_scores_review_filters_and_own_mean(bank_db: ProfileDatabase) -> None:
    block_id, clock = _take(bank_db, 4, mode="timed")
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    state = taking.state()
    right = _answer(bank_db, state.questions[0].id)
    taking.select(0, right)
    clock.advance(10)
    taking.move(1)
    wrong = next(
        lbl for lbl in state.questions[1].labels if lbl != _answer(bank_db, state.questions[1].id)
    )
    taking.select(1, wrong)
    taking.flag(1, True)
    clock.advance(200)
    taking.move(2)
    score = taking.submit()
    assert (score.correct, score.incorrect, score.omitted, score.total) == (1, 1, 2, 4)
    assert score.percent == 25.0 and score.own_mean_time_ms is None
    assert [r.slow for r in score.results] == [False, True, False, False]
    review = block_review(bank_db, block_id, only="incorrect")
    assert [i.result.position for i in review.items] == [1, 2, 3]
    assert review.items[0].question.answer and review.items[0].state.flagged
    assert [i.result.position for i in block_review(bank_db, block_id, only="flagged").items] == [1]
    assert [i.result.position for i in block_review(bank_db, block_id, only="slow").items] == [1]
    assert block_review(bank_db, block_id).score == score.__class__(
        **{**score.__dict__, "changes": Change.NONE}
    )
    [summary] = list_blocks(bank_db)
    assert summary.status == "submitted" and summary.correct == 1 and summary.percent == 25.0
    with bank_db.read_session() as session:
        attempts = session.execute(select(func.count()).select_from(ATTEMPTS)).scalar_one()
        events = session.execute(select(func.count()).select_from(EVENTS)).scalar_one()
    assert attempts == 4 and events == 7  # start, select, move, select, flag, move, submit
    second_id, _clock2 = _take(bank_db, 2, mode="tutor")
    # 210 s over the 4 questions seen (omitted ones too)
    assert submit_block(bank_db, second_id).own_mean_time_ms == 52_500


def test_cli_answer_and_submit_without_a_window(bank_db: ProfileDatabase) -> None:
    block_id, _clock = _take(bank_db, 3, mode="timed")
    state = block_state(bank_db, block_id)
    bank_id = state.questions[2].bank_id
    answer = _answer(bank_db, state.questions[2].id)
    done = answer_question(bank_db, block_id, bank_id, answer.lower())
    assert done.position == 2 and done.label == answer
    with pytest.raises(UserError, match="has no choice 'Q'"):
        answer_question(bank_db, block_id, bank_id, "Q")
    with pytest.raises(UserError, match="no question 'nope'"):
        answer_question(bank_db, block_id, "nope", "A")
    score = submit_block(bank_db, block_id)
    assert score.correct == 1 and score.omitted == 2


# --- a missed question to a card and a note -----------------------------------------------------


def test_missed_question_to_card_and_note_in_one_step(bank_db: ProfileDatabase) -> None:
    deck = _deck(bank_db)
    block_id, clock = _take(bank_db, 4, mode="timed")
    taking = open_block(bank_db, block_id, monotonic=clock.monotonic, wall=clock.wall)
    first = taking.state().questions[0]
    taking.select(0, next(lbl for lbl in first.labels if lbl != _answer(bank_db, first.id)))
    taking.submit()
    made = card_from_missed(bank_db, first.id, deck, note=NoteRequest(body="Remember the reflex."))
    assert (
        made.card_created
        and made.note_id
        and made.changes & Change.CARDS
        and made.changes & Change.NOTES
    )
    detail = question_detail(bank_db, first.id)
    assert detail.card_id == made.card_id and detail.note_ids == (made.note_id,)
    again = card_from_missed(bank_db, first.id, deck)
    assert not again.card_created and again.card_id == made.card_id and again.note_id is None
    bulk = cards_from_block_incorrect(bank_db, block_id, deck, with_notes=True)
    assert (bulk.made, bulk.already) == (3, 1) and len(bulk.note_ids) == 3
    twice = cards_from_block_incorrect(bank_db, block_id, deck, with_notes=True)
    assert (twice.made, twice.already, twice.note_ids) == (0, 4, ())
    review = block_review(bank_db, block_id)
    assert all(item.card_id for item in review.items)
    page = {r.id: r for r in bank_page(bank_db).rows}
    assert page[first.id].has_card and page[first.id].note_count == 1
    other = next(r.id for r in bank_page(bank_db).rows if not r.has_card)
    with pytest.raises(UserError):
        card_from_missed(bank_db, other, "no-such-deck", note=NoteRequest())
    assert not question_detail(bank_db, other).note_ids  # neither card nor note


# --- analytics ----------------------------------------------------------------------------------


def test_wilson_interval() -> None:
    assert an.wilson_interval(0, 0) == (0.0, 1.0)
    low, high = an.wilson_interval(1, 2)
    assert round(low, 3) == 0.095 and round(high, 3) == 0.905
    low, high = an.wilson_interval(80, 100)
    assert round(low, 3) == 0.711 and round(high, 3) == 0.867


def test_analytics_by_subject_and_system_weak_areas_weeks_streak(database: ProfileDatabase) -> None:
    make_questions(database, 60)
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday
    for day in range(3):  # three blocks on three days in a row
        clock = Clock(start + timedelta(days=day))
        made = create_block(database, Blueprint(count=20, mode="tutor"), seed=day)
        taking = open_block(database, made.block_id, monotonic=clock.monotonic, wall=clock.wall)
        state = taking.state()
        for position, question in enumerate(state.questions):
            right = _answer(database, question.id)
            wrong_subject = question.subject == "Anatomy"
            label = next(lbl for lbl in question.labels if lbl != right) if wrong_subject else right
            taking.select(position, label)
            clock.advance(30)
            if position + 1 < len(state.questions):
                taking.move(position + 1)
        taking.submit()
    now = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    found = an.analytics(database, now=now, min_attempts=10)
    assert found.total.attempts == 60
    anatomy = next(f for f in found.by_subject if f.name == "Anatomy")
    assert anatomy.percent == 0.0 and anatomy.low == 0.0 and anatomy.high > 0
    assert found.weak_areas[0].figures.name == "Anatomy" and found.weak_areas[0].kind == "subject"
    assert all(w.figures.attempts >= 10 for w in found.weak_areas)
    assert found.total.mean_time_ms == 30_000
    assert found.weeks[-1].week_start.isoformat() == "2026-03-02" and found.weeks[-1].attempts == 60
    assert (
        found.streak.current_days == 3
        and found.streak.longest_days == 3
        and found.streak.studied_today
    )
    assert "no cohort" in found.cohort_note
    drill = an.analytics(database, now=now, subject="Anatomy", min_attempts=50)
    assert drill.total.name == "Anatomy" and {f.name for f in drill.by_subject} == {"Anatomy"}
    assert drill.weak_areas == () and drill.too_few  # 12 answers: not enough to call it weak
    later = an.analytics(database, now=now + timedelta(days=3))
    assert later.streak.current_days == 0 and later.streak.longest_days == 3


# --- samples and rendering ----------------------------------------------------------------------


def test_sample_questions_load_remove_and_restore(database: ProfileDatabase) -> None:
    with database.write_session() as session:
        load_sample_content(session)
    assert bank_page(database).total == 10
    with database.write_session() as session:
        removed = remove_sample_content(session)
    assert bank_page(database).total == 0
    with database.write_session() as session:
        restore_sample_content(session, removed)
    assert bank_page(database).total == 10
    assert load_samples(database) == 0  # loading again adds nothing


def test_html_and_script_in_a_stem_are_shown_as_text() -> None:
    stem = '<script>alert("x")</script> **Which** <img src=x onerror=alert(1)>'
    html = question_html(stem + " [go](javascript:alert(1))")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "javascript:" not in html and "<strong>Which</strong>" in html
    big = question_html("word " * 250_000)
    assert "first" in big and len(big) < 400_000
