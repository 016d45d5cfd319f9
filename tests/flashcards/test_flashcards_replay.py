"""A card's schedule is the replay of its log: answering step by step gives the same as a full
replay, and the logs of two devices merged in any order give the same schedule on both."""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flashcard_helpers import ZONE, cached, make_cards, make_deck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.flashcards.replay import replay_all, replay_cards
from app.core.flashcards.review import answer_card, undo_answer
from app.core.flashcards.scheduling import Rating
from app.db.database import ProfileDatabase

START = datetime(2026, 2, 1, 9, 0, tzinfo=ZONE)
LOG_TABLES = ("scheduler_configs", "card_reviews", "card_review_undos")


def open_db(path: Path) -> ProfileDatabase:
    return ProfileDatabase.open(path, path.parent / "backups", create=True)


def study(database: ProfileDatabase, card_ids: list[str], plan: list[tuple[int, int, int, bool]]):
    """Answer cards as `plan` says: (card index, rating, minutes later, undo right after)."""
    moment = START
    for index, rating, minutes, undo in plan:
        moment += timedelta(minutes=minutes)
        with database.write_session() as session:
            result = answer_card(session, card_ids[index], rating, 3000, moment)
            if undo:
                undo_answer(session, result.review_id, moment)


def log_rows(path: Path) -> dict[str, list[dict[str, object]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {
            table: [dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
            for table in LOG_TABLES
        }
    finally:
        conn.close()


def all_rows(path: Path) -> list[tuple[str, dict[str, object]]]:
    return [(table, row) for table, rows in log_rows(path).items() for row in rows]


def receive(database: ProfileDatabase, rows: list[tuple[str, dict[str, object]]]) -> None:
    """Apply log rows from another device as sync would: insert (ignoring ones already here),
    then replay the cards they touch, all in one transaction."""
    with database.write_session() as session:
        raw = session.connection().connection.driver_connection
        assert raw is not None
        touched = set()
        for table, row in rows:
            names = ", ".join(row)
            marks = ", ".join("?" * len(row))
            raw.execute(
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", tuple(row.values())
            )
            if "card_id" in row:
                touched.add(str(row["card_id"]))
        replay_cards(session, sorted(touched))


def test_answering_step_by_step_equals_replaying_the_whole_log(tmp_path: Path):
    database = open_db(tmp_path / "a" / "db.sqlite3")
    deck = make_deck(database, "Biology")
    sm2_deck = make_deck(database, "Old bank", scheduler="sm2")
    card_ids = make_cards(database, deck, 6) + make_cards(database, sm2_deck, 3, "old")
    rng = random.Random(3)
    plan = [
        (
            rng.randrange(9),
            rng.randint(1, 4),
            rng.choice([1, 9, 600, 1500, 4000]),
            rng.random() < 0.1,
        )
        for _ in range(120)
    ]
    study(database, card_ids, plan)
    stepwise = cached(database, card_ids)
    with database.write_session() as session:
        replay_all(session)
    assert cached(database, card_ids) == stepwise
    assert any(row[0] != 0 for row in stepwise.values())
    database.close()


def test_an_answer_older_than_the_last_review_replays_in_time_order(tmp_path: Path):
    database = open_db(tmp_path / "a" / "db.sqlite3")
    card = make_cards(database, make_deck(database, "Clock"), 1)[0]
    with database.write_session() as session:
        answer_card(session, card, Rating.GOOD, 1000, START + timedelta(days=3))
        # A device whose clock was behind answers "earlier" than the last review.
        answer_card(session, card, Rating.AGAIN, 1000, START)
    out_of_order = cached(database, [card])
    with database.write_session() as session:
        replay_all(session)
    assert cached(database, [card]) == out_of_order
    database.close()


plans = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(1, 4),
        st.sampled_from([1, 10, 90, 1440, 5000]),
        st.sampled_from([False, False, False, True]),
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture(scope="module")
def shared_deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A profile with four cards, made once: each example copies it for its two devices."""
    path = tmp_path_factory.mktemp("template") / "db.sqlite3"
    database = open_db(path)
    cards = make_cards(database, make_deck(database, "Shared"), 4)
    database.close()
    return path, cards


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=plans, second=plans, order_seed=st.integers(0, 10_000))
def test_two_devices_merged_in_any_order_agree(shared_deck, first, second, order_seed):
    template, cards = shared_deck
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        # Both devices have the same cards (as after a sync), then study offline.
        for name in ("one", "two"):
            (root / name).mkdir()
            shutil.copy(template, root / name / "db.sqlite3")
        one, two = open_db(root / "one" / "db.sqlite3"), open_db(root / "two" / "db.sqlite3")
        study(one, cards, first)
        study(two, cards, [(i, r, m + 7, u) for i, r, m, u in second])
        from_one, from_two = all_rows(one.db_file), all_rows(two.db_file)
        # One device gets the other's rows in one go; the other row by row in a shuffled order
        # (parents before children, as the foreign keys ask), replaying after each.
        receive(one, from_two)
        shuffled = from_one[:]
        random.Random(order_seed).shuffle(shuffled)
        shuffled.sort(key=lambda item: LOG_TABLES.index(item[0]))
        for item in shuffled:
            receive(two, [item])
        assert log_rows(one.db_file) == log_rows(two.db_file)
        merged = cached(one, cards)
        assert cached(two, cards) == merged
        with two.write_session() as session:
            replay_all(session)
        assert cached(two, cards) == merged
        one.close()
        two.close()


def test_an_undo_on_one_device_is_not_undone_by_a_merge(tmp_path: Path):
    one = open_db(tmp_path / "one" / "db.sqlite3")
    card = make_cards(one, make_deck(one, "Undo"), 1)[0]
    one.close()
    (tmp_path / "two").mkdir()
    shutil.copy(tmp_path / "one" / "db.sqlite3", tmp_path / "two" / "db.sqlite3")
    one, two = open_db(tmp_path / "one" / "db.sqlite3"), open_db(tmp_path / "two" / "db.sqlite3")
    with one.write_session() as session:
        result = answer_card(session, card, Rating.EASY, 1000, START)
    # Two receives the review, then one undoes it; two receives the undo later.
    receive(two, all_rows(one.db_file))
    assert cached(two, [card])[card][0] != 0
    with one.write_session() as session:
        undo_answer(session, result.review_id, START + timedelta(seconds=5))
    receive(two, all_rows(one.db_file))
    receive(one, all_rows(two.db_file))
    assert cached(one, [card])[card][0] == 0  # new again on both: the undo holds
    assert cached(two, [card]) == cached(one, [card])
    one.close()
    two.close()


def test_importing_replaying_and_answering_agree_and_all_take_replay_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A schedule moves one way only (`replay.step`): an imported history, a replay of the log
    and the same answers given in the review loop give the same schedule, and each review
    goes through `step` once."""
    from apkg_builder import BASIC, Note, Package, write_apkg
    from sqlalchemy import select

    from app.core.flashcards import replay as replay_module
    from app.core.flashcards.review_loop import ReviewLoop
    from app.core.flashcards.tables import CARDS, REVIEWS
    from app.importers.anki_apkg import import_apkg

    steps: list[tuple[str, datetime]] = []
    real_apply = replay_module.apply_review

    def counted(schedule, rating, at, settings, card_id):
        steps.append((card_id, at))
        return real_apply(schedule, rating, at, settings, card_id)

    monkeypatch.setattr(replay_module, "apply_review", counted)
    start_ms = int(START.timestamp() * 1000)
    day_ms = 86_400_000
    package = Package(notes=[Note("g-one", BASIC, ["uno", "one"])])
    package.reviews = [
        (0, 0, start_ms + day * day_ms, ease, 1 if day else 0)
        for day, ease in ((0, 3), (1, 3), (5, 1), (6, 3), (20, 4))
    ]
    database = open_db(tmp_path / "p" / "db.sqlite3")
    with database.write_session() as session:
        import_apkg(session, write_apkg(tmp_path / "a.apkg", package), tmp_path / "media")
    with database.read_session() as session:
        card = session.execute(select(CARDS.c.id)).scalar_one()
        log = session.execute(
            select(REVIEWS.c.id, REVIEWS.c.rating, REVIEWS.c.reviewed_at)
            .where(REVIEWS.c.card_id == card)
            .order_by(REVIEWS.c.reviewed_at)
        ).all()
    assert len(log) == 5 and len(steps) == 5  # the import stepped once per review
    imported = cached(database, [card])

    steps.clear()
    with database.write_session() as session:
        replay_all(session)
    assert cached(database, [card]) == imported and len(steps) == 5

    # The same answers given in the review loop, once the imported ones are undone.
    with database.write_session() as session:
        for review_id, _rating, _at in log:
            undo_answer(session, review_id, START + timedelta(days=30))
    assert cached(database, [card])[card][0] == 0  # new again
    steps.clear()
    loop = ReviewLoop(database, None)
    try:
        for _review_id, rating, at in log:
            result, _next = loop.answer(card, rating, 3000, at.astimezone(ZONE))
            assert result.schedule.reps == len(steps)
    finally:
        loop.close()
    assert len(steps) == 5
    assert cached(database, [card]) == imported
    database.close()


def test_only_replay_step_moves_a_schedule():
    """No module but `scheduling` (which defines it, and previews with it) and `replay` (whose
    `step` wraps it) calls `apply_review`: a second way of moving a schedule would drift."""
    root = Path(__file__).resolve().parents[2] / "app"
    callers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "apply_review" in path.read_text(encoding="utf-8")
    )
    assert callers == ["core/flashcards/replay.py", "core/flashcards/scheduling.py"]
