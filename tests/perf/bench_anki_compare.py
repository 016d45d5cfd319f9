"""Study Desk against Anki (the `anki` package from PyPI) on the same 20,000-note workload.

Run on its own (not part of the test suite); `anki` is a benchmark-only dependency:

    .venv/bin/pip install anki
    .venv/bin/python tests/perf/bench_anki_compare.py [--notes 20000] [--answers 300] [--dir D]

(a) Study Desk: import the .apkg (written by Anki's exporter when `anki` is installed, else by
the tests' own writer), first card and answer + next card (median, p95) through the
`ReviewLoop` the Review view uses, deck counts, the card browser's first page.
(b) Anki: add the same notes to a Collection, get the queue, answer cards (build_answer +
answer_card), deck tree counts, the browser's first page (find_cards + browser rows).
Without `anki` (b) is skipped with a message.

Each measure is taken in turn on both sides (one of ours, one of Anki's, ...), so that a pair
shares the machine's state of the moment; the answers alternate with the same pause before
each. Anki's collection is WAL with synchronous=FULL (printed at the end) and answer_card
commits with one fsync per answer (strace), as Study Desk's answer does.

What an answer costs on each side, measured with strace over 200 answers: one fsync each (Anki
fsync, Study Desk fdatasync), the same WAL frames (about 11 pages: 22-23 pwrite calls); Anki's
exclusive locking takes no file locks, Study Desk's WAL takes 6 (3 locks, 3 unlocks: its reads
run on other connections beside the writer). The commit's disk time is therefore the same on
both sides, and moves with the disk's load (0.3 ms to 3 ms here); what differs is the work
before it. `--dir /dev/shm` leaves the disk out and compares that work alone.

What is left is the work before the commit, most of it paid again after every pause: a
loop with a 20 ms pause before each answer takes about 3.5 times as long per answer as one
without (0.5 ms against 0.15 ms here), the caches refilled each time, on both sides. Study
Desk's answer runs six statements (BEGIN IMMEDIATE, PRAGMA data_version, the review's INSERT,
the card's UPDATE, one choosing SELECT, COMMIT) and about 175 Python calls.

Cut so far: new_id one draw, the choosing query returns the card and its tags, the answer's time
made stored text once, the data_version check without a row object, mark_changed without
Event.set (each old code against new on a copy of one profile; this ratio stayed 1.18-1.24 on
/dev/shm); then, together about 20% of the answer (the code before and after answering in turn
in two processes, after the same pause), taking this ratio to 0.95-1.00 on /dev/shm under a load
of 3-6: the FSRS step written out in `scheduling` (no fsrs Card objects, copies or keyword
calls; its constants computed once per settings), the limits' shares of a kind kept until an
answer of that kind changes them, the learning queries skipped while no learning card of the
selection can be due (the loop knows the first due), the chosen card read by position, frozen
records made in one step (`records.quick_init`), the rating looked up, times formatted from
their UTC isoformat, one cursor for the loop's own statements. Tried and dropped: learning-due
and first-new card in one UNION ALL statement (no gain); the version check inside the review's
INSERT (INSERT ... SELECT ... WHERE (SELECT data_version FROM pragma_data_version()) = ?, one
statement fewer): slower than the PRAGMA and a plain INSERT (28 against 22 us warm, 132 against
107 us after a pause: the pragma's virtual table is opened per statement); foreign_keys off for
the loop's connection: no gain (2%) for a guarantee.
"""

from __future__ import annotations

import argparse
import itertools
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


