"""Which backups rotation keeps: a pure rule over (time, reason) pairs, tested without files.

Two kinds of backup: the learner's own (`manual`, `auto` every 30 minutes, `on-close`) and the
safety copies Study Desk takes before it changes a profile wholesale (`before-import`,
`before-restore`, `before-upgrade-<revision>`, ...: every reason starting with `before-`).
Safety copies can come in bursts (a script importing fifty files, a learner trying one backup
after another), so each kind counts on its own: the newest `recent` of the learner's own and the
newest `recent_safety` of each safety reason are kept, and a burst of one never pushes the
other out. On top of that the newest backup of each of the last `daily` days that have backups
(the learner's days, in local time), and the newest of each week and month within reach.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

SAFETY_PREFIX = "before-"


@dataclass(frozen=True)
class RotationPolicy:
    """How many backups to keep (see the module docstring)."""

    recent: int = 10
    recent_safety: int = 5
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


DEFAULT_POLICY = RotationPolicy()


def is_safety(reason: str) -> bool:
    return reason.startswith(SAFETY_PREFIX)


def safety_kind(reason: str) -> str:
    """Safety copies count by reason; upgrades to different revisions are one kind."""
    return "before-upgrade" if reason.startswith("before-upgrade") else reason


def backups_to_keep(
    times: Sequence[datetime],
    now: datetime,
    policy: RotationPolicy = DEFAULT_POLICY,
    *,
    reasons: Sequence[str] | None = None,
    zone: tzinfo | None = None,
) -> set[datetime]:
    """The backup times that survive rotation. `reasons[i]` is the reason of `times[i]` (all
    the learner's own if None); days, weeks and months are counted in `zone` (local time if
    None)."""
    kinds = [safety_kind(r) if is_safety(r) else "" for r in (reasons or [""] * len(times))]
    by_kind: dict[str, list[datetime]] = {}
    for when, kind in zip(times, kinds, strict=True):
        by_kind.setdefault(kind, []).append(when)
    keep: set[datetime] = set()
    for kind, moments in by_kind.items():
        count = policy.recent_safety if kind else policy.recent
        keep.update(sorted(moments, reverse=True)[:count])

    newest_first = sorted(times, reverse=True)

    def local(when: datetime) -> datetime:
        return when.astimezone(zone)

    def newest_per(bucket_of: Callable[[datetime], Hashable], limit: int, reach: timedelta) -> None:
        seen: set[Hashable] = set()
        for when in newest_first:
            if len(seen) >= limit or now - when > reach:
                break
            bucket = bucket_of(local(when))
            if bucket not in seen:
                seen.add(bucket)
                keep.add(when)

    # The last few days the learner used Study Desk, however long ago: no reach.
    newest_per(lambda t: t.date(), policy.daily, timedelta.max)
    newest_per(lambda t: t.isocalendar()[:2], policy.weekly, timedelta(weeks=policy.weekly))
    newest_per(lambda t: (t.year, t.month), policy.monthly, timedelta(days=31 * policy.monthly))
    return keep
