"""Report fixtures: a realistic hand-built plan (see plan_factory.py) and its exported PDFs."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from plan_factory import make_plan
from pypdf import PdfReader

from planner.reports.export import export_pdfs


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, NFC-normalised."""
    return [unicodedata.normalize("NFC", page.extract_text() or "")
            for page in PdfReader(str(path)).pages]


def squash(text: str) -> str:
    """Text without whitespace, to compare wrapped PDF text with the original."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@pytest.fixture(scope="module")
def plan():
    """A plan with five suppliers (Chinese, Vietnamese, Cyrillic, markup), backorders and POs."""
    return make_plan()


@pytest.fixture(scope="module")
def exported(plan, tmp_path_factory):
    """The plan's PDFs, written once per test module: {supplier or 'report': path}."""
    out = tmp_path_factory.mktemp("pdfs")
    paths = export_pdfs(plan, out)
    suppliers = sorted({s["supplier"] for s in plan.purchase_suggestions})
    return {**dict(zip(suppliers, paths[:-1], strict=True)), "report": paths[-1]}
