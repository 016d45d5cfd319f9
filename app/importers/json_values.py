"""Values JSON text may hold that Study Desk must not store as they are.

- Numbers JSON cannot carry: Python's `json` reads `NaN`, `Infinity` and `-Infinity` (which are
  not JSON at all) and numbers too large for a float (`1e999`, read as infinity). Written back
  they become `NaN` / `Infinity`, which SQLite's JSON functions and every other JSON reader
  refuse, and arithmetic on them goes wrong silently.
- NUL characters (`\\u0000`): valid JSON, but they cut text short in SQLite's text functions,
  in Qt and in most other programs.
- Unpaired surrogates (`\\ud800`): valid JSON escapes, but not text UTF-8 (and so SQLite) can
  hold.

`loads_marked` reads JSON as `json.loads` does, except that each number JSON cannot carry comes
back as an `OddNumber` (a str holding the number as written), so nothing is lost, nothing
non-finite is stored by mistake, and the caller learns whether there was any. `first_odd_value`
finds the first such value (or NUL, or unpaired surrogate) in a parsed value, with its JSON path.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


class OddNumber(str):
    """A number JSON cannot carry, as it was written: "NaN", "-Infinity", "1e999"."""

    __slots__ = ()


class _Marker:
    def __init__(self) -> None:
        self.seen = False

    def constant(self, text: str) -> OddNumber:
        self.seen = True
        return OddNumber(text)

    def number(self, text: str) -> float | OddNumber:
        value = float(text)
        if math.isfinite(value):
            return value
        self.seen = True
        return OddNumber(text)


def loads_marked(text: str | bytes) -> tuple[Any, bool]:
    """`json.loads(text)`, numbers JSON cannot carry as OddNumber; and whether there was one.

    Raises what `json.loads` raises."""
    marker = _Marker()
    value = json.loads(text, parse_constant=marker.constant, parse_float=marker.number)
    return value, marker.seen


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why this text cannot be stored as it is, or None."""
    if "\x00" in text:
        return "a NUL character (\\u0000), which is not text"
    if not text.isascii() and _SURROGATE.search(text):
        return "text that is not valid Unicode (an unpaired escape like \\ud800)"
    return None


def value_problem(value: Any) -> str | None:
    """Why a single value cannot be stored as it is, or None."""
    if isinstance(value, OddNumber) or (isinstance(value, float) and not math.isfinite(value)):
        return f"{value}, which is not a number JSON can carry"
    if isinstance(value, str):
        return text_problem(value)
    return None


def first_odd_value(value: Any, path: str = "") -> tuple[str, str] | None:
    """(JSON path, what is wrong) of the first value that cannot be stored as it is, or None.

    Keys are looked at too. Iterative, so any depth of nesting is fine."""
    pending: list[tuple[Any, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                inner_path = f"{where}.{key}" if where else str(key)
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    return inner_path, f"a key holding {problem}"
                pending.append((inner, inner_path))
        elif isinstance(item, list):
            pending.extend((inner, f"{where}[{i}]") for i, inner in reversed(list(enumerate(item))))
        else:
            problem = value_problem(item)
            if problem is not None:
                return where or "(top level)", problem
    return None


def has_odd_value(value: Any) -> bool:
    return first_odd_value(value) is not None
