"""SKUs match exactly: one that differs from a known SKU only by case or surrounding spaces is
refused with "did you mean …?", never created as a new product beside it (spec "Import rules")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlite_utils import Database

from planner.store.importers.loading import ParsedFile
from planner.store.importers.problems import MAX_LISTED, Problem

#: The columns that name one of the workspace's SKUs, in every kind.
SKU_COLUMNS = ("sku", "component_sku", "bundle_sku", "like_sku", "lineitem_sku")


def _folded(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.casefold()


def _spellings(skus: Iterable[str]) -> dict[str, str]:
    """Each folded SKU → its one known spelling (the first seen)."""
    known: dict[str, str] = {}
    for sku in skus:
        known.setdefault(str(sku).strip().casefold(), str(sku))
    return known


def near_sku_problems(db: Database, files: Sequence[ParsedFile]) -> list[Problem]:
    """A problem per cell whose SKU is not known exactly but is known up to case and spaces.

    Known: the workspace's products and the SKUs the import's own products files define. Two
    spellings of one SKU that are both new are refused too (which one is meant cannot be told).
    """
    stored = [row[0] for row in db.execute("SELECT sku FROM products")]
    defined = [sku for f in files if f.kind.name == "products" and "sku" in f.frame
               for sku in f.frame["sku"].dropna().astype(str)]
    exact = set(stored) | set(defined)
    known = _spellings([*stored, *defined])
    problems: list[Problem] = []
    new_spellings: dict[str, str] = {}
    for file in files:
        for column in SKU_COLUMNS:
            if column not in file.frame:
                continue
            cells = file.frame[[column, "_row"]].dropna(subset=[column])
            values = cells[column].astype(str)
            unknown = ~values.isin(exact)
            if not unknown.any():
                continue
            listed = 0
            for sku, folded, row in zip(values[unknown], _folded(values[unknown]),
                                        cells["_row"][unknown], strict=True):
                meant = known.get(folded)
                if meant is None:
                    first = new_spellings.setdefault(folded, sku)
                    if first == sku:
                        continue
                    meant = first
                if listed < MAX_LISTED:
                    problems.append(Problem(
                        file.label, int(row), column, sku,
                        f"a known SKU: did you mean {meant!r}? SKUs match exactly, and this one "
                        "differs from it only by case or spaces; correct the cell (or rename "
                        "the product first) so that no second product is created"))
                listed += 1
            if listed > MAX_LISTED:
                problems.append(Problem(file.label, None, column, None,
                                        f"{listed - MAX_LISTED:,} more rows name a SKU that differs "
                                        "from a known one only by case or spaces"))
    return problems
