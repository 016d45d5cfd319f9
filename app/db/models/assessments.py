"""Assessments: blueprints, blocks of questions, what happened while taking them, the answers.

A blueprint (what to ask) and a block (the questions drawn for one sitting, in order, with the
order their choices are shown in) are field rows, written whole when made. Everything done in a
block (start, resume, suspend, select, strike, flag, highlight, move, submit) is an append-only
log (`question_block_events`), written as it happens; a block's state, its clock and its status
are replayed from it. The answers a block scores (`question_attempts`) are a log too, one row
per question of a submitted block (or per tutor answer), with an id derived from the block and
the question, so two devices (or two windows) scoring one block make the same rows; TechTree's
placement answers come in as attempts with no block. `question_usage` caches, per question, what
the attempts say (times seen, last result, flagged), rebuilt from them after a merge.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow

ATTEMPT_NAMESPACE = uuid.UUID("0c6f2d4e-8a1b-4e59-b3c7-1f2e3d4c5b6a")


def attempt_id_for(block_id: str, question_id: str) -> str:
    """The id every device gives the scored answer to `question_id` in `block_id`."""
    return str(uuid.uuid5(ATTEMPT_NAMESPACE, f"{block_id}/{question_id}"))


class QuestionBlueprint(SyncedRow, Base):
    """A saved recipe for blocks: filters, pool, count, mode, timing, shuffling."""

    __tablename__ = "question_blueprints"

    name: Mapped[str] = mapped_column(String(200))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    difficulties: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    pool: Mapped[str] = mapped_column(String(20), default="all")
    count: Mapped[int] = mapped_column(Integer, default=40)
    mode: Mapped[str] = mapped_column(String(10), default="tutor")
    seconds_per_question: Mapped[int | None] = mapped_column(Integer, default=90)
    block_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    shuffle_choices: Mapped[bool] = mapped_column(Boolean, default=False)


class QuestionBlock(SyncedRow, Base):
    """One sitting's questions, drawn once: their order, each one's choice order, the limit."""

    __tablename__ = "question_blocks"
    __table_args__ = (Index(None, "created_at"),)

    name: Mapped[str] = mapped_column(String(200), default="")
    blueprint_id: Mapped[str | None] = mapped_column(
        ForeignKey("question_blueprints.id"), default=None
    )
    mode: Mapped[str] = mapped_column(String(10))  # tutor | timed
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    # For each question (same order), its choice labels in the order shown.
    choice_orders: Mapped[list[list[str]]] = mapped_column(JSON)
    limit_ms: Mapped[int | None] = mapped_column(Integer, default=None)  # timed only
    shuffle_choices: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the blueprint used


class QuestionBlockEvent(LogRow, Base):
    """One thing done in a block, written as it happened; never updated or deleted.

    `elapsed_ms` is the block's active time at the event, measured with a monotonic clock from
    the last start or resume (a changed system clock or a sleep does not move it). `session_id`
    names the window that wrote it: opening a block elsewhere takes it over.
    """

    __tablename__ = "question_block_events"
    __table_args__ = (Index(None, "block_id", "id"), Index(None, "occurred_at"))

    block_id: Mapped[str] = mapped_column(ForeignKey("question_blocks.id"))
    session_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int | None] = mapped_column(Integer, default=None)
    question_id: Mapped[str | None] = mapped_column(String(36), default=None)
    value: Mapped[str | None] = mapped_column(Text, default=None)  # a label, or JSON
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    occurred_at: Mapped[datetime]


class QuestionAttempt(LogRow, Base):
    """One scored answer: the choice made (None: omitted), its result, the time it took."""

    __tablename__ = "question_attempts"
    __table_args__ = (
        Index(None, "question_id", "answered_at"),
        Index(None, "block_id"),
        Index(None, "answered_at", "result", "time_ms"),  # the weeks, read from the index
    )

    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    block_id: Mapped[str | None] = mapped_column(ForeignKey("question_blocks.id"), default=None)
    chosen: Mapped[str | None] = mapped_column(String(10), default=None)
    result: Mapped[str] = mapped_column(String(10))  # correct | incorrect | omitted
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    time_ms: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(20), default="block")  # block | techtree


class QuestionUsage(Base):
    """Per question, what its attempts say (a cache rebuilt from `question_attempts`), with the
    question's subject and system copied, so analytics by area read this table's index alone."""

    __tablename__ = "question_usage"
    __table_args__ = (
        Index(None, "last_result"),
        Index(None, "subject", "system", "seen", "correct", "time_ms"),
    )

    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(100), default=None)
    system: Mapped[str | None] = mapped_column(String(100), default=None)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    time_ms: Mapped[int] = mapped_column(Integer, default=0)  # summed over the attempts
    last_result: Mapped[str | None] = mapped_column(String(10), default=None)
    last_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    last_at: Mapped[datetime | None] = mapped_column(default=None)
