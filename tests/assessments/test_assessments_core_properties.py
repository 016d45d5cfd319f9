"""Properties of taking a block, with Hypothesis: whatever the learner does in whatever order,
with the system clock moved either way, suspends and crashes in between, the block read back
from the file is the block the window showed, and the time is the monotonic time it was open."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from assessment_helpers import Clock, load_samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.assessments.block_commands import block_state
from app.core.assessments.blocks import create_block
from app.core.assessments.blueprints import Blueprint
from app.core.assessments.replay import Event, replay
from app.core.assessments.taking import TakingSession, open_block
from app.db.database import ProfileDatabase

SIZE = 4
LABELS = ("A", "B", "C", "D")

_op = st.one_of(
    st.tuples(st.just("select"), st.integers(0, SIZE - 1), st.sampled_from((*LABELS, None))),
    st.tuples(st.just("strike"), st.integers(0, SIZE - 1), st.sampled_from(LABELS), st.booleans()),
    st.tuples(st.just("flag"), st.integers(0, SIZE - 1), st.booleans()),
    st.tuples(
        st.just("highlight"),
        st.integers(0, SIZE - 1),
        st.integers(0, 20),
        st.integers(1, 20),
        st.booleans(),
    ),
    st.tuples(st.just("move"), st.integers(0, SIZE - 1)),
    st.tuples(st.just("wait"), st.floats(0, 120, allow_nan=False)),
    st.tuples(st.just("wall"), st.floats(-86_400 * 30, 86_400 * 30, allow_nan=False)),
    st.tuples(st.just("suspend")),
    st.tuples(st.just("crash")),
)

_counter = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_op, max_size=25))
def test_any_order_of_events_replays_to_what_was_shown(folder: Path, ops: list[tuple]) -> None:  # type: ignore[type-arg]
    n = next(_counter)
    database = ProfileDatabase.open(folder / f"p{n}" / "s.sqlite3", folder / f"b{n}", create=True)
    try:
        load_samples(database)
        made = create_block(
            database, Blueprint(count=SIZE, mode="tutor", shuffle_choices=True), seed=n
        )
        clock = Clock()
        taking: TakingSession | None = open_block(
            database, made.block_id, monotonic=clock.monotonic, wall=clock.wall
        )
        committed = 0  # the elapsed time of the last event written
        for op in ops:
            kind = op[0]
            if kind == "wait":
                clock.advance(op[1])
                continue
            if kind == "wall":
                clock.jump_wall(op[1])
                continue
            if taking is None:
                taking = open_block(
                    database, made.block_id, monotonic=clock.monotonic, wall=clock.wall
                )
                assert taking.elapsed_ms() == committed  # resumed where the log left it
            labels = taking.question(op[1]).labels if len(op) > 1 and isinstance(op[1], int) else ()
            if kind == "select":
                label = op[2] if op[2] is None else labels[LABELS.index(op[2]) % len(labels)]
                written = taking.select(op[1], label)
            elif kind == "strike":
                written = taking.strike(op[1], labels[LABELS.index(op[2]) % len(labels)], op[3])
            elif kind == "flag":
                written = taking.flag(op[1], op[2])
            elif kind == "highlight":
                written = taking.highlight(op[1], op[2], op[2] + op[3], op[4])
            elif kind == "move":
                written = taking.move(op[1])
            elif kind == "suspend":
                written = taking.suspend()
                taking = None
            else:  # a crash: the session is gone, nothing more written
                taking = None
                continue
            assert written.elapsed_ms >= committed
            committed = written.elapsed_ms
            stored = block_state(database, made.block_id)
            if taking is not None:
                shown = taking.state()
                assert stored.states == shown.states and stored.current == shown.current
            assert stored.elapsed_ms == committed
            assert sum(s.time_ms for s in stored.states) == committed
        final = block_state(database, made.block_id)
        assert final.elapsed_ms == committed
        total_waited = sum(op[1] for op in ops if op[0] == "wait")
        assert committed <= round(total_waited * 1000) + len(ops)
    finally:
        database.close()


@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(
                ("select", "strike", "flag", "move", "suspend", "resume", "check", "bogus")
            ),
            st.one_of(st.none(), st.integers(-2, 6)),
            st.one_of(st.none(), st.sampled_from(("A", "B", "[1, 3]", "{", ""))),
            st.integers(0, 10_000),
        ),
        max_size=40,
    )
)
def test_replay_never_fails_and_time_adds_up(
    events: list[tuple[str, int | None, str | None, int]],
) -> None:
    """Any log (out of range, unknown kinds, clocks that went back) replays without error, and
    the questions' times add up to the block's elapsed time."""
    done = replay(SIZE, [Event(k, p, v, e) for k, p, v, e in events])
    assert sum(s.time_ms for s in done.states()) == done.elapsed_ms
    assert done.elapsed_ms == max((e for *_, e in events), default=0)
    assert 0 <= done.current < SIZE
