"""What Material's search plugin needs of our HTML, and nothing more.

Material's search (`material.plugins.search`) parses every page's HTML with Python's
`HTMLParser` to cut it into sections at its headings. Of the markup it keeps only the
heading ids, a few tag names (p, li, ul, ol, code, pre, sub, sup), the `headerlink`
anchors (whose text it leaves out of titles) and the elements marked
`data-search-exclude` (which it leaves out whole); the rest is read and thrown away,
and reading it is a large part of a design site's build.

`lean(html)` is our HTML as that parser sees it: every tag reduced to its name, inline
tags and excluded elements replaced by an empty comment (where the parser splits the
text as it did at them), the headings' ids kept. Fed to the parser it
gives the same index, entry for entry (tests/site/test_search_index.py checks that on
real builds), for a third less work. It is applied only to the HTML the plugin itself
renders, never to what the author wrote.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")
_ID = re.compile(r"""\bid=(?:"([^"]*)"|'([^']*)')""")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements the parser neither keeps nor needs: they hold no heading and their text is
#: kept without them. (An `a` is kept when it is a heading's permalink.)
_INLINE = frozenset(
    "a abbr b bdi bdo br cite data del dfn em i img ins kbd label mark q s samp small span strong time u var wbr".split(
        " "
    )
)
_LINENOS = 'class="linenodiv"'  # line numbers of code blocks, which the parser skips


#: Left where a tag was dropped or an element cut out: the parser splits its text there
#: as it did at the tag, and white space between the pieces reads the same.
_BREAK = "<!---->"
_HEADING = re.compile(r"<h[1-6][\s>]", re.IGNORECASE)


def lean(html: str) -> str:
    """`html` as Material's search parser reads it; see the module's docstring."""
    out: list[str] = []
    pos = 0
    anchors: list[bool] = []  # for each open <a>: whether it was kept
    while (match := _TAG.search(html, pos)) is not None:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        out.append(html[pos : match.start()])
        pos = match.end()
        if closing:
            kept = (anchors.pop() if anchors else False) if name == "a" else name not in _INLINE
            out.append(f"</{name}>" if kept else _BREAK)
        elif "data-search-exclude" in attrs:
            end = _end_of(html, name, pos)
            if end is not None and not _HEADING.search(html, pos, end):
                out.append(_BREAK)  # the parser would read it only to skip it
                pos = end
            else:  # a heading inside still makes a (titleless) section: keep it all
                out.append(f"<{name} data-search-exclude>")
        elif name in _HEADINGS:
            found = _ID.search(attrs)
            out.append(f'<{name} id="{found.group(1) or found.group(2) or ""}">' if found else f"<{name}>")
        elif name == "a":
            permalink = 'class="headerlink"' in attrs
            anchors.append(permalink)
            out.append('<a class="headerlink">' if permalink else _BREAK)
        elif name in _INLINE:
            out.append(_BREAK)
        else:
            out.append(f"<{name} {_LINENOS}>" if _LINENOS in attrs else f"<{name}>")
    out.append(html[pos:])
    return "".join(out)


def _end_of(html: str, name: str, pos: int) -> int | None:
    """Where the element named `name` whose start tag ends at `pos` ends (after its end tag)."""
    depth = 1
    pattern = re.compile(rf"<(/?){re.escape(name)}\b[^>]*>", re.IGNORECASE)
    for match in pattern.finditer(html, pos):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return None
