"""Did-you-mean hints: right among thousands of names, and none when nothing is close."""

from __future__ import annotations

import difflib
import random
import string

from mkdocs_mldesign.core.suggest import closest


def _ids(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = ["fraud", "churn", "search", "ranking", "pricing", "risk", "face", "voice", "demand", "spam"]
    out: set[str] = set()
    while len(out) < count:
        out.add(f"{rng.choice(words)}-{rng.choice(words)}-{''.join(rng.choices(string.ascii_lowercase, k=4))}")
    return sorted(out)


def _ratio(one: str, other: str) -> float:
    return difflib.SequenceMatcher(None, one, other).ratio()


def test_a_typo_among_thousands_of_ids_finds_the_id_meant() -> None:
    ids = _ids(2_000)
    rng = random.Random(3)
    for meant in rng.sample(ids, 20):
        at = rng.randrange(len(meant))
        typo = meant[:at] + meant[at + 1 :]  # one letter dropped
        found = closest(typo, ids)
        # The shortlist may only change the answer when difflib itself ranks another id as high.
        best = difflib.get_close_matches(typo, ids, n=1, cutoff=0.6)
        assert found is not None
        assert _ratio(typo, found) >= _ratio(typo, best[0])


def test_the_same_answer_as_difflib_among_few_names() -> None:
    names = ["accuracy", "precision", "recall", "f1", "latency-p95", "coverage"]
    for typo in ("acuracy", "precission", "recal", "latency-p59", "coverag", "zzz"):
        expected = difflib.get_close_matches(typo, names, n=1, cutoff=0.6)
        assert closest(typo, names) == (expected[0] if expected else None)


def test_nothing_close_and_nothing_known_give_no_hint() -> None:
    assert closest("entirely-different", _ids(500)) is None
    assert closest("anything", []) is None
