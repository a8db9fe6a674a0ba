"""Strict, bounded reading of front matter: splitting, decoding, loading, normalising."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.frontmatter import (
    MAX_EXPANDED_NODES,
    MAX_NESTING,
    decode,
    expanded_size,
    find_node,
    load,
    load_noting,
    nesting_depth,
    normalise,
    split,
)


def test_split_returns_text_first_line_and_body() -> None:
    block = split("---\ntitle: T\ndesign: {}\n---\n\n\n# Heading\n")
    assert block is not None
    assert block.text == "title: T\ndesign: {}\n"
    assert block.first_line == 2
    assert block.body == "# Heading\n"


@pytest.mark.parametrize("closing", ["---", "...", "---  ", "...\t"])
def test_split_accepts_the_closings_mkdocs_accepts(closing: str) -> None:
    block = split(f"---\na: 1\n{closing}\nbody")
    assert block is not None
    assert block.body == "body"


@pytest.mark.parametrize("source", ["no front matter", "\n---\na: 1\n---\n", "---\na: 1\n", "--- \na: 1\n----\n"])
def test_split_finds_no_block(source: str) -> None:
    assert split(source) is None


def test_is_unclosed() -> None:
    assert frontmatter.is_unclosed("---\ndesign:\n  status: draft\n")
    assert not frontmatter.is_unclosed("---\ndesign: {}\n---\n")
    assert not frontmatter.is_unclosed("# Just a page\n")


def test_decode_drops_a_bom_and_normalises_line_endings() -> None:
    text, problem = decode(b"\xef\xbb\xbf---\r\ndesign: {}\r\n---\rbody\r\n", "p.md")
    assert problem is None
    assert text == "---\ndesign: {}\n---\nbody\n"


def test_decode_locates_the_first_bad_byte() -> None:
    text, problem = decode(b"---\ndesign:\n  status: dr\xffaft\xfe\n---\n", "p.md")
    assert problem is not None
    assert problem.format() == (
        "p.md:3:13: error encoding the file is not valid UTF-8 (byte 0xff at offset 24) (save the file as UTF-8)"
    )
    assert "dr\ufffdaft\ufffd" in text


def test_load_counts_lines_from_the_first_line_of_the_block() -> None:
    data, problem = load("a: 1\nb: [2\n", "p.md", first_line=10)
    assert data is None
    assert problem is not None
    assert (problem.line, problem.column, problem.rule) == (12, 1, "yaml-syntax")
    data, problem = load("a: 1\nb: 2024-01-05\n", "p.md", first_line=10)
    assert problem is None
    assert data == {"a": 1, "b": dt.date(2024, 1, 5)}


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:builtins.open ['{marker}', 'w']",
        "!!python/object/new:builtins.open ['{marker}', 'w']",
        "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_construct_nothing(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "created-by-yaml"
    text = "design:\n  status: " + tag.format(marker=marker) + "\n"
    data, problem = load(text, "p.md", first_line=2)
    assert data is None
    assert not marker.exists()
    assert problem is not None
    assert (problem.line, problem.column, problem.rule) == (3, 11, "yaml-tag")
    assert "is not allowed in front matter" in problem.message


def test_duplicate_keys_are_noted_at_the_second_and_read_past() -> None:
    loaded = load_noting("design:\n  status: draft\n  owners: [a]\n  status: review\n", "p.md", first_line=2)
    assert loaded.problem is None
    assert loaded.data == {"design": {"status": "review", "owners": ["a"]}}  # the second wins, as in YAML
    [note] = loaded.notes
    assert (note.line, note.column, note.rule, note.at_key) == (3, 2, "yaml-duplicate-key", True)
    assert note.message == "the key `status` appears twice in this mapping; the second one wins"
    assert note.hint_at(2) == "it was first given on line 3; keep one of them"


def test_merge_keys_are_not_duplicates() -> None:
    data, problem = load("base: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n  y: 2\n", "p.md")
    assert problem is None
    assert data["m"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "`2024-02-30` is not a real date"),
        ("2024-13-01", "`2024-13-01` is not a real date"),
        ("!!int twelve", "`twelve` cannot be read as a whole number"),
        ("!!float abc", "`abc` cannot be read as a number"),
        ("!!bool maybe", "`maybe` cannot be read as true or false"),
        ("!!timestamp soon", "`soon` is not a real date"),
        ("1" * 5000, "cannot be read as a whole number"),
    ],
)
def test_values_a_standard_tag_cannot_hold_are_noted_and_read_past(value: str, message: str) -> None:
    loaded = load_noting(f"design:\n  updated: {value}\n  status: draft\n", "p.md", first_line=2)
    assert loaded.problem is None
    assert loaded.data["design"]["status"] == "draft"  # the rest is still read
    [note] = loaded.notes
    assert (note.line + 2, note.column + 1, note.rule) == (3, 12, "yaml-value")
    assert message in note.message


def test_an_unhashable_key_is_not_called_a_tag() -> None:
    _, problem = load("design:\n  ? [a, b]\n  : c\n", "p.md")
    assert problem is not None
    assert problem.rule == "yaml-syntax"
    assert problem.message == "a list or a mapping is used as a key"
    assert "tag" not in problem.message


def test_oversize_yaml_is_refused_before_parsing() -> None:
    text = "design:\n  background:\n    users: '" + "x" * frontmatter.MAX_FRONT_MATTER_BYTES + "'\n"
    start = time.perf_counter()
    data, problem = load(text, "p.md", first_line=2)
    assert time.perf_counter() - start < 0.5
    assert data is None
    assert problem is not None
    assert (problem.line, problem.column, problem.rule) == (2, 1, "yaml-too-large")
    just_under = "a: '" + "x" * (frontmatter.MAX_FRONT_MATTER_BYTES - 10) + "'\n"
    assert load(just_under, "p.md")[1] is None


# --- bounding ---------------------------------------------------------------------------


def test_expanded_size_counts_every_value() -> None:
    assert expanded_size("x") == 1
    assert expanded_size([1, 2]) == 3
    assert expanded_size({"a": [1], "b": {}}) == 4


def test_expanded_size_counts_shared_values_each_time() -> None:
    leaf = [1] * 10
    assert expanded_size([leaf] * 10) == 1 + 10 * 11


def test_expanded_size_stops_past_the_limit() -> None:
    assert 10 < expanded_size(list(range(100)), limit=10) <= 12


def test_expanded_size_of_an_alias_bomb_is_fast() -> None:
    node: Any = ["lol"] * 9
    for _ in range(30):  # 9**31 values once expanded
        node = [node] * 9
    start = time.perf_counter()
    assert expanded_size(node) > MAX_EXPANDED_NODES
    assert time.perf_counter() - start < 0.1


def test_expanded_size_of_a_cycle_is_over_the_limit() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    assert expanded_size(cycle) > MAX_EXPANDED_NODES
    looped: dict[str, Any] = {"a": {}}
    looped["a"]["back"] = looped
    assert expanded_size(looped) > MAX_EXPANDED_NODES


def test_nesting_depth() -> None:
    assert nesting_depth("x") == 0
    assert nesting_depth([]) == 1
    assert nesting_depth({"a": [{"b": 1}], "c": 2}) == 3
    deep: Any = "bottom"
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = [deep]
    assert nesting_depth(deep) > MAX_NESTING
    node: Any = ["x"]
    for _ in range(60):
        node = [node, node]  # shared, 2**60 paths: must be memoised
    start = time.perf_counter()
    assert nesting_depth(node) == 61
    assert time.perf_counter() - start < 0.1
    cycle: list[Any] = [1]
    cycle.append(cycle)
    assert nesting_depth(cycle) == 1


# --- normalising ----------------------------------------------------------------------


def test_normalise_turns_dates_into_iso_text() -> None:
    data, issues = normalise(
        {
            "created": dt.date(2026, 8, 3),
            "at": dt.datetime(2026, 8, 3, 9, 30, tzinfo=dt.UTC),
            "v": [dt.date(2020, 1, 2)],
        }
    )
    assert data == {"created": "2026-08-03", "at": "2026-08-03T09:30:00+00:00", "v": ["2020-01-02"]}
    assert issues == []


def test_normalise_turns_keys_into_text() -> None:
    data, issues = normalise({1: "a", 2.5: "b", dt.date(2024, 1, 2): "d", "e": {3: "f"}, None: "n"})
    assert data == {"1": "a", "2.5": "b", "2024-01-02": "d", "e": {"3": "f"}, "null": "n"}
    assert issues == []
    assert normalise({True: 1, "x": {False: 2}}) == ({"true": 1, "x": {"false": 2}}, [])


def test_normalise_drops_and_reports_binary_and_sets() -> None:
    data, issues = normalise({"a": b"\x00", "b": [1, {"c": {"x", "y"}}], b"k": 1}, ("design",))
    assert data == {"a": None, "b": [1, {"c": None}]}
    assert issues == [
        (("design", "a"), "binary data is not allowed here"),
        (("design", "b", 1, "c"), "a set is not allowed here"),
        (("design",), "a mapping key is binary data; keys must be text"),
    ]


def test_normalise_drops_nan_and_huge_numbers() -> None:
    data, issues = normalise({"nan": float("nan"), "inf": float("inf"), "big": 16**2000, "ok": 2**63})
    assert data == {"nan": None, "inf": float("inf"), "big": None, "ok": 2**63}
    assert issues == [(("big",), "a number this large is not allowed here")]


def test_normalise_leaves_plain_json_alone() -> None:
    value = {"a": [1, 2.5, "x", None, True, {"b": []}]}
    assert normalise(value) == (value, [])


# --- locating ---------------------------------------------------------------------------


def test_find_node_reaches_values_keys_and_items() -> None:
    root = frontmatter.compose("design:\n  metrics:\n    - name: a\n      priority: high\n")
    value = find_node(root, ("design", "metrics", 0, "priority"))
    key = find_node(root, ("design", "metrics", 0, "priority"), key=True)
    assert isinstance(value, yaml.ScalarNode)
    assert isinstance(key, yaml.ScalarNode)
    assert (value.value, value.start_mark.line, value.start_mark.column) == ("high", 3, 16)
    assert (key.value, key.start_mark.column) == ("priority", 6)


def test_find_node_stops_at_the_deepest_existing_parent() -> None:
    root = frontmatter.compose("design:\n  inference:\n    mode: online\n")
    node = find_node(root, ("design", "inference", "online"))
    assert isinstance(node, yaml.MappingNode)
    assert (node.start_mark.line, node.start_mark.column) == (2, 4)
    assert find_node(root, ("design", "nope", 3, "x")) is find_node(root, ("design",))


def test_find_node_follows_merge_keys() -> None:
    root = frontmatter.compose("base: &b {status: draft}\ndesign:\n  <<: *b\n  owners: [a]\n")
    node = find_node(root, ("design", "status"))
    assert isinstance(node, yaml.ScalarNode)
    assert (node.value, node.start_mark.line) == ("draft", 0)


def test_compose_gives_none_for_broken_yaml() -> None:
    assert frontmatter.compose("a: [") is None


# --- the fast builder gives what PyYAML's constructor gives ---------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _by_pyyaml(text: str) -> tuple[Any, list[Any]]:
    notes: list[Any] = []
    loader = frontmatter._make_loader(notes)(text)
    try:
        node = loader.get_single_node()
        frontmatter._drop_oversized(node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, notes


def _yaml_texts() -> list[tuple[str, str]]:
    """Every front matter and design file of the corpus, the golden cases, the example
    site and the docs' examples."""
    out = []
    folders = ["tests/hostile/corpus", "tests/golden/cases", "example_site/docs", "docs"]
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".md", ".yaml", ".yml") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".md":
                block = frontmatter.split(text)
                if block is None:
                    continue
                text = block.text
            try:
                _by_pyyaml(text)
            except (yaml.YAMLError, RecursionError, ValueError, TypeError):
                continue  # PyYAML stops on it: nothing to compare (the corpus tests its message)
            out.append((str(path.relative_to(ROOT)), text))
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN, and of the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return bool(b != b)
    return bool(a == b)


