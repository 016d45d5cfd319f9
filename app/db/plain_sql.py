"""Hand-written SQL, kept where SQLAlchemy's per-statement cost would dominate (the review loop,
the card browser's pages, bulk imports).

Every such statement is declared once, at import time, in its domain's SQL module
(`app/core/<domain>/..._sql.py`) with `statement(...)`: a name, the text, and example parameters.
`tests/db/test_plain_sql.py` imports every module under `app` and runs `EXPLAIN` on each declared
statement against the head schema, so a renamed column or table fails the suite instead of a
learner's review. Lists of ids are written as `{name}` and expanded with `Statement.expand`.
Rows are read by column name (`named_rows`), never by position.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Statement:
    """One hand-written statement. `example` holds parameters that make it valid to EXPLAIN
    (positional for `?`, or a mapping for `:name`); `lists` the example length of each `{name}`
    list of ids."""

    name: str
    sql: str
    example: Sequence[Any] | Mapping[str, Any] = ()
    lists: Mapping[str, int] = field(default_factory=dict)

    def expand(self, **lists: int) -> str:
        """The text with each `{name}` list replaced by that many `?` placeholders."""
        missing = set(_PLACEHOLDER.findall(self.sql)) - set(lists)
        if missing:
            raise ValueError(f"{self.name}: no length given for {sorted(missing)}")
        return _PLACEHOLDER.sub(lambda m: ",".join("?" * max(1, lists[m.group(1)])), self.sql)

    def example_sql(self) -> str:
        return self.expand(**{name: self.lists.get(name, 2) for name in self.placeholders})

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.sql)))


_DECLARED: dict[str, Statement] = {}


def statement(
    name: str,
    sql: str,
    example: Sequence[Any] | Mapping[str, Any] = (),
    lists: Mapping[str, int] | None = None,
) -> Statement:
    """Declare a statement (names are unique across the app) and return it."""
    declared = Statement(name, sql, example, dict(lists or {}))
    existing = _DECLARED.get(name)
    if existing is not None and existing != declared:
        raise ValueError(f"two hand-written statements are both called {name!r}")
    _DECLARED[name] = declared
    return declared


def declared_statements() -> tuple[Statement, ...]:
    """Every statement declared by the modules imported so far."""
    return tuple(_DECLARED.values())


def named_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as dicts keyed by column name."""
    names = [column[0] for column in cursor.description or ()]
    for row in cursor:
        yield dict(zip(names, row, strict=True))
