"""Look and page furniture shared by the PDFs: sizes, colours, text styles, tables, page numbers."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from planner.reports.fonts import (
    BODY,
    BOLD,
    clean_text,
    draw_text,
    fit_width,
    markup,
    needs_paragraph,
    register_fonts,
)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
ACCENT = colors.HexColor("#1d4e89")
ACCENT_LIGHT = colors.HexColor("#e6eef7")
ZEBRA = colors.HexColor("#f5f7fa")
WARN = colors.HexColor("#b44d12")

MARGIN = 15 * mm


def page_size(settings: Mapping[str, Any]) -> tuple[float, float]:
    """A4 or US Letter, from the page_size setting (A4 when unset or unknown)."""
    return LETTER if str(settings.get("page_size", "A4")).strip().lower() == "letter" else A4


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base = {"fontName": BODY, "fontSize": 9, "leading": 11.5, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)


class Styles:
    """The paragraph styles of every document (built after the fonts are registered)."""

    def __init__(self) -> None:
        register_fonts()
        self.body = _style("body")
        self.small = _style("small", fontSize=7.5, leading=9.5, textColor=MUTED)
        self.title = _style("title", fontName=BOLD, fontSize=18, leading=22, textColor=ACCENT)
        self.h1 = _style("h1", fontName=BOLD, fontSize=13, leading=16, spaceBefore=8,
                         spaceAfter=4, textColor=ACCENT)
        self.h2 = _style("h2", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6,
                         spaceAfter=3)
        self.company = _style("company", fontName=BOLD, fontSize=12, leading=15)
        self.label = _style("label", fontName=BOLD, fontSize=7, leading=9, textColor=MUTED)
        self.cell = _style("cell", fontSize=8, leading=10)
        self.cell_bold = _style("cell_bold", fontName=BOLD, fontSize=8, leading=10)
        self.cell_small = _style("cell_small", fontSize=7, leading=8.5, textColor=MUTED)
        self.cell_right = _style("cell_right", fontSize=8, leading=10, alignment=TA_RIGHT)
        self.head = _style("head", fontName=BOLD, fontSize=7.5, leading=9,
                           textColor=colors.white, alignment=TA_LEFT)
        self.head_right = _style("head_right", fontName=BOLD, fontSize=7.5, leading=9,
                                 textColor=colors.white, alignment=TA_RIGHT)
        self.kpi_value = _style("kpi_value", fontName=BOLD, fontSize=11.5, leading=14)
        self.label_right = _style("label_right", fontName=BOLD, fontSize=7, leading=9,
                                  textColor=MUTED, alignment=TA_RIGHT)
        self.h2_right = _style("h2_right", fontName=BOLD, fontSize=10, leading=13,
                               alignment=TA_RIGHT)
        self.kpi_label = _style("kpi_label", fontSize=7, leading=8.5, textColor=MUTED)


def para(value: object, style: ParagraphStyle, *, max_chars: int | None = None) -> Paragraph:
    """A Paragraph that prints user text literally (escaped, CJK-aware)."""
    return Paragraph(markup(value, max_chars=max_chars), style)


def table_style(*, header_rows: int = 1, zebra_from: int = 1, numeric_from_col: int | None = None,
                extra: list[tuple] | None = None) -> TableStyle:
    """The house table look: dark header, hairline rules, zebra rows, numbers right-aligned."""
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), BODY, 8, 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
    ]
    if header_rows:  # the last header row is the dark column-title band
        head = header_rows - 1
        commands += [
            ("BACKGROUND", (0, head), (-1, head), ACCENT),
            ("FONT", (0, head), (-1, head), BOLD, 7.5, 9),
            ("TEXTCOLOR", (0, head), (-1, head), colors.white),
            ("VALIGN", (0, head), (-1, head), "BOTTOM"),
        ]
    if zebra_from is not None:
        commands.append(("ROWBACKGROUNDS", (0, zebra_from), (-1, -1), [colors.white, ZEBRA]))
    if numeric_from_col is not None:
        commands.append(("ALIGN", (numeric_from_col, 0), (-1, -1), "RIGHT"))
    return TableStyle(commands + (extra or []))


def layout_table(rows: list[list[Any]], *, style: list[tuple] | TableStyle | None = None,
                 **kwargs: Any) -> Table:
    """A Table whose plain-string cells use the embedded body font (reportlab's default is an
    unembedded Helvetica without Cyrillic or CJK)."""
    commands = list(style.getCommands()) if isinstance(style, TableStyle) else list(style or [])
    return Table(rows, style=[("FONT", (0, 0), (-1, -1), BODY, 8, 10), *commands], **kwargs)


def long_table(rows: list[list[Any]], *, colWidths: list[float],  # noqa: N803
               style: list[tuple] | TableStyle | None = None, repeatRows: int = 1,  # noqa: N803
               **kwargs: Any) -> Table:
    """A table of any length that splits over pages in linear time.

    reportlab re-measures every remaining row at each page split (quadratic in the row count);
    measuring once and passing the row heights avoids that. Long tables must not use SPAN
    (reportlab recomputes spans at every split too)."""
    table = layout_table(rows, colWidths=colWidths, style=style, repeatRows=repeatRows, **kwargs)
    if len(rows) <= 60:
        return table
    table.wrap(sum(colWidths), 1e12)
    heights = getattr(table, "_rowHeights", None)  # measured by wrap; private but long-stable
    if not heights or len(heights) != len(rows) or None in heights:
        return table
    return layout_table(rows, colWidths=colWidths, style=style, repeatRows=repeatRows,
                        rowHeights=list(heights), **kwargs)


def scaled_widths(fractions: list[float], total_width: float) -> list[float]:
    """Column widths from relative weights, filling the frame width."""
    scale = total_width / sum(fractions)
    return [f * scale for f in fractions]


def make_document(path: str, *, settings: Mapping[str, Any], title: str, author: str,
                  subject: str, top_margin: float = MARGIN + 4 * mm,
                  bottom_margin: float = MARGIN + 4 * mm,
                  on_first_page: Callable | None = None,
                  on_later_pages: Callable | None = None) -> BaseDocTemplate:
    """A document whose frame has no inner padding, so tables and text share one left edge."""
    size = page_size(settings)
    doc = BaseDocTemplate(path, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=top_margin, bottomMargin=bottom_margin, title=title,
                          author=author, subject=subject, creator="Planner",
                          initialFontName=BODY)

    def frame(name: str) -> Frame:
        return Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc.addPageTemplates([
        PageTemplate(id="first", frames=[frame("first")], onPage=on_first_page or _nothing,
                     autoNextPageTemplate="later", pagesize=size),
        PageTemplate(id="later", frames=[frame("later")], onPage=on_later_pages or _nothing,
                     pagesize=size),
    ])
    return doc


def _nothing(canvas: Canvas, doc: BaseDocTemplate) -> None:
    return None


def numbered_canvas(draw_footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas class that draws a footer knowing the page count ("Page x of y")."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            register_fonts()
            if not kwargs.get("initialFontName"):
                kwargs["initialFontName"] = BODY  # no unembedded Helvetica anywhere
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


SECTION_ATTRIBUTE = "_planner_section"


class SectionMarker(Flowable):
    """Invisible: names the section the running header shows on the pages that follow."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = clean_text(text)
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        setattr(self.canv, SECTION_ATTRIBUTE, self.text)


