"""Planner benchmark: the figures issue 17 asks for.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_planner.py [--cards 100000] [--runs 5]

Builds a profile with 1,000 lessons (10 courses), 500 videos (5 playlists), 20,000 questions
(10 subjects, 500 of each planned), and a 100,000-card collection (80,000 studied with varied
FSRS states, 20,000 new, in 4 decks), and a 180-day plan over all of it. Prints medians (and
the best) of `--runs`:
- the whole plan computed (settings, the logs, the FSRS workload forecast, the spread, the
  tasks), with its parts: reading + forecast, the spread alone;
- the same when it does not fit and the four ways out are computed too;
- Today's tasks: the first read of a study day (the spread, once a day) and every read after
  (done from the logs, the figure the Today view sees).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "planner"))

from planner_helpers import add_course, add_deck, add_playlist, add_questions  # noqa: E402

from app.core.planner.plan_actions import create_plan, update_plan  # noqa: E402
from app.core.planner.plans import ScopeSpec  # noqa: E402
from app.core.planner.schedule import plan_schedule, read_inputs  # noqa: E402
from app.core.planner.today import forget_cached, today_tasks  # noqa: E402
from app.core.planner.workload import forget_forecasts  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


BEST: dict[int, tuple[float, float]] = {}


def timed(action: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median wall time in ms; the best wall time and the median CPU time of this process
    (what the work costs when other processes share the 2 cores) are kept for `best`."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    BEST[id(result)] = (min(times), statistics.median(cpu))
    return statistics.median(times), result


def best(result: object) -> str:
    wall, cpu = BEST[id(result)]
    return f"best {wall:.0f} ms, CPU {cpu:.0f} ms"


def build(folder: Path, cards: int) -> tuple[ProfileDatabase, str]:
    database = ProfileDatabase.open(folder / "p.sqlite3", folder / "backups", create=True)
    scope = []
    for n in range(10):
        course, _ = add_course(database, f"Course {n + 1}", 100, minutes=20 if n % 2 else None)
        scope.append(ScopeSpec("course", course, priority=1 + n // 4))
    for n in range(5):
        playlist, _ = add_playlist(
            database, f"Playlist {n + 1}", [600.0 + 60 * (i % 40) for i in range(100)]
        )
        scope.append(ScopeSpec("playlist", playlist, priority=2))
    for n in range(10):
        add_questions(database, f"Subject {n + 1}", 2000, system=f"System {n % 3}")
        scope.append(ScopeSpec("subject", f"Subject {n + 1}", count=500, priority=3))
    studied, new = cards * 4 // 5, cards // 5
    for n in range(4):
        deck = add_deck(database, f"Deck {n + 1}", new=new // 4, studied=studied // 4, now=NOW,
                        seed=n, new_per_day=40)  # fmt: skip
        scope.append(ScopeSpec("deck", deck, priority=1))
    exam = NOW.date() + timedelta(days=180)
    minutes = [660] * 5 + [540, 0]
    plan = create_plan(database, name="Step 1", exam_date=exam, minutes=minutes, now=NOW,
                       scope=scope, final_days=14)  # fmt: skip
    return database, plan.plan_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        database, plan_id = build(Path(tmp), args.cards)
        print(f"built the profile in {time.perf_counter() - started:.1f} s: 1,000 lessons, "
              f"500 videos, 20,000 questions, {args.cards:,} cards; a 180-day plan")  # fmt: skip

        def inputs() -> object:
            forget_forecasts()
            with database.read_session() as session:
                return read_inputs(session, plan_id, NOW)

        read_ms, ready = timed(inputs, args.runs)
        spread_ms, _ = timed(lambda: ready.run(), args.runs)  # type: ignore[attr-defined]

        def cold() -> object:
            forget_forecasts()
            return plan_schedule(database, plan_id, now=NOW)

        whole_ms, schedule = timed(cold, args.runs)
        again_ms, again = timed(lambda: plan_schedule(database, plan_id, now=NOW), args.runs)
        print(
            f"whole plan, forecast included: {whole_ms:.0f} ms ({best(schedule)}; goal < 500 ms)"
            f" — reading + forecast {read_ms:.0f} ms ({best(ready)}), spread {spread_ms:.1f} ms"
        )
        print(f"re-computed (the cards unchanged: the forecast kept): {again_ms:.0f} ms "
              f"({best(again)})")  # fmt: skip
        print(
            f"  fits={schedule.fits} overflow={schedule.overflow_minutes} min, "  # type: ignore[attr-defined]
            f"finish {schedule.finish_date}, days {len(schedule.days)}"
        )  # type: ignore[attr-defined]
        workload = ready.workload  # type: ignore[attr-defined]
        total = sum(workload.reviews[:180])
        print(f"  forecast: {total:,.0f} reviews over 180 days, {workload.reviews[0]:,.0f} "
              f"today, {workload.review_seconds:.1f} s each")  # fmt: skip
        update_plan(database, plan_id, now=NOW, minutes=[450] * 5 + [360, 0])
        tight_ms, tight = timed(cold, args.runs)
        ways = "; ".join(w.description for w in tight.ways_out)  # type: ignore[attr-defined]
        overflow = tight.overflow_minutes  # type: ignore[attr-defined]
        print(f"not fitting, with the four ways out: {tight_ms:.0f} ms ({best(tight)}) — "
              f"overflow {overflow} min; {ways}")  # fmt: skip
        update_plan(database, plan_id, now=NOW, minutes=[660] * 5 + [540, 0])

        def first_read() -> object:
            forget_cached()
            forget_forecasts()
            return today_tasks(database, now=NOW)

        cold_ms, first = timed(first_read, args.runs)
        today_tasks(database, now=NOW)
        warm_ms, today = timed(lambda: today_tasks(database, now=NOW), max(args.runs, 20))
        count = len(today.tasks)  # type: ignore[attr-defined]
        print(f"Today's tasks: {warm_ms:.1f} ms ({best(today)}; goal < 20 ms; {count} tasks); "
              f"the day's first read {cold_ms:.0f} ms ({best(first)}: forecast and spread, "
              "once a day)")  # fmt: skip
        database.close()


if __name__ == "__main__":
    main()