def run_anki(folder: Path, workload: list[tuple[str, list[str], int]]) -> dict[str, Any]:
    """Anki's collection with the workload, and its steps as closures (timed in turn with
    Study Desk's by `main`)."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    # isort: split
    from anki.cards import Card  # after anki.collection (anki's modules import each other)
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
    # What an answer's commit is made with: Anki's own settings for its collection.
    result["settings"] = ", ".join(
        f"{name}={col.db.scalar(f'pragma {name}')}"
        for name in ("journal_mode", "synchronous", "locking_mode")
    )
    col.decks.select(col.decks.id("Bench"))
    runs = itertools.count()

    def first_card(per_day: int) -> float:
        """A fresh queue (a changed config builds it afresh), then its first card: `per_day`
        20 is the default limit (20, 21, 22, ...), 9999 no limit (9999, 9998, ...)."""
        config = col.decks.get_config(1)
        step = next(runs) % FIRST_RUNS
        config["new"]["perDay"] = per_day + step if per_day < 9999 else per_day - step
        col.decks.update_config(config)
        return timed(lambda: col.sched.get_queued_cards())[0]

    def answer() -> float:
        """The card on screen answered Good (build_answer + answer_card, which commits), and
        the next one; timed from asking the queue for the card again (get_queued_cards +
        get_card, as this benchmark has always done)."""
        start = time.perf_counter()
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        shown[0] = col.sched.get_queued_cards().cards[0]
        return (time.perf_counter() - start) * 1000

    shown: list[Any] = []  # the card on screen, as last queued

    def start_answering() -> None:
        """Before the answers: no review limit either (Anki's review limit, 200 a day, also
        caps new cards: both loops answer more than that), and the card on screen."""
        config = col.decks.get_config(1)
        config["rev"]["perDay"] = 9999
        col.decks.update_config(config)
        shown[:] = [col.sched.get_queued_cards().cards[0]]

    def answer_as_reviewer() -> float:
        """What Anki's own reviewer does per key press: the card and states it shows (from the
        last get_queued_cards, no database read) answered Good, then the next card."""
        queued = shown[0]
        start = time.perf_counter()
        card = Card(col, backend_card=queued.card)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        shown[0] = col.sched.get_queued_cards().cards[0]
        return (time.perf_counter() - start) * 1000

    result["first card"] = first_card
    result["answer"] = answer
    result["answer as reviewer"] = answer_as_reviewer
    result["start answering"] = start_answering
    result["deck counts"] = lambda: col.sched.deck_due_tree()
    col.load_browser_card_columns()  # the browser's default columns, as it opens

    def browser_page() -> None:  # the browser's default search and sort (creation order)
        ids = col.find_cards("", order=True)
        for card_id in ids[:PAGE]:
            col.browser_row_for_id(card_id)

    result["browser page"] = browser_page
    apkg = folder / "bench.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=False)
    col.export_anki_package(out_path=str(apkg), options=options, limit=None)
    result["apkg"] = apkg
    result["collection"] = col  # closed by main, after the runs
    return result


def own_apkg(folder: Path, workload: list[tuple[str, list[str], int]]) -> Path:
    kinds = {"Basic": BASIC, "Basic (and reversed card)": REVERSED, "Cloze": CLOZE}
    package = Package(decks={d + 2: f"Bench::Deck {d}" for d in range(DECK_COUNT)})
    package.notes = [
        Note(f"g{n}", kinds[name], fields, deck + 2)
        for n, (name, fields, deck) in enumerate(workload)
    ]
    return write_apkg(folder / "bench.apkg", package, current=True)


class StudyDesk:
    """Study Desk's side: the profile the .apkg was imported into, and its steps as the Review
    view's write thread runs them (a `ReviewLoop`)."""

    def __init__(self, folder: Path, apkg: Path) -> None:
        self.database = ProfileDatabase.open(
            folder / "p" / "studydesk.sqlite3", folder / "b", create=True
        )

        def do_import() -> Any:
            with self.database.write_session() as session:
                return import_apkg(session, apkg, folder / "media")

        self.import_ms, report = timed(do_import)
        self.cards = report.cards
        self.now = datetime.now(UTC)
        self.review: ReviewLoop | None = None
        self.card_id: str | None = None
        self.commit_started: list[float] = []

    def set_new_per_day(self, limit: int) -> None:
        with self.database.write_session() as session:
            session.execute(update(DECKS).values(new_per_day=limit))

    def first_card(self) -> float:
        """As the Review view opens: a new loop and its first card."""
        start = time.perf_counter()
        review = ReviewLoop(self.database, None)
        review.current(self.now)
        elapsed = (time.perf_counter() - start) * 1000
        review.close()
        return elapsed

    def answer(self) -> tuple[float, float]:
        """(answer + next, answer + next + commit) in ms: the card on screen answered Good;
        the first until the next card is chosen (the commit's start, taken from inside), the
        second the whole call (the answer committed, with its fsync, and the card in hand)."""
        if self.review is None:
            self.review = ReviewLoop(self.database, None)
            shown = self.review.current(datetime.now(UTC))
            assert shown.card is not None
            self.card_id = shown.card.id
        assert self.card_id is not None
        self.commit_started.clear()
        start = time.perf_counter()
        _answer, shown = self.review.answer(self.card_id, 3, 5000, datetime.now(UTC))
        durable = (time.perf_counter() - start) * 1000
        assert shown.card is not None
        self.card_id = shown.card.id
        return (self.commit_started[0] - start) * 1000, durable

    def browser_page(self) -> None:  # as the Cards view opens: all ids, the first rows
        now = datetime.now(UTC)
        with self.database.read_session() as session:
            ids = search_card_ids(session, CardFilter(), CardSort(), now)
            card_rows(session, ids[:PAGE], now)

    def deck_counts(self) -> None:
        with self.database.read_session() as session:
            deck_list(session, datetime.now(UTC))

    def close(self) -> None:
        if self.review is not None:
            self.review.close()
        self.database.close()


def in_turn(
    ours: Callable[[], Any], theirs: Callable[[], Any] | None, runs: int, think: float = 0.0
) -> tuple[list[Any], list[Any]]:
    """Both sides one after the other, `runs` times (this machine's speed drifts: each pair
    shares the same moment), with `think` seconds before each."""
    mine: list[Any] = []
    other: list[Any] = []
    for _ in range(runs):
        time.sleep(think)
        mine.append(ours())
        if theirs is not None:
            time.sleep(think)
            other.append(theirs())
    return mine, other


