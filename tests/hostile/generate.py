"""The corpus inputs that are written by a program rather than by hand.

The alias bombs are small text that would expand to billions of values: they are
committed, and `test_generated_files_are_current` checks that they still match what
this module writes (`python -m tests.hostile.generate` rewrites them). The inputs
too large to commit (5 MB of front matter, thousands of mistakes) and the symbolic
link are made at test time by `write_large_cases`.
"""

from __future__ import annotations

import os
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

#: Depths of the alias bombs kept in the corpus: each level multiplies the size by 9.
BOMB_DEPTHS = (5, 7, 9, 12)


def _bomb_anchors(depth: int, indent: str = "") -> str:
    lines = [f"{indent}lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, depth + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"{indent}lol{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def alias_bomb(depth: int) -> str:
    """A page whose design field refers to the top of a `depth`-level billion-laughs tree."""
    return (
        f"---\ntitle: Alias bomb, {depth} levels\n"
        + _bomb_anchors(depth)
        + f"design:\n  status: draft\n  owners: [Hostile team]\n  background:\n    users: *a{depth}\n"
        + f"---\n\n# Alias bomb, {depth} levels\n"
    )


def alias_bomb_outside() -> str:
    """A 9-level bomb in the front matter beside a valid design that never refers to it."""
    return (
        "---\ntitle: Alias bomb beside the design\n"
        + _bomb_anchors(9)
        + "design:\n  status: draft\n  owners: [Hostile team]\n  background:\n    users: Reception staff\n"
        + "---\n\n# Alias bomb beside the design\n\nThe bomb is never expanded.\n"
    )


def alias_bomb_file() -> tuple[str, str]:
    """A page naming a design file, and that file: a 9-level bomb inside the design."""
    page = "---\ntitle: Alias bomb in a design file\ndesign: alias-bomb-in-file.design.yaml\n---\n\n# Bomb file\n"
    design = (
        "x-anchors:\n" + _bomb_anchors(9, "  ") + "status: draft\nowners: [Hostile team]\nbackground:\n  users: *a9\n"
    )
    return page, design


def committed_files() -> dict[str, str]:
    """Every generated file that is kept in the corpus, by name."""
    files = {f"alias-bomb-{d}.md": alias_bomb(d) for d in BOMB_DEPTHS}
    files["alias-bomb-outside-design.md"] = alias_bomb_outside()
    page, design = alias_bomb_file()
    files["alias-bomb-in-file.md"] = page
    files["alias-bomb-in-file.design.yaml"] = design
    return files


# --- made at test time --------------------------------------------------------------

#: Front matter of this size is refused before it is parsed (the limit is 1 MB).
HUGE_BYTES = 5 * 1024 * 1024
MANY = 20_000


def huge_front_matter() -> str:
    line = "    - " + "x" * 94 + "\n"
    lines = line * (HUGE_BYTES // len(line) + 1)
    return (
        "---\ntitle: Five megabytes\ndesign:\n  status: draft\n  owners: [Hostile team]\n  background:\n    users:\n"
        + lines
        + "---\n\n# Five megabytes\n\nThe body after a huge front matter.\n"
    )


def many_unknown_keys() -> str:
    keys = "".join(f"  k{i}: 1\n" for i in range(MANY))
    return "---\ntitle: Many unknown keys\ndesign:\n  status: draft\n  owners: [Hostile team]\n" + keys + "---\n"


def many_wrong_items() -> str:
    items = ", ".join(["1"] * MANY)
    return f"---\ntitle: Many wrong items\ndesign:\n  status: draft\n  owners: [{items}]\n---\n"


def many_missing_metrics() -> str:
    """Near-miss metric names: each objective's suggestion compares it with every metric."""
    n = 290
    objectives = "".join(f"    - {{objective: o{i}, metric: metric-number-{i}x}}\n" for i in range(n))
    metrics = "".join(f"    - {{name: metric-number-{i}, priority: primary}}\n" for i in range(n))
    return (
        "---\ntitle: Many missing metrics\ndesign:\n  status: draft\n  owners: [Hostile team]\n"
        f"  objectives:\n{objectives}  metrics:\n{metrics}---\n"
    )


def many_broken_links() -> str:
    ids = ", ".join(f"missing-{i}" for i in range(150))
    head = "---\ntitle: Many broken links\ndesign:\n  status: draft\n  owners: [Hostile team]\n"
    return f"{head}  depends_on: [{ids}]\n---\n"


def slow_heading(gap: str) -> str:
    """A page with no title whose first heading holds a long run of `gap`: the heading
    pattern the first release used took cubic time on it (20 s for 3,000 spaces)."""
    return f"---\ndesign:\n  status: draft\n  owners: [Hostile team]\n---\n\n# Slow{gap}heading\n"


def many_brackets(opener: str) -> str:
    """A field of 20 KB of unclosed `opener`: Python-Markdown takes quadratic time on it."""
    text = opener * (20_000 // len(opener))
    return (
        "---\ntitle: Many brackets\ndesign:\n  status: draft\n  owners: [Hostile team]\n"
        f"  background:\n    users: '{text}'\n---\n"
    )


def plain_list() -> str:
    """100,001 owners and no alias, under the byte limit: too many values, and not an alias bomb."""
    items = "    - x\n" * 100_001
    return f"---\ntitle: A plain list\ndesign:\n  status: draft\n  owners:\n{items}---\n"


def plain_mapping() -> str:
    """100,001 distinct keys in one flow mapping, no alias, under the byte limit."""

    def name(i: int) -> str:
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        out = ""
        while True:
            i, r = divmod(i, 36)
            out = digits[r] + out
            if not i:
                return "k" + out

    keys = ", ".join(f"{name(i)}: 0" for i in range(100_001))
    return f"---\ntitle: A plain mapping\ndesign:\n  status: draft\n  owners: [A]\n  background: {{{keys}}}\n---\n"


def plain_nested() -> str:
    """50,001 one-item lists in a list, no alias: twice as many values as items."""
    items = "    - [x]\n" * 50_001
    return f"---\ntitle: Nested lists\ndesign:\n  status: draft\n  owners: [A]\n  objectives:\n{items}---\n"


#: The inputs made at test time, besides the big ones above.
SLOW_CASES = {
    "heading-spaces": slow_heading(" " * 3000),
    "heading-tabs": slow_heading("\t" * 3000),
    "heading-hashes": slow_heading(" " + "#" * 3000 + " " + " " * 3000),
    "markdown-brackets": many_brackets("["),
    "markdown-images": many_brackets("!["),
    "markdown-links": many_brackets("[a]("),
    "large-plain-list": plain_list(),
    "large-plain-mapping": plain_mapping(),
    "large-nested-lists": plain_nested(),
}


def write_large_cases(docs: Path, outside: Path) -> None:
    """Write the inputs made at test time into `docs`; `outside` is a folder beside it."""
    for name, text in SLOW_CASES.items():
        (docs / f"{name}.md").write_text(text, encoding="utf-8")
    (docs / "huge-front-matter.md").write_text(huge_front_matter(), encoding="utf-8")
    (docs / "many-unknown-keys.md").write_text(many_unknown_keys(), encoding="utf-8")
    (docs / "many-wrong-items.md").write_text(many_wrong_items(), encoding="utf-8")
    (docs / "many-missing-metrics.md").write_text(many_missing_metrics(), encoding="utf-8")
    (docs / "many-broken-links.md").write_text(many_broken_links(), encoding="utf-8")
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.design.yaml"
    secret.write_text("status: draft\nowners: [Leaked from outside the docs]\n", encoding="utf-8")
    (docs / "design-file-symlink.design.yaml").symlink_to(secret)
    (docs / "design-file-symlink.md").write_text(
        "---\ntitle: Symbolic link out of the docs\ndesign: design-file-symlink.design.yaml\n---\n\n# Symlink\n",
        encoding="utf-8",
    )


def main() -> None:
    for name, text in committed_files().items():
        (CORPUS / name).write_text(text, encoding="utf-8")
        print(f"wrote {os.path.relpath(CORPUS / name)}")


if __name__ == "__main__":
    main()
