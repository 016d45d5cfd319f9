"""JSON read from the wire (a server's answer, a folder's segment, a push): msgspec where it
can (several times faster than `json`), `json` for what msgspec refuses and `json` reads and
writes back as it read it (NaN, infinity, a lone surrogate, an integer past 64 bits). One
function, so every reader of operations agrees on what a value is."""

from __future__ import annotations

import json
from typing import Any

import msgspec

_DECODE = msgspec.json.Decoder()


def loads_checked(data: bytes | str) -> tuple[Any, bool]:
    """The JSON value, and whether msgspec read it (then it holds none of the values above, and
    msgspec may write it back). ValueError for what is not JSON."""
    try:
        return _DECODE.decode(data), True
    except (msgspec.DecodeError, msgspec.ValidationError):
        return json.loads(data), False


def loads(data: bytes | str) -> Any:
    """The JSON value; ValueError for what is not JSON."""
    return loads_checked(data)[0]
