"""A deterministic three-way merge of free text, word by word, from the common ancestor.

Where only one side changed a stretch, its change is taken; where both made the same change,
once; where both changed the same words differently, both texts are kept, one after the
other, between markers the learner sees and can tidy. The result depends only on the three
texts and the order of the two sides (the caller orders them the same on every device).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")

START = "<<<<<<< merged from two devices: {label}\n"
MIDDLE = "\n======= the other device: {label}\n"
END = "\n>>>>>>> end of the merge\n"


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    found: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            found[block.a + offset] = block.b + offset
    return found


def merge3(
    base: str, ours: str, theirs: str, labels: tuple[str, str] = ("", "")
) -> tuple[str, int]:
    """The merged text and how many stretches both sides changed differently (kept both)."""
    if ours == theirs or theirs == base:
        return ours, 0
    if ours == base:
        return theirs, 0
    b, a, t = tokens(base), tokens(ours), tokens(theirs)
    in_a, in_t = _matches(b, a), _matches(b, t)
    stable = [i for i in range(len(b)) if i in in_a and i in in_t]
    out: list[str] = []
    conflicts = 0
    i = j = k = 0

    def resolve(b_part: list[str], a_part: list[str], t_part: list[str]) -> None:
        nonlocal conflicts
        if a_part == b_part:
            out.extend(t_part)
        elif t_part == b_part or a_part == t_part:
            out.extend(a_part)
        else:
            conflicts += 1
            out.append(START.format(label=labels[0]))
            out.extend(a_part)
            out.append(MIDDLE.format(label=labels[1]))
            out.extend(t_part)
            out.append(END)

    for s in stable:
        j2, k2 = in_a[s], in_t[s]
        if s < i or j2 < j or k2 < k:
            continue
        if (s, j2, k2) != (i, j, k):
            resolve(b[i:s], a[j:j2], t[k:k2])
        out.append(b[s])
        i, j, k = s + 1, j2 + 1, k2 + 1
    if i < len(b) or j < len(a) or k < len(t):
        resolve(b[i:], a[j:], t[k:])
    return "".join(out), conflicts