def page_furniture(size: tuple[float, float], *, header_left: str, header_right: str,
                   footer_left: str) -> tuple[Callable, Callable]:
    """The running header of pages after the first, and the footer with "Page x of y"."""
    width, height = size

    def later_header(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        top = height - MARGIN + 1 * mm
        canvas.setFillColor(MUTED)
        section = getattr(canvas, SECTION_ATTRIBUTE, "")
        left = section or header_left  # the footer names the document on every page
        draw_text(canvas, MARGIN, top, fit_width(left, 7.5, width - 2 * MARGIN - 50 * mm),
                  size=7.5)
        draw_text(canvas, width - MARGIN, top, header_right, size=7.5, align="right")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 2 * mm, width - MARGIN, top - 2 * mm)
        canvas.restoreState()

    def footer(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        y = MARGIN - 2 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + 4 * mm, width - MARGIN, y + 4 * mm)
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN, y, fit_width(footer_left, 7.5, width - 2 * MARGIN - 32 * mm),
                  size=7.5)
        draw_text(canvas, width - MARGIN, y, f"Page {page} of {total}", size=7.5, align="right")
        canvas.restoreState()

    return later_header, footer


def figure_image(figure: Any, width: float, *, dpi: int = 150) -> Image:
    """A matplotlib Figure as a PNG flowable of the given width (aspect kept)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    fig_w, fig_h = figure.get_size_inches()
    buffer.seek(0)
    return Image(buffer, width=width, height=width * fig_h / fig_w)


def wrap_cell(value: object, style: ParagraphStyle, width: float, *,
              max_chars: int | None = 600) -> str | Paragraph:
    """A wrapping table cell: pre-split plain lines when the body font can set it (fast), else a
    Paragraph. The table must set the column's FONT to the style's font, size and leading.
    Text is cut at max_chars so that no row can outgrow a page."""
    text = clean_text(value)
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    if needs_paragraph(text):
        return para(text, style)
    room = width - 6  # cell padding
    lines = simpleSplit(text, style.fontName, style.fontSize, room)
    if any(stringWidth(line, style.fontName, style.fontSize) > room for line in lines):
        return para(text, style)
    return "\n".join(lines)
