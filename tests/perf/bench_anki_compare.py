"""Study Desk against Anki (the `anki` package from PyPI) on the same 20,000-note workload.

Run on its own (not part of the test suite); `anki` is a benchmark-only dependency:

    .venv/bin/pip install anki
    .venv/bin/python tests/perf/bench_anki_compare.py [--notes 20000] [--answers 200] [--dir D]

(a) Study Desk: import the .apkg (written by Anki's exporter when `anki` is installed, else by
the tests' own writer), first card and answer + next card (median, p95) through the
`ReviewLoop` the Review view uses, deck counts, the card browser's first page.
(b) Anki: add the same notes to a Collection, get the queue, answer cards (build_answer +
answer_card), deck tree counts, the browser's first page (find_cards + browser rows).
Without `anki` (b) is skipped with a message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "flashcards"))

from apkg_builder import BASIC, CLOZE, REVERSED, Note, Package, write_apkg  # noqa: E402
from sqlalchemy import update  # noqa: E402

from app.core.flashcards.browser import (  # noqa: E402
    CardFilter,
    CardSort,
    card_rows,
    search_card_ids,
)
from app.core.flashcards.queue import deck_list  # noqa: E402
from app.core.flashcards.review_loop import ReviewLoop  # noqa: E402
from app.core.flashcards.tables import DECKS  # noqa: E402
from app.db.database import ProfileDatabase  # noqa: E402
from app.importers.anki_apkg import import_apkg  # noqa: E402

DECK_COUNT = 10
THINK = 0.02  # seconds between answers, on both sides (a learner takes several)
FIRST_RUNS = 5  # first card: the median of this many fresh starts
PAGE = 200  # the browser's first page: every matching id in order, and this many rows


def notes(count: int) -> list[tuple[str, list[str], int]]:
    """(note type, fields, deck number): 70% Basic, 20% reversed, 10% Cloze."""
    found = []
    for n in range(count):
        deck = n % DECK_COUNT
        if n % 10 == 9:
            found.append(
                ("Cloze", [f"Fact {n}: {{{{c1::answer {n}}}}} and {{{{c2::more}}}}", ""], deck)
            )
        elif n % 10 >= 7:
            found.append(("Basic (and reversed card)", [f"word <b>{n}</b>", f"meaning {n}"], deck))
        else:
            found.append(("Basic", [f"question {n}<br>line two", f"answer <i>{n}</i>"], deck))
    return found  # fmt: skip


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return (time.perf_counter() - start) * 1000, result


def repeated(work: Callable[[], Any], runs: int = 10) -> float:
    """The median of several runs (the first included: it is the one a learner meets)."""
    return statistics.median(timed(work)[0] for _ in range(runs))


def run_anki(
    folder: Path, workload: list[tuple[str, list[str], int]], answers: int
) -> dict[str, Any]:
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.scheduler.v3 import CardAnswer

    (folder / "anki").mkdir()
    col = Collection(str(folder / "anki" / "collection.anki2"))
    deck_ids = [col.decks.id(f"Bench::Deck {d}") for d in range(DECK_COUNT)]
    models = {name: col.models.by_name(name) for name in {w[0] for w in workload}}

    def add_all() -> None:
        for name, fields, deck in workload:
            note = col.new_note(models[name])
            for index, value in enumerate(fields):
                note.fields[index] = value
            col.add_note(note, deck_ids[deck])

    result: dict[str, Any] = {}
    result["add notes"], _ = timed(add_all)
    col.decks.select(col.decks.id("Bench"))
    firsts = []
    for limit in range(20, 20 + FIRST_RUNS):  # the default limit first
        config = col.decks.get_config(1)
        config["new"]["perDay"] = limit
        col.decks.update_config(config)
        firsts.append(timed(lambda: col.sched.get_queued_cards())[0])
    result["first card, 20 new/day"] = statistics.median(firsts)
    firsts = []
    for limit in range(9999, 9999 - FIRST_RUNS, -1):
        config = col.decks.get_config(1)
        config["new"]["perDay"] = limit  # both sides: no daily limit in the way of the loop
        col.decks.update_config(config)  # a changed config: the queue is built afresh
        firsts.append(timed(lambda: col.sched.get_queued_cards())[0])
    result["first card"] = statistics.median(firsts)
    loop = []
    for _ in range(answers):
        time.sleep(THINK)
        start = time.perf_counter()
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        col.sched.get_queued_cards()
        loop.append((time.perf_counter() - start) * 1000)
    result["answer + next"] = stats(loop)
    result["deck counts"] = repeated(lambda: col.sched.deck_due_tree())
    col.load_browser_card_columns()  # the browser's default columns, as it opens

    def browser_page() -> None:  # the browser's default search and sort (creation order)
        ids = col.find_cards("", order=True)
        for card_id in ids[:PAGE]:
            col.browser_row_for_id(card_id)

    result["browser page"] = browser_page  # timed beside Study Desk's (see run_studydesk)
    apkg = folder / "bench.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=False)
    col.export_anki_package(out_path=str(apkg), options=options, limit=None)
    result["apkg"] = apkg
    result["collection"] = col  # closed by main, after the browser pages are timed
    return result


def own_apkg(folder: Path, workload: list[tuple[str, list[str], int]]) -> Path:
    kinds = {"Basic": BASIC, "Basic (and reversed card)": REVERSED, "Cloze": CLOZE}
    package = Package(decks={d + 2: f"Bench::Deck {d}" for d in range(DECK_COUNT)})
    package.notes = [
        Note(f"g{n}", kinds[name], fields, deck + 2)
        for n, (name, fields, deck) in enumerate(workload)
    ]
    return write_apkg(folder / "bench.apkg", package, current=True)


def first_card(database: ProfileDatabase, now: datetime) -> float:
    """As the Review view opens: a new loop and its first card (median of fresh starts)."""
    firsts = []
    for _ in range(FIRST_RUNS):
        start = time.perf_counter()
        review = ReviewLoop(database, None)
        review.current(now)
        firsts.append((time.perf_counter() - start) * 1000)
        review.close()
    return statistics.median(firsts)


def run_studydesk(
    folder: Path, apkg: Path, answers: int, anki_page: Callable[[], None] | None = None
) -> dict[str, Any]:
    database = ProfileDatabase.open(folder / "p" / "studydesk.sqlite3", folder / "b", create=True)
    result: dict[str, Any] = {}
    try:

        def do_import() -> Any:
            with database.write_session() as session:
                return import_apkg(session, apkg, folder / "media")

        result["import apkg"], report = timed(do_import)
        result["cards"] = report.cards
        now = datetime.now(UTC)
        result["first card, 20 new/day"] = first_card(database, now)
        with database.write_session() as session:
            session.execute(update(DECKS).values(new_per_day=9999))
        result["first card"] = first_card(database, now)
        review = ReviewLoop(database, None)
        shown = review.current(now)
        loop = []
        durable = []
        card = shown.card
        commit_started: list[float] = []  # when each commit starts, taken from inside
        real_commit = ReviewLoop._commit

        def timed_commit(loop_: ReviewLoop) -> None:
            commit_started.append(time.perf_counter())
            real_commit(loop_)

        ReviewLoop._commit = timed_commit  # type: ignore[method-assign]
        for _ in range(answers):
            assert card is not None
            time.sleep(THINK)
            commit_started.clear()
            start = time.perf_counter()
            _answer, shown = review.answer(card.id, 3, 5000, datetime.now(UTC))
            durable.append((time.perf_counter() - start) * 1000)  # committed, card in hand
            loop.append((commit_started[0] - start) * 1000)  # the next card chosen
            card = shown.card
        ReviewLoop._commit = real_commit  # type: ignore[method-assign]
        review.close()
        result["answer + next"] = stats(loop)
        result["answer + next + commit"] = stats(durable)
        with database.read_session() as session:
            result["deck counts"] = repeated(lambda: deck_list(session, datetime.now(UTC)))

            def browser_page() -> None:  # as the Cards view opens: all ids, the first rows
                now = datetime.now(UTC)
                ids = search_card_ids(session, CardFilter(), CardSort(), now)
                card_rows(session, ids[:PAGE], now)

            # Both browsers in turn, in the same minutes (this machine's speed drifts).
            ours, theirs = [], []
            for _ in range(10):
                ours.append(timed(browser_page)[0])
                if anki_page is not None:
                    theirs.append(timed(anki_page)[0])
            result["browser first page"] = statistics.median(ours)
            if theirs:
                result["anki browser first page"] = statistics.median(theirs)
    finally:
        database.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    workload = notes(args.notes)
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        folder = Path(temp)
        try:
            import anki  # noqa: F401
        except ImportError:
            anki_result = None
            print("anki is not installed (pip install anki): skipping the Anki side.")
            apkg = own_apkg(folder, workload)
        else:
            anki_result = run_anki(folder, workload, args.answers)
            apkg = anki_result["apkg"]
        anki_page = anki_result["browser page"] if anki_result else None
        try:
            ours = run_studydesk(folder, apkg, args.answers, anki_page)
        finally:
            if anki_result:
                anki_result["collection"].close()
        if anki_result:
            anki_result["browser first page"] = ours["anki browser first page"]
    print(f"{args.notes:,} notes -> {ours['cards']:,} cards; {args.answers} answers")
    print(f"Study Desk: import .apkg {ours['import apkg']:.0f} ms")
    # Medians of 5 fresh starts, of 10 runs. "first card": no daily limit (9,999 new a day, as
    # the answer loop needs), so every new card is counted; "20 new/day": the default limit.
    # "browser first page": every card id in creation order and the first 200 rows.
    rows = ("first card", "first card, 20 new/day", "deck counts", "browser first page")
    for name in rows:
        line = f"  {name:22} Study Desk {ours[name]:8.1f} ms"
        if anki_result:
            ratio = ours[name] / anki_result[name]
            line += f" | Anki {anki_result[name]:8.1f} ms | ratio {ratio:.2f}"
        print(line)
    for name in ("answer + next", "answer + next + commit"):
        median, p95 = ours[name]
        line = f"  {name:22} Study Desk median {median:.2f} ms p95 {p95:.2f} ms"
        if anki_result:
            a_median, a_p95 = anki_result["answer + next"]
            line += (
                f" | Anki median {a_median:.2f} ms p95 {a_p95:.2f} ms"
                f" | ratio median {median / a_median:.2f} p95 {p95 / a_p95:.2f}"
            )
        print(line)
    print(
        "  (Study Desk's answer chooses the next card, then commits (with an fsync) before it"
        " returns: 'answer + next' is the time until the card is chosen, '+ commit' the whole"
        " call. Anki's answer_card commits, with an fsync, before it returns.)"
    )
    if anki_result:
        ratio = ours["import apkg"] / anki_result["add notes"]
        print(
            f"  load notes     Study Desk import {ours['import apkg']:.0f} ms | Anki add_note x"
            f"{args.notes:,} {anki_result['add notes']:.0f} ms | ratio {ratio:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
