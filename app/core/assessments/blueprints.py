"""Blueprints: what a block asks (filters and pool), how many, in which mode, with what time.

`count_matching` answers as the learner chooses (how many questions match, and when none do,
which choice emptied it); blueprints can be saved under a name and used again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.assessments.question_filters import BankFilter, count_where, filter_steps
from app.core.assessments.tables import BLUEPRINTS, soft_delete
from app.core.changes import Change
from app.db.types import new_id, utcnow
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

MODES = ("tutor", "timed")
MAX_COUNT = 300
DEFAULT_SECONDS_PER_QUESTION = 90
MAX_SECONDS = 24 * 3600
_WHAT = {
    "subjects": "subject",
    "systems": "system",
    "difficulties": "difficulty",
    "tags": "tag",
    "pool": "pool",
    "search": "search",
}


@dataclass(frozen=True)
class Blueprint:
    filter: BankFilter = field(default_factory=BankFilter)
    count: int = 40
    mode: str = "tutor"  # tutor | timed
    seconds_per_question: int | None = DEFAULT_SECONDS_PER_QUESTION
    block_seconds: int | None = None  # the whole block's time instead of per question
    shuffle_choices: bool = False
    name: str = ""

    def checked(self) -> Blueprint:
        """This blueprint if it can make a block; UserError saying what is wrong otherwise."""
        if self.mode not in MODES:
            raise UserError(f"The mode {self.mode!r} is not tutor or timed.")
        if not 1 <= self.count <= MAX_COUNT:
            raise UserError(f"A block has 1 to {MAX_COUNT} questions, not {self.count}.")
        for name, seconds in (
            ("time per question", self.seconds_per_question),
            ("block time", self.block_seconds),
        ):
            if seconds is not None and not 1 <= seconds <= MAX_SECONDS:
                raise UserError(f"The {name} is 1 second to 24 hours, not {seconds} s.")
        if self.mode == "timed" and self.seconds_per_question is None and not self.block_seconds:
            raise UserError("A timed block needs a time per question or for the block.")
        return self

    def limit_ms(self, count: int) -> int | None:
        """The time limit of a block of `count` questions (None: tutor, untimed)."""
        if self.mode != "timed":
            return None
        if self.block_seconds:
            return self.block_seconds * 1000
        return count * (self.seconds_per_question or DEFAULT_SECONDS_PER_QUESTION) * 1000


@dataclass(frozen=True)
class MatchCount:
    matching: int
    emptied_by: str | None  # when nothing matches: a sentence naming the choice that emptied it
    steps: tuple[tuple[str, int], ...]  # the count after each part of the filter, in order


@dataclass(frozen=True)
class SavedBlueprint:
    id: str
    blueprint: Blueprint
    updated_at: datetime


@dataclass(frozen=True)
class BlueprintSaved:
    blueprint_id: str
    changes: Change = Change.BLOCKS


def _values(flt: BankFilter, part: str) -> str:
    if part == "pool":
        return f"the {flt.pool} pool"
    if part == "search":
        return f"the search {flt.search!r}"
    chosen: tuple[str, ...] = getattr(flt, part)
    what = _WHAT[part] + ("s" if len(chosen) > 1 else "")
    return f"the {what} {', '.join(chosen)}"


def emptied_sentence(flt: BankFilter, steps: list[tuple[str, int]], total: int) -> str | None:
    if total == 0:
        return "The question bank is empty: import questions first (File > Import)."
    before = total
    for part, count in steps:
        if count == 0:
            if part == "pool":
                kept = f"{before} question{'s' if before != 1 else ''} match the other choices"
                return f"No question is left in {_values(flt, part)}: {kept}; choose another pool."
            return (
                f"No question matches {_values(flt, part)}"
                + (f" among the {before} that match the choices before it" if part != steps[0][0]
                   else "")
                + "."
            )  # fmt: skip
        before = count
    return None


def match_count_in(session: Session, flt: BankFilter) -> MatchCount:
    """How many questions `flt` matches, and the count after each of its parts."""
    counts: list[tuple[str, int]] = []
    total = count_where(session, ())
    conditions = []
    for name, condition in filter_steps(flt):
        conditions.append(condition)
        counts.append((name, count_where(session, conditions)))
        if counts[-1][1] == 0:
            break
    matching = counts[-1][1] if counts else total
    emptied = emptied_sentence(flt, counts, total) if matching == 0 else None
    return MatchCount(matching, emptied, tuple(counts))


def count_matching(database: ProfileDatabase, chosen: Blueprint | BankFilter) -> MatchCount:
    """The number of questions a blueprint (or a filter) matches now; when none, which choice
    emptied it. The blueprint's search text is ignored (blocks draw on filters only)."""
    flt = chosen.filter if isinstance(chosen, Blueprint) else chosen
    with database.read_session() as session:
        return match_count_in(session, replace(flt, search=""))


