"""Blocks: questions drawn once from a blueprint, in order, with the order their choices show in.

`create_block` draws them (at random among the matches; the same `seed` draws the same block),
`list_blocks` lists blocks with their status and score replayed from the log, `delete_block`
hides one (its events and attempts stay: they are the learner's history).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.assessments.blueprints import Blueprint, match_count_in
from app.core.assessments.question_detail import (
    Choice,
    Media,
    Reference,
    choices_of,
    media_of,
    rationales_of,
    references_of,
    summary_of,
)
from app.core.assessments.question_filters import matching_ids
from app.core.assessments.replay import Event, Replay, replay
from app.core.assessments.tables import ATTEMPTS, BLOCKS, EVENTS, QUESTIONS, soft_delete
from app.core.changes import Change
from app.db.types import new_id, utcnow
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

LABELS = "ABCDEFGHIJ"


class BlockGone(UserError):
    """The block was deleted (or never existed)."""


@dataclass(frozen=True)
class DisplayChoice:
    display_label: str  # the letter shown: A, B, C... in display order
    label: str  # the question's own label (answers are recorded with it)
    text: str


@dataclass(frozen=True)
class BlockQuestion:
    id: str
    bank_id: str
    position: int
    stem: str
    choices: tuple[DisplayChoice, ...]
    deleted: bool  # deleted since the block was made: shown as such, never scored
    subject: str | None = None
    system: str | None = None
    # Filled once revealed (tutor: after the answer is checked; review: always).
    answer: str | None = None
    explanation_summary: str | None = None
    rationales: Mapping[str, str] | None = None
    references: tuple[Reference, ...] = ()
    media: tuple[Media, ...] = ()

    def display_label_of(self, label: str | None) -> str | None:
        for choice in self.choices:
            if choice.label == label:
                return choice.display_label
        return None

    def label_of(self, display_label: str) -> str | None:
        """The question's own label for the letter the learner sees (or typed)."""
        wanted = display_label.strip().upper()
        for choice in self.choices:
            if choice.display_label == wanted:
                return choice.label
        return None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.choices)


@dataclass(frozen=True)
class BlockCreated:
    block_id: str
    question_ids: tuple[str, ...]
    bank_ids: tuple[str, ...]
    note: str | None  # e.g. "Only 12 questions match; the block has 12."
    changes: Change = Change.BLOCKS


@dataclass(frozen=True)
class BlockSummary:
    id: str
    name: str
    created_at: datetime
    mode: str
    count: int
    status: str  # new | in_progress | suspended | submitted
    answered: int
    correct: int | None  # submitted blocks
    percent: float | None
    remaining_ms: int | None  # timed blocks not submitted
    subjects: tuple[str, ...]
    last_activity_at: datetime | None


@dataclass(frozen=True)
class LoadedBlock:
    """A block with its questions (as stored now) and its replayed log."""

    id: str
    name: str
    mode: str
    limit_ms: int | None
    created_at: datetime
    question_ids: tuple[str, ...]
    questions: tuple[BlockQuestion, ...]  # without the answer (see `revealed`)
    answers: tuple[BlockQuestion, ...]  # the same, answer and explanation filled
    replay: Replay

    def question(self, position: int, *, reveal: bool) -> BlockQuestion:
        return (self.answers if reveal else self.questions)[position]

    @property
    def deleted_count(self) -> int:
        return sum(1 for q in self.questions if q.deleted)


def _order(choices: Sequence[Choice], shuffle: bool, rng: random.Random) -> list[str]:
    labels = [c.label for c in choices]
    if shuffle:
        rng.shuffle(labels)
    return labels


