"""Did you mean: the known name a mistyped one most likely stands for.

One lookup compares the name with a shortlist, not with every known name: the
candidates sharing the most pairs of letters with it, a set intersection each.
So a hint costs the same among ten names as among thousands of design ids, and a
page of a hundred near-misses against hundreds of metrics is checked in
milliseconds, not the seconds `difflib` takes to compare them all.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Sequence
from functools import lru_cache

#: Candidates compared in full, by `difflib`, after the shortlist.
SHORTLIST = 8


@lru_cache(maxsize=8192)
def _pairs(text: str) -> frozenset[str]:
    padded = f" {text.lower()} "
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def _shared(pairs: frozenset[str], other: str) -> float:
    theirs = _pairs(other)
    return len(pairs & theirs) / (len(pairs) + len(theirs))


def closest(name: str, known: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The known name closest in spelling to `name`, if one is close enough."""
    if not known:
        return None
    candidates = list(known)
    if len(candidates) > SHORTLIST:
        pairs = _pairs(name)
        candidates = heapq.nlargest(SHORTLIST, candidates, key=lambda k: _shared(pairs, k))
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    return close[0] if close else None