def _row(blueprint: Blueprint) -> dict[str, object]:
    flt = blueprint.filter
    return {
        "name": blueprint.name.strip(),
        "subjects": list(flt.subjects),
        "systems": list(flt.systems),
        "difficulties": list(flt.difficulties),
        "tags": list(flt.tags),
        "pool": flt.pool,
        "count": blueprint.count,
        "mode": blueprint.mode,
        "seconds_per_question": blueprint.seconds_per_question,
        "block_seconds": blueprint.block_seconds,
        "shuffle_choices": blueprint.shuffle_choices,
    }


def save_blueprint(
    database: ProfileDatabase, blueprint: Blueprint, blueprint_id: str | None = None
) -> BlueprintSaved:
    """Save a blueprint under its name (a new one, or over `blueprint_id`)."""
    blueprint.checked()
    name = " ".join(blueprint.name.split())
    if not name:
        raise UserError("Give the blueprint a name to save it.")
    if len(name) > 200:
        raise UserError("A blueprint's name is at most 200 characters.")
    values = _row(replace(blueprint, name=name))
    now = utcnow()
    with database.write_session() as session:
        if blueprint_id is None:
            blueprint_id = new_id()
            session.execute(
                BLUEPRINTS.insert().values(
                    id=blueprint_id, created_at=now, updated_at=now, deleted_at=None, **values
                )
            )
        else:
            done = session.execute(
                BLUEPRINTS.update()
                .where(BLUEPRINTS.c.id == blueprint_id, BLUEPRINTS.c.deleted_at.is_(None))
                .values(updated_at=now, **values)
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise UserError("That blueprint was deleted; save it as a new one.")
    return BlueprintSaved(blueprint_id)


def blueprint_from_row(row: object) -> Blueprint:
    flt = BankFilter(
        subjects=tuple(getattr(row, "subjects", None) or ()),
        systems=tuple(getattr(row, "systems", None) or ()),
        difficulties=tuple(getattr(row, "difficulties", None) or ()),
        tags=tuple(getattr(row, "tags", None) or ()),
        pool=str(getattr(row, "pool", "all")),
    )
    return Blueprint(
        filter=flt,
        count=int(getattr(row, "count", 40)),
        mode=str(getattr(row, "mode", "tutor")),
        seconds_per_question=getattr(row, "seconds_per_question", None),
        block_seconds=getattr(row, "block_seconds", None),
        shuffle_choices=bool(getattr(row, "shuffle_choices", False)),
        name=str(getattr(row, "name", "")),
    )


def list_blueprints(database: ProfileDatabase) -> tuple[SavedBlueprint, ...]:
    """The saved blueprints, by name."""
    with database.read_session() as session:
        rows = session.execute(
            select(BLUEPRINTS)
            .where(BLUEPRINTS.c.deleted_at.is_(None))
            .order_by(BLUEPRINTS.c.name, BLUEPRINTS.c.id)
        ).all()
    return tuple(SavedBlueprint(r.id, blueprint_from_row(r), r.updated_at) for r in rows)


def delete_blueprint(database: ProfileDatabase, blueprint_id: str) -> Change:
    with database.write_session() as session:
        soft_delete(session, BLUEPRINTS, [blueprint_id])
    return Change.BLOCKS