def create_block(
    database: ProfileDatabase,
    blueprint: Blueprint,
    *,
    blueprint_id: str | None = None,
    seed: int | None = None,
    now: datetime | None = None,
) -> BlockCreated:
    """Draw a block from the bank as the blueprint says. Fewer matches than asked: a smaller
    block (its `note` says so); none: UserError naming the choice that emptied it."""
    blueprint.checked()
    rng = random.Random(seed)
    now = now or utcnow()
    flt = blueprint.filter
    with database.write_session() as session:
        ids = sorted(matching_ids(session, replace(flt, search="")))
        if not ids:
            emptied = match_count_in(session, replace(flt, search="")).emptied_by
            raise UserError(emptied or "No question matches this blueprint.")
        chosen = rng.sample(ids, min(blueprint.count, len(ids)))
        rows = {
            r.id: r
            for r in session.execute(
                select(QUESTIONS.c.id, QUESTIONS.c.legacy_id, QUESTIONS.c.choices).where(
                    QUESTIONS.c.id.in_(chosen)
                )
            )
        }
        orders = [
            _order(choices_of(rows[q].choices), blueprint.shuffle_choices, rng) for q in chosen
        ]
        block_id = new_id()
        session.execute(
            BLOCKS.insert().values(
                id=block_id,
                name=blueprint.name.strip(),
                blueprint_id=blueprint_id,
                mode=blueprint.mode,
                question_ids=chosen,
                choice_orders=orders,
                limit_ms=blueprint.limit_ms(len(chosen)),
                shuffle_choices=blueprint.shuffle_choices,
                settings=_settings(blueprint),
                created_at=now,
                updated_at=now,
                deleted_at=None,
            )
        )
    note = None
    if len(chosen) < blueprint.count:
        note = f"Only {len(ids)} questions match; the block has {len(chosen)}."
    bank_ids = tuple(rows[q].legacy_id or q for q in chosen)
    return BlockCreated(block_id, tuple(chosen), bank_ids, note)


def _settings(blueprint: Blueprint) -> dict[str, Any]:
    flt = blueprint.filter
    return {
        "subjects": list(flt.subjects),
        "systems": list(flt.systems),
        "difficulties": list(flt.difficulties),
        "tags": list(flt.tags),
        "pool": flt.pool,
        "count": blueprint.count,
        "seconds_per_question": blueprint.seconds_per_question,
        "block_seconds": blueprint.block_seconds,
    }


# --- loading ------------------------------------------------------------------------------------


def events_of(session: Session, block_id: str) -> list[Event]:
    rows = session.execute(
        select(
            EVENTS.c.kind,
            EVENTS.c.position,
            EVENTS.c.value,
            EVENTS.c.elapsed_ms,
            EVENTS.c.session_id,
            EVENTS.c.occurred_at,
        )
        .where(EVENTS.c.block_id == block_id)
        .order_by(EVENTS.c.id)
    )
    return [Event(*row) for row in rows]


def _display(order: Sequence[str], choices: Sequence[Choice]) -> tuple[DisplayChoice, ...]:
    by_label = {c.label: c.text for c in choices}
    shown = [label for label in order if label in by_label]
    shown += [c.label for c in choices if c.label not in shown]  # a choice added since
    return tuple(
        DisplayChoice(LABELS[i] if i < len(LABELS) else label, label, by_label[label])
        for i, label in enumerate(shown)
    )


def block_row(session: Session, block_id: str) -> Any:
    row = session.execute(select(BLOCKS).where(BLOCKS.c.id == block_id)).first()
    if row is None or row.deleted_at is not None:
        raise BlockGone("That block was deleted.")
    return row