def run_both(
    folder: Path, apkg: Path, answers: int, anki: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    sd = StudyDesk(folder, apkg)
    ours: dict[str, Any] = {"import apkg": sd.import_ms, "cards": sd.cards}
    theirs: dict[str, Any] = {}
    try:
        # First card: fresh starts, the default limit and no daily limit (9,999 new a day, as
        # the answer loop needs: every new card is counted).
        for name, limit in (("first card, 20 new/day", 20), ("first card", 9999)):
            sd.set_new_per_day(limit)
            mine, other = in_turn(
                sd.first_card,
                (lambda limit=limit: anki["first card"](limit)) if anki else None,
                FIRST_RUNS,
            )
            ours[name] = statistics.median(mine)
            if other:
                theirs[name] = statistics.median(other)
        if anki:
            anki["start answering"]()
        ReviewLoop._commit = _timed_commit(sd.commit_started)  # type: ignore[method-assign]
        try:
            # Anki's two loops take turns too: theirs[0] as this benchmark always timed it,
            # theirs[1] as Anki's reviewer runs.
            def anki_both() -> tuple[float, float]:
                first = anki["answer"]()
                time.sleep(THINK)
                return first, anki["answer as reviewer"]()

            mine, other = in_turn(sd.answer, anki_both if anki else None, answers, THINK)
        finally:
            ReviewLoop._commit = REAL_COMMIT  # type: ignore[method-assign]
        ours["answer + next"] = stats([m[0] for m in mine])
        ours["answer + next + commit"] = stats([m[1] for m in mine])
        if other:
            theirs["answer + next"] = stats([o[0] for o in other])
            theirs["answer as reviewer"] = stats([o[1] for o in other])
        for name, mine_fn, other_fn in (
            ("deck counts", sd.deck_counts, anki["deck counts"] if anki else None),
            ("browser first page", sd.browser_page, anki["browser page"] if anki else None),
        ):
            mine, other = in_turn(
                lambda fn=mine_fn: timed(fn)[0],
                (lambda fn=other_fn: timed(fn)[0]) if other_fn else None,
                10,
            )
            ours[name] = statistics.median(mine)
            if other:
                theirs[name] = statistics.median(other)
    finally:
        sd.close()
    return ours, theirs


REAL_COMMIT = ReviewLoop._commit


def _timed_commit(started: list[float]) -> Callable[[ReviewLoop], None]:
    def timed_commit(loop: ReviewLoop) -> None:
        started.append(time.perf_counter())
        REAL_COMMIT(loop)

    return timed_commit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=300)
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
            anki_result = run_anki(folder, workload)
            apkg = anki_result["apkg"]
        try:
            ours, theirs = run_both(folder, apkg, args.answers, anki_result)
        finally:
            if anki_result:
                anki_result["collection"].close()
    print(f"{args.notes:,} notes -> {ours['cards']:,} cards; {args.answers} answers")
    print(f"Study Desk: import .apkg {ours['import apkg']:.0f} ms")
    # Medians of 5 fresh starts, of 10 runs; each of ours timed right beside one of Anki's.
    # "first card": no daily limit (9,999 new a day, as the answer loop needs), so every new
    # card is counted; "20 new/day": the default limit. "browser first page": every card id in
    # creation order and the first 200 rows.
    rows = ("first card", "first card, 20 new/day", "deck counts", "browser first page")
    for name in rows:
        line = f"  {name:22} Study Desk {ours[name]:8.1f} ms"
        if theirs:
            ratio = ours[name] / theirs[name]
            line += f" | Anki {theirs[name]:8.1f} ms | ratio {ratio:.2f}"
        print(line)
    for name in ("answer + next", "answer + next + commit"):
        median, p95 = ours[name]
        line = f"  {name:22} Study Desk median {median:.2f} ms p95 {p95:.2f} ms"
        if theirs:
            a_median, a_p95 = theirs["answer + next"]
            line += (
                f" | Anki median {a_median:.2f} ms p95 {a_p95:.2f} ms"
                f" | ratio median {median / a_median:.2f} p95 {p95 / a_p95:.2f}"
            )
        print(line)
    if theirs:
        median, p95 = ours["answer + next + commit"]
        a_median, a_p95 = theirs["answer as reviewer"]
        print(
            f"  {'  vs Anki as its reviewer':22} (answer_card + get_queued_cards only, on the card"
            f" it shows) Anki median {a_median:.2f} ms p95 {a_p95:.2f} ms"
            f" | ratio median {median / a_median:.2f} p95 {p95 / a_p95:.2f}"
        )
    print(
        "  (Answers alternate, one of Anki's then one of ours, each after the same pause."
        " Study Desk's answer chooses the next card, then commits (synchronous=FULL: an fsync)"
        " before it returns: 'answer + next' is the time until the card is chosen, '+ commit'"
        " the whole call. Anki's answer_card commits too, with one fsync per answer"
    )
    if anki_result:
        print(f"   (its collection: {anki_result['settings']}).)")
        ratio = ours["import apkg"] / anki_result["add notes"]
        print(
            f"  load notes     Study Desk import {ours['import apkg']:.0f} ms | Anki add_note x"
            f"{args.notes:,} {anki_result['add notes']:.0f} ms | ratio {ratio:.2f}"
        )
    else:
        print("   .)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
