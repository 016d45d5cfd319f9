"""`studydesk questions list`, `studydesk block create|answer|submit|list`, `studydesk analytics`,
`studydesk import qbank` and `export qbank`: the same core actions as the Assessments view.

Questions are named by their bank id (`q_1a2b3c4d` for MS2 questions) and choices by their
label; blocks by their id (or the start of it, as `block list` prints it).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import CommandTable, opened_profile
from app.errors import UserError
from app.paths import DataLocations

if TYPE_CHECKING:
    from app.core.assessments.scoring import BlockScore
    from app.db.database import ProfileDatabase


def register(table: CommandTable) -> None:
    listing = table.add("questions", "list", list_questions, "the questions in the bank")
    listing.add_argument("--subject", action="append", default=[], metavar="S")
    listing.add_argument("--system", action="append", default=[], metavar="Y")
    listing.add_argument("--pool", choices=("all", "unused", "incorrect", "flagged"), default="all")
    listing.add_argument("--limit", type=int, default=1000, help="at most this many (1000)")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")

    create = table.add("block", "create", create_block, "draw a block of questions")
    create.add_argument("--count", type=int, required=True, metavar="N")
    create.add_argument("--mode", choices=("timed", "tutor"), required=True)
    create.add_argument("--subject", action="append", default=[], metavar="S")
    create.add_argument("--system", action="append", default=[], metavar="Y")
    create.add_argument(
        "--difficulty", action="append", default=[], choices=("Easy", "Medium", "Hard")
    )
    create.add_argument("--tag", action="append", default=[], metavar="T")
    create.add_argument("--pool", choices=("all", "unused", "incorrect", "flagged"), default="all")
    create.add_argument("--seconds", type=int, default=90, help="time per question (90)")
    create.add_argument("--block-minutes", type=float, help="time for the whole block instead")
    create.add_argument("--shuffle", action="store_true", help="shuffle each question's choices")
    create.add_argument("--json", action="store_true", help="print the block as JSON")

    answer = table.add("block", "answer", answer_block, "answer one question of a block")
    answer.add_argument("block", metavar="BLOCK")
    answer.add_argument("question", metavar="QUESTION", help="its bank id (or number in the block)")
    answer.add_argument("choice", metavar="CHOICE", help="the choice's label")

    submit = table.add("block", "submit", submit_block, "end a block and score it")
    submit.add_argument("block", metavar="BLOCK")
    submit.add_argument("--json", action="store_true", help="print the score as JSON")

    blocks = table.add("block", "list", list_blocks, "the blocks, newest first")
    blocks.add_argument("--json", action="store_true", help="print the list as JSON")

    analytics = table.add_single(
        "analytics", show_analytics, "percent correct by subject and system"
    )
    analytics.add_argument("--subject", metavar="S", help="drill down into one subject")
    analytics.add_argument("--min-attempts", type=int, default=10, metavar="N")
    analytics.add_argument("--json", action="store_true", help="print the figures as JSON")

    qbank_in = table.add("import", "qbank", import_qbank, "a question pack (.sdqbank)")
    qbank_in.add_argument("path", type=Path, metavar="PATH")
    qbank_in.add_argument("--json", action="store_true", help="print the report as JSON")
    qbank_out = table.add("export", "qbank", export_qbank, "the question bank as a .sdqbank")
    qbank_out.add_argument("path", type=Path, metavar="PATH")
    qbank_out.add_argument("--subject", action="append", default=[], metavar="S")
    qbank_out.add_argument("--system", action="append", default=[], metavar="Y")
    qbank_out.add_argument("--force", action="store_true", help="replace an existing file")


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def list_questions(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.bank import bank_page
    from app.core.assessments.question_filters import BankFilter

    flt = BankFilter(subjects=tuple(args.subject), systems=tuple(args.system), pool=args.pool)
    with opened_profile(args, locations) as opened:
        page = bank_page(opened.database, flt, limit=max(1, args.limit))
    if args.json:
        _print_json(
            {
                "total": page.total,
                "questions": [
                    {
                        "id": r.bank_id,
                        "subject": r.subject,
                        "system": r.system,
                        "difficulty": r.difficulty,
                        "times_seen": r.times_seen,
                        "last_result": r.last_result,
                        "flagged": r.flagged,
                        "notes": r.note_count,
                        "stem": r.stem_preview,
                    }
                    for r in page.rows
                ],
            }
        )
        return 0
    for r in page.rows:
        where = " / ".join(x for x in (r.subject, r.system) if x) or "-"
        print(f"{r.bank_id:<16} {where:<40} {r.stem_preview[:60]}")
    shown = f" ({len(page.rows)} shown)" if len(page.rows) < page.total else ""
    print(f"{page.total} questions{shown}.")
    return 0


def _find_block(database: ProfileDatabase, ref: str) -> str:
    from app.core.assessments.blocks import list_blocks

    ref = ref.strip()
    found = [b.id for b in list_blocks(database, limit=100_000) if b.id.startswith(ref)]
    if not found:
        raise UserError(f"There is no block {ref!r} (see `studydesk block list`).")
    if len(found) > 1 and ref not in found:
        raise UserError(f"Several blocks start with {ref!r}; give more of the id.")
    return ref if ref in found else found[0]


def create_block(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.blocks import create_block
    from app.core.assessments.blueprints import Blueprint
    from app.core.assessments.question_filters import BankFilter

    block_seconds = None if args.block_minutes is None else round(args.block_minutes * 60)
    blueprint = Blueprint(
        filter=BankFilter(
            subjects=tuple(args.subject),
            systems=tuple(args.system),
            difficulties=tuple(args.difficulty),
            tags=tuple(args.tag),
            pool=args.pool,
        ),
        count=args.count,
        mode=args.mode,
        seconds_per_question=args.seconds,
        block_seconds=block_seconds,
        shuffle_choices=args.shuffle,
    )
    with opened_profile(args, locations) as opened:
        made = create_block(opened.database, blueprint)
    if args.json:
        _print_json({"block": made.block_id, "questions": list(made.bank_ids), "note": made.note})
        return 0
    print(f"Block {made.block_id}: {len(made.bank_ids)} questions ({args.mode}).")
    if made.note:
        print(made.note)
    for position, bank_id in enumerate(made.bank_ids, start=1):
        print(f"{position:>3}. {bank_id}")
    return 0


def answer_block(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.block_commands import answer_question

    with opened_profile(args, locations) as opened:
        block_id = _find_block(opened.database, args.block)
        done = answer_question(opened.database, block_id, args.question, args.choice)
    print(f"Question {done.position + 1}: {done.label} recorded.")
    return 0


def _score_json(score: BlockScore) -> dict[str, Any]:
    return {
        "block": score.block_id,
        "score": score.correct,
        "total": score.total,
        "percent": round(score.percent, 1),
        "correct": score.correct,
        "incorrect": score.incorrect,
        "omitted": score.omitted,
        "timed_out": score.timed_out,
        "time_s": round(score.time_ms / 1000, 1),
        "results": [
            {
                "question": r.bank_id,
                "chosen": r.chosen,
                "answer": r.answer,
                "result": r.result,
                "flagged": r.flagged,
                "time_s": round(r.time_ms / 1000, 1),
            }
            for r in score.results
        ],
    }


def submit_block(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.block_commands import submit_block

    with opened_profile(args, locations) as opened:
        score = submit_block(opened.database, _find_block(opened.database, args.block))
    if args.json:
        _print_json(_score_json(score))
        return 0
    print(
        f"Score: {score.correct} of {score.total} ({score.percent:.0f} %): {score.correct} "
        f"correct, {score.incorrect} incorrect, {score.omitted} omitted."
    )
    for r in score.results:
        chosen = r.chosen or "-"
        print(f"{r.position + 1:>3}. {r.bank_id:<16} {chosen:>2} (answer {r.answer})  {r.result}")
    return 0


def list_blocks(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.blocks import list_blocks

    with opened_profile(args, locations) as opened:
        blocks = list_blocks(opened.database)
    if args.json:
        _print_json(
            [
                {
                    "block": b.id,
                    "created_at": b.created_at.isoformat(),
                    "mode": b.mode,
                    "questions": b.count,
                    "status": b.status,
                    "answered": b.answered,
                    "correct": b.correct,
                    "percent": None if b.percent is None else round(b.percent, 1),
                    "remaining_s": None if b.remaining_ms is None else b.remaining_ms // 1000,
                    "subjects": list(b.subjects),
                }
                for b in blocks
            ]
        )
        return 0
    for b in blocks:
        score = (
            f"{b.percent:.0f} %" if b.percent is not None else f"{b.answered}/{b.count} answered"
        )
        when = f"{b.created_at:%Y-%m-%d %H:%M}"
        print(f"{b.id}  {when}  {b.mode:<5} {b.count:>3} q  {b.status:<11} {score}")
    if not blocks:
        print("No blocks yet: make one with `studydesk block create --count 10 --mode tutor`.")
    return 0


def _area(figures: Any) -> dict[str, Any]:
    return {
        "name": figures.name,
        "attempts": figures.attempts,
        "correct": figures.correct,
        "percent": round(figures.percent, 1),
        "interval_95": [round(figures.low, 1), round(figures.high, 1)],
        "mean_time_s": round(figures.mean_time_ms / 1000, 1),
    }


def show_analytics(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.analytics import analytics

    with opened_profile(args, locations) as opened:
        found = analytics(
            opened.database,
            now=datetime.now().astimezone(),
            min_attempts=max(1, args.min_attempts),
            subject=args.subject,
        )
    if args.json:
        _print_json(
            {
                "total": _area(found.total),
                "by_subject": [_area(f) for f in found.by_subject],
                "by_system": [_area(f) for f in found.by_system],
                "weak_areas": [{"kind": w.kind, **_area(w.figures)} for w in found.weak_areas],
                "too_few_attempts": list(found.too_few),
                "weeks": [
                    {"week": p.week_start.isoformat(), "attempts": p.attempts, "correct": p.correct}
                    for p in found.weeks
                ],
                "streak": {
                    "current_days": found.streak.current_days,
                    "longest_days": found.streak.longest_days,
                },
                "note": found.cohort_note,
            }
        )
        return 0
    total = found.total
    if not total.attempts:
        print("No answers yet: take a block (`studydesk block create ...`).")
        return 0
    span = f"{total.low:.0f}-{total.high:.0f} %"
    print(f"{total.attempts} answers, {total.percent:.0f} % correct ({span}).")
    for title, areas in (("By subject", found.by_subject), ("By system", found.by_system)):
        print(f"\n{title}:")
        for f in areas:
            print(
                f"  {f.name:<28} {f.attempts:>6}  {f.percent:5.1f} %  ({f.low:.0f}-{f.high:.0f} %)"
            )
    if found.weak_areas:
        print(f"\nWeak areas (at least {found.min_attempts} answers):")
        for w in found.weak_areas:
            f = w.figures
            print(f"  {f.name} ({w.kind}): {f.percent:.0f} %, {f.low:.0f}-{f.high:.0f} %")
    print(f"\n{found.cohort_note}")
    return 0


def import_qbank(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.importers.qbank_pack import load_qbank
    from app.importers.qbank_pack_actions import import_qbank

    pack = load_qbank(args.path)  # refused before a profile opens
    with opened_profile(args, locations) as opened:
        done = import_qbank(opened.database, pack, opened.profile.media_dir)
    if args.json:
        _print_json(done.as_json())
    else:
        print(done.text())
    return 1 if done.refused and not (done.added or done.updated or done.unchanged) else 0


def export_qbank(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.assessments.question_filters import BankFilter
    from app.importers.qbank_pack_actions import export_qbank

    flt = BankFilter(subjects=tuple(args.subject), systems=tuple(args.system))
    with opened_profile(args, locations) as opened:
        done = export_qbank(
            opened.database, args.path, opened.profile.media_dir, flt=flt, overwrite=args.force
        )
    print(f"Wrote {done.questions} questions and {done.images} images to {done.path}.")
    for name in done.missing_images:
        print(f"studydesk: image {name} is not in the media folder; left out.", file=sys.stderr)
    return 0
