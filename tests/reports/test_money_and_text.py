"""The one money formatter, and user text that prints literally in any script."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from reportlab.platypus import Paragraph

from planner.formatting import (
    cost_decimals,
    format_amount,
    format_date,
    format_money,
    format_quantity,
    format_unit_cost,
)
from planner.reports.fonts import clean_text, markup, needs_paragraph, runs
from planner.reports.styles import Styles


def test_money_uses_each_currencys_decimals_and_rounds_half_up():
    assert format_money(1234567.005, "usd") == "USD 1,234,567.01"
    assert format_money(2.675, "USD") == "USD 2.68"
    assert format_money(95_100_000, "VND") == "VND 95,100,000"
    assert format_money(1200.4, "JPY") == "JPY 1,200"
    assert format_money(3, "KWD") == "KWD 3.000"
    assert format_money(-0.001, "EUR") == "EUR 0.00"
    assert format_money(-12.5, "EUR") == "EUR -12.50"
    assert format_money(None) == format_money(float("nan")) == "—"
    assert format_amount(51532.8, "USD", decimals=0) == "51,533"


def test_unit_costs_keep_their_precision_and_line_up():
    assert format_unit_cost(0.125, "USD") == "0.125"
    assert format_unit_cost(4.5, "USD") == "4.50"
    assert format_unit_cost(4.25 * 1.1, "USD") == "4.675"  # float noise is not precision
    assert format_unit_cost(1.23456789, "USD") == "1.2346"
    assert cost_decimals([4.5, 6.375, 4.25 * 1.1], "USD") == 3
    assert format_unit_cost(4.5, "USD", decimals=3) == "4.500"


def test_quantities_and_dates():
    assert format_quantity(12000) == "12,000"
    assert format_quantity(None) == "—"
    assert format_date(dt.date(2025, 3, 1)) == "2025-03-01"
    assert format_date(pd.Timestamp("2025-03-01 13:00")) == "2025-03-01"
    assert format_date(pd.NaT) == "—"


def test_markup_escapes_everything_and_marks_cjk_runs():
    text = '<b>Bold</b> & <img src="http://evil/x.png"/> 深圳 Đồng'
    out = markup(text)
    assert "<b>" not in out and "<img" not in out
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img" in out
    assert '<font face="PlannerCJK">深圳' in out
    para = Paragraph(out, Styles().body)
    assert "".join(f.text for f in para.frags) == text
    assert {f.fontName for f in para.frags} == {"PlannerSans", "PlannerCJK"}


def test_text_runs_split_by_script():
    assert list(runs("Đồng Nai 深圳市 Ltd")) == [(False, "Đồng Nai "), (True, "深圳市"),
                                                (False, " Ltd")]
    assert list(runs("深圳 华强 x")) == [(True, "深圳 华强"), (False, " x")]
    assert not needs_paragraph("Северный Ветер Đồng Nai")
    assert needs_paragraph("华强")


def test_control_characters_and_newlines():
    assert clean_text("a\x00b\x1fc\r\nd\te") == "abc\nd e"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""
    assert markup("line 1\nline 2") == "line 1<br/>line 2"
    assert markup("x" * 50, max_chars=10) == "x" * 9 + "…"