YAML_TEXTS = _yaml_texts()


def test_the_comparison_covers_the_corpus() -> None:
    assert len(YAML_TEXTS) > 150
    assert sum(name.startswith("tests/hostile/corpus") for name, _ in YAML_TEXTS) > 60


@pytest.mark.parametrize(("name", "text"), YAML_TEXTS, ids=lambda x: x if "/" in x else "")
def test_the_fast_builder_gives_what_pyyaml_gives(name: str, text: str) -> None:
    expected, expected_notes = _by_pyyaml(text)
    loaded = frontmatter.load_noting(text, name)
    assert loaded.problem is None
    assert _same(loaded.data, expected)
    assert sorted(loaded.notes, key=lambda n: (n.line, n.column, n.rule)) == sorted(
        expected_notes, key=lambda n: (n.line, n.column, n.rule)
    )


def test_aliases_share_what_pyyaml_shares() -> None:
    text = "a: &x {k: [1, 2]}\nb: *x\nc: &l [&s text, *s]\nd: *l\n"
    loaded = frontmatter.load_noting(text, "t")
    assert loaded.data["a"] is loaded.data["b"]
    assert loaded.data["c"] is loaded.data["d"]
    assert _same(loaded.data, _by_pyyaml(text)[0])


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n",  # a merge key: PyYAML builds it
        "s: !!set {a, b}\n",
        "o: !!omap [{a: 1}, {b: 2}]\n",
        "? [a, b]\n: c\n",
        "k: 1\nk: 2\nn: {k: 1, k: 3}\n",
        "d: 2026-02-30\nn: 010\nf: 2.10\nb: yes\n",
        "x: &r [*r]\n",
    ],
)
def test_unusual_documents_read_as_pyyaml_reads_them(text: str) -> None:
    loaded = frontmatter.load_noting(text, "t")
    try:
        expected, notes = _by_pyyaml(text)
    except yaml.YAMLError:
        assert loaded.problem is not None
        return
    assert loaded.problem is None
    assert repr(loaded.data) == repr(expected)
    assert len(loaded.notes) == len(notes)
