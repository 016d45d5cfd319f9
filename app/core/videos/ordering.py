"""Fractional index strings: an order that two devices can each change without renumbering.

A key is a base-62 fraction `0.d1d2...` written as its digits (never ending in the zero digit),
so plain string comparison is numeric order and there is always a key between any two. Moving
an item writes one key; two devices moving different items both keep their moves (SYNC.md:
"a fractional index string per item, last writer wins"). Equal keys from two devices are
ordered by the item's id.
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE = len(DIGITS)
_VALUE = {digit: value for value, digit in enumerate(DIGITS)}


def _check(key: str) -> None:
    if not key or key.endswith(DIGITS[0]) or any(c not in _VALUE for c in key):
        raise ValueError(f"{key!r} is not a fractional index key")


def _midpoint(low: str, high: str | None) -> str:
    """A key strictly between `low` ("" is 0) and `high` (None is 1); low < high."""
    if high is not None:
        common = 0
        while common < len(high) and (low[common] if common < len(low) else "0") == high[common]:
            common += 1
        if common:
            return high[:common] + _midpoint(low[common:], high[common:])
    low_digit = _VALUE[low[0]] if low else 0
    high_digit = _VALUE[high[0]] if high is not None else _BASE
    if high_digit - low_digit > 1:
        return DIGITS[(low_digit + high_digit) // 2]
    if high is not None and len(high) > 1:
        return high[0]
    return DIGITS[low_digit] + _midpoint(low[1:], None)


def key_between(before: str | None, after: str | None) -> str:
    """A key that sorts after `before` and before `after` (None: no bound on that side).
    Raises ValueError if `before` does not sort before `after`, or for a malformed key."""
    for key in (before, after):
        if key is not None:
            _check(key)
    if before is not None and after is not None and not before < after:
        raise ValueError(f"{before!r} does not sort before {after!r}")
    return _midpoint(before or "", after)


def keys_between(before: str | None, after: str | None, count: int) -> list[str]:
    """`count` increasing keys between the bounds, spread so that none is needlessly long."""
    if count <= 0:
        return []
    middle = key_between(before, after)
    half = (count - 1) // 2
    return [
        *keys_between(before, middle, half),
        middle,
        *keys_between(middle, after, count - 1 - half),
    ]
