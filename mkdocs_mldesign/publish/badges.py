"""Completeness badges: small flat SVGs in the shields.io style, built without any network.

Pure string work with no MkDocs import, so the command line and the plugin draw the
same badge for the same number. The colour comes from the template's completeness
bands (`Template.level`), the one source the pages and the stylesheet also follow.
"""

from __future__ import annotations

from html import escape

# Approximate advance widths (px) of Verdana at 11px, the font shields.io measures with.
# Characters not listed use `_DEFAULT_WIDTH`, wide (non-Latin) ones `_WIDE_WIDTH`; the
# SVG pins each text to the estimated length with `textLength`, so the estimate only
# has to be close, never exact.
_NARROW = dict.fromkeys("ijl|!'.,:;", 3.1)
_SMALL = dict.fromkeys('frt()[]{}/\\ "I', 4.6)
_WIDE = dict.fromkeys("mwMW%@", 10.6)
_CAPS = dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ&#", 7.6)
_CHAR_WIDTHS: dict[str, float] = {**_CAPS, **_NARROW, **_SMALL, **_WIDE}
_DEFAULT_WIDTH = 6.8
_WIDE_WIDTH = 11.0

_HEIGHT = 20
_PADDING = 6  # px each side of a text
_LABEL_COLOR = "#555"

#: The colour of a badge for a design that cannot be read.
UNREADABLE_COLOR = "#9f9f9f"
#: The colour of a targets badge by the design's state: every target met, one missed,
#: one not measured. White text on each keeps the contrast of 4.5:1 and more.
TARGET_COLORS = {"met": "#2e7d32", "not-met": "#c62828", "no-evidence": "#8a5a00"}


def _clamp(percent: int) -> int:
    return max(0, min(100, int(percent)))


def text_width(text: str) -> int:
    """An estimate of the rendered width of `text` in px, in Verdana 11px."""
    total = 0.0
    for char in text:
        if char in _CHAR_WIDTHS:
            total += _CHAR_WIDTHS[char]
        elif ord(char) > 0x2E7F:  # CJK and other wide scripts
            total += _WIDE_WIDTH
        else:
            total += _DEFAULT_WIDTH
    return round(total)


def badge_svg(label: str, percent: int | None, color: str, unreadable: str = "unreadable") -> str:
    """A completeness badge: `label` on grey, `NN%` on `color` (the template's band for
    the number); `percent` None says `unreadable`."""
    if percent is None:
        return badge(label, unreadable, UNREADABLE_COLOR)
    return badge(label, f"{_clamp(percent)}%", color)


def badge(label: str, shown: str, color: str) -> str:
    """A flat two-part badge: `label` on grey, `shown` on `color`."""
    label_text_w = max(text_width(label), 1)
    value_text_w = text_width(shown)
    label_w = label_text_w + 2 * _PADDING
    value_w = value_text_w + 2 * _PADDING
    width = label_w + value_w
    title = escape(f"{label}: {shown}", quote=True)
    label_xml = escape(label, quote=True)
    shown_xml = escape(shown, quote=True)
    # Texts are drawn at 10x and scaled down, as shields.io does, for crisper hinting.
    label_x = label_w * 5
    value_x = (label_w + value_w / 2) * 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_HEIGHT}" '
        f'role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="mldesign-badge-s" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/>'
        "</linearGradient>"
        f'<clipPath id="mldesign-badge-r"><rect width="{width}" height="{_HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        '<g clip-path="url(#mldesign-badge-r)">'
        f'<rect width="{label_w}" height="{_HEIGHT}" fill="{_LABEL_COLOR}"/>'
        f'<rect x="{label_w}" width="{value_w}" height="{_HEIGHT}" fill="{color}"/>'
        f'<rect width="{width}" height="{_HEIGHT}" fill="url(#mldesign-badge-s)"/>'
        "</g>"
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        'text-rendering="geometricPrecision" font-size="110">'
        f'<text aria-hidden="true" x="{label_x}" y="150" fill="#010101" fill-opacity=".3" '
        f'transform="scale(.1)" textLength="{label_text_w * 10}">{label_xml}</text>'
        f'<text x="{label_x}" y="140" transform="scale(.1)" fill="#fff" '
        f'textLength="{label_text_w * 10}">{label_xml}</text>'
        f'<text aria-hidden="true" x="{value_x:g}" y="150" fill="#010101" fill-opacity=".3" '
        f'transform="scale(.1)" textLength="{value_text_w * 10}">{shown_xml}</text>'
        f'<text x="{value_x:g}" y="140" transform="scale(.1)" fill="#fff" '
        f'textLength="{value_text_w * 10}">{shown_xml}</text>'
        "</g>"
        "</svg>"
    )
