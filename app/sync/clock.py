"""The hybrid logical clock: stamps `<ms>-<counter>-<device>` that sort as text.

`ms` is the wall clock in milliseconds (13 digits), never below the device's floor; `counter`
is the device's outbox sequence (10 digits), which only grows; `device` the device id. Local
stamps only grow: a capture trigger takes max(now, floor, the last stamp's ms). The `recv`
rule: after applying another device's operations up to stamp ms M, the floor becomes M + 1, so
every later local write sorts after everything this device has seen. Clock skew never blocks a
local edit; a received stamp far in this computer's future is refused (`ClockAhead`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from app.errors import UserError

MS_DIGITS = 13
COUNTER_DIGITS = 10
# How far ahead of this computer's clock a received stamp may be.
MAX_AHEAD_MS = 24 * 3600 * 1000
_STAMP = re.compile(r"^(\d{13})-(\d{10})-([0-9A-Za-z_-]{1,64})$")


class ClockAhead(UserError):
    """A received stamp far in this computer's future."""


@dataclass(frozen=True, order=True)
class Stamp:
    ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return stamp_text(self.ms, self.counter, self.device)


def stamp_text(ms: int, counter: int, device: str) -> str:
    return f"{ms:0{MS_DIGITS}d}-{counter:0{COUNTER_DIGITS}d}-{device}"


def parse_stamp(text: str) -> Stamp:
    match = _STAMP.match(text)
    if match is None:
        raise ValueError(f"not a sync stamp: {text[:80]!r}")
    return Stamp(int(match[1]), int(match[2]), match[3])


def stamp_ms(text: object) -> int | None:
    """The milliseconds of a well-formed stamp; None for anything else."""
    match = _STAMP.match(text) if type(text) is str else None
    return None if match is None else int(match[1])


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def check_not_ahead(ms: int, where: str, *, now: int | None = None) -> None:
    """Raise ClockAhead when a received stamp is more than a day past this computer's clock."""
    current = now_ms() if now is None else now
    if ms > current + MAX_AHEAD_MS:
        hours = (ms - current) / 3_600_000
        raise ClockAhead(
            f"Changes from {where} are stamped {hours:.0f} hours after this computer's time: "
            "check this computer's clock (and that device's), then sync again. Nothing was "
            "applied from them; your own changes are kept."
        )