def load_block(session: Session, block_id: str) -> LoadedBlock:
    row = block_row(session, block_id)
    ids: list[str] = list(row.question_ids or [])
    found = {
        q.id: q
        for q in session.execute(
            select(
                QUESTIONS.c.id,
                QUESTIONS.c.legacy_id,
                QUESTIONS.c.stem,
                QUESTIONS.c.choices,
                QUESTIONS.c.answer,
                QUESTIONS.c.explanation,
                QUESTIONS.c.subject,
                QUESTIONS.c.system,
                QUESTIONS.c.extra,
                QUESTIONS.c.deleted_at,
            ).where(QUESTIONS.c.id.in_(ids))
        )
    }
    orders: list[list[str]] = list(row.choice_orders or [])
    plain, revealed = [], []
    for position, qid in enumerate(ids):
        q = found.get(qid)
        if q is None or q.deleted_at is not None:
            gone = BlockQuestion(
                qid, q.legacy_id or qid if q is not None else qid, position,
                "This question was deleted after the block was made; it is not scored.",
                (), True,
            )  # fmt: skip
            plain.append(gone)
            revealed.append(gone)
            continue
        order = orders[position] if position < len(orders) else []
        extra = q.extra if isinstance(q.extra, Mapping) else {}
        base = BlockQuestion(
            q.id,
            q.legacy_id or q.id,
            position,
            q.stem,
            _display(order, choices_of(q.choices)),
            False,
            q.subject,
            q.system,
        )
        plain.append(base)
        revealed.append(
            BlockQuestion(
                **{
                    **base.__dict__,
                    "answer": q.answer,
                    "explanation_summary": summary_of(q.explanation),
                    "rationales": rationales_of(q.explanation),
                    "references": references_of(extra),
                    "media": media_of(extra),
                }
            )
        )
    return LoadedBlock(
        row.id,
        row.name,
        row.mode,
        row.limit_ms,
        row.created_at,
        tuple(ids),
        tuple(plain),
        tuple(revealed),
        replay(len(ids), events_of(session, block_id)),
    )


# --- the list -----------------------------------------------------------------------------------


def list_blocks(database: ProfileDatabase, *, limit: int = 500) -> tuple[BlockSummary, ...]:
    """The blocks, newest first, each with its status, answers so far and score."""
    with database.read_session() as session:
        rows = session.execute(
            select(BLOCKS)
            .where(BLOCKS.c.deleted_at.is_(None))
            .order_by(BLOCKS.c.created_at.desc(), BLOCKS.c.id.desc())
            .limit(limit)
        ).all()
        ids = [r.id for r in rows]
        scores = {
            b: (int(n), int(c or 0))
            for b, n, c in session.execute(
                select(
                    ATTEMPTS.c.block_id,
                    func.count(),
                    func.sum(func.iif(ATTEMPTS.c.result == "correct", 1, 0)),
                )
                .where(ATTEMPTS.c.block_id.in_(ids))
                .group_by(ATTEMPTS.c.block_id)
            )
        }
        subjects: dict[str, set[str]] = {}
        all_ids = {q for r in rows for q in r.question_ids or []}
        subject_of = dict(
            session.execute(
                select(QUESTIONS.c.id, QUESTIONS.c.subject).where(QUESTIONS.c.id.in_(all_ids))
            ).all()
        ) if len(all_ids) < 30_000 else {}  # fmt: skip
        replays = {r.id: replay(len(r.question_ids or []), events_of(session, r.id)) for r in rows}
    summaries = []
    for r in rows:
        done = replays[r.id]
        subjects[r.id] = {s for q in r.question_ids or [] if (s := subject_of.get(q))}
        total = len(r.question_ids or [])
        answered = sum(1 for s in done.states() if s.selected is not None)
        scored = scores.get(r.id)
        correct = scored[1] if done.status == "submitted" and scored else None
        remaining = None
        if r.limit_ms is not None and done.status != "submitted":
            remaining = max(0, r.limit_ms - done.elapsed_ms)
        summaries.append(
            BlockSummary(
                id=r.id,
                name=r.name,
                created_at=r.created_at,
                mode=r.mode,
                count=total,
                status=done.status,
                answered=answered,
                correct=correct,
                percent=None if correct is None or not scored else 100.0 * correct / scored[0],
                remaining_ms=remaining,
                subjects=tuple(sorted(subjects[r.id])),
                last_activity_at=done.last_event_at,
            )
        )
    return tuple(summaries)


def delete_block(database: ProfileDatabase, block_id: str) -> Change:
    """Hide a block from the list; its answers stay in the learner's history and analytics."""
    with database.write_session() as session:
        soft_delete(session, BLOCKS, [block_id])
    return Change.BLOCKS
