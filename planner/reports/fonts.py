"""Fonts shipped with the package and literal, script-aware text for reportlab.

DejaVu Sans covers Latin (incl. Vietnamese), Greek and Cyrillic; Droid Sans Fallback covers CJK.
User text is XML-escaped and split into runs: characters the body font lacks are set in the CJK
font with a <font> tag, so one Paragraph can mix "Đồng Nai" and "深圳市" with real glyphs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BODY = "PlannerSans"
BOLD = "PlannerSans-Bold"
_CJK_TTF = "PlannerCJK"
_CJK_CID = "STSong-Light"  # reportlab's built-in CID font: used only if the TTF is missing

# C0/C1 control characters (tab and newline are handled separately) and lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@functools.cache
def register_fonts() -> FontSet:
    """Register the body, bold and CJK fonts once per process and say which to use."""
    body = TTFont(BODY, str(FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(body)
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BOLD, italic=BODY, boldItalic=BOLD)
    covered = frozenset(body.face.charToGlyph)
    cjk_file = FONT_DIR / "DroidSansFallbackFull.ttf"
    if cjk_file.exists():
        cjk = TTFont(_CJK_TTF, str(cjk_file))
        pdfmetrics.registerFont(cjk)
        return FontSet(covered, _CJK_TTF, frozenset(cjk.face.charToGlyph))
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_CJK_CID))
    return FontSet(covered, _CJK_CID, None)


class FontSet:
    """Which characters the body font has, and the font that fills the gaps."""

    def __init__(self, body_chars: frozenset[int], cjk_font: str,
                 cjk_chars: frozenset[int] | None) -> None:
        self.body_chars = body_chars
        self.cjk_font = cjk_font
        self.cjk_chars = cjk_chars
        fallback = (sorted(cjk_chars - body_chars) if cjk_chars is not None
                    else [c for c in range(0x2E80, 0x10000) if c not in body_chars])
        #: one regex class of every character the CJK font draws instead of the body font
        self.fallback_run = re.compile(f"[{_ranges(fallback)}]+")


def _ranges(codes: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts = []
    start = previous = None
    for code in codes:
        if start is None:
            start = previous = code
        elif code == previous + 1:
            previous = code
        else:
            parts.append((start, previous))
            start = previous = code
    if start is not None:
        parts.append((start, previous))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in parts)


def clean_text(value: object) -> str:
    """User text as one printable string: None → "", control characters dropped, tabs → spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def runs(text: str) -> Iterator[tuple[bool, str]]:
    """Split text into (is_fallback, chunk) runs by which font has the glyphs; spaces between
    two CJK runs stay with them."""
    if not text:
        return
    if text.isascii():
        yield False, text
        return
    pattern = register_fonts().fallback_run
    position = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        while end < len(text) and text[end] == " " and pattern.match(text, end + 1):
            end = pattern.match(text, end + 1).end()  # "深圳 华强" is one run
        if start < position:
            continue
        if start > position:
            yield False, text[position:start]
        yield True, text[start:end]
        position = end
    if position < len(text):
        yield False, text[position:]


def needs_paragraph(text: str) -> bool:
    """True when a table cell cannot be a plain string: it holds glyphs the body font lacks."""
    return not text.isascii() and register_fonts().fallback_run.search(text) is not None


def markup(value: object, *, max_chars: int | None = None) -> str:
    """Paragraph markup that prints user text literally, with CJK runs in the CJK font.

    Every markup character is escaped, so `<b>` or `<img src=...>` appear as typed; newlines
    become line breaks. Text longer than max_chars is cut with an ellipsis.
    """
    text = clean_text(value)
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    fonts = register_fonts()
    parts = []
    for fallback, chunk in runs(text):
        escaped = escape(chunk).replace("\n", "<br/>")
        if fallback:
            parts.append(f'<font face="{fonts.cjk_font}">{escaped}</font>')
        else:
            parts.append(escaped)
    return "".join(parts)


def text_width(value: object, size: float, *, bold: bool = False) -> float:
    """Width in points of a single line of user text, as draw_text would set it."""
    fonts = register_fonts()
    base = BOLD if bold else BODY
    return sum(pdfmetrics.stringWidth(chunk, fonts.cjk_font if fb else base, size)
               for fb, chunk in runs(clean_text(value).replace("\n", " ")))


def draw_text(canvas, x: float, y: float, value: object, *, size: float, bold: bool = False,
              align: str = "left") -> float:
    """Draw one line of user text on a canvas with per-run fonts; returns its width."""
    fonts = register_fonts()
    base = BOLD if bold else BODY
    text = clean_text(value).replace("\n", " ")
    width = text_width(text, size, bold=bold)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for fallback, chunk in runs(text):
        font = fonts.cjk_font if fallback else base
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, font, size)
    return width


def fit_width(value: object, size: float, max_width: float, *, bold: bool = False) -> str:
    """One line of user text, cut with an ellipsis so it fits max_width points."""
    text = clean_text(value).replace("\n", " ")
    if text_width(text, size, bold=bold) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if text_width(text[:mid] + "…", size, bold=bold) <= max_width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"
