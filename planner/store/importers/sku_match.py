"""SKUs and suppliers match exactly: one that differs from a known SKU or supplier only by case
or spaces is refused with "did you mean …?", never created as a new product or supplier beside
it (spec "Import rules")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlite_utils import Database

from planner.store.importers.loading import ParsedFile
from planner.store.importers.problems import MAX_LISTED, Problem

#: The columns that name one of the workspace's SKUs, in every kind.
SKU_COLUMNS = ("sku", "component_sku", "bundle_sku", "like_sku", "lineitem_sku")


#: The columns that name one of the workspace's suppliers, in every kind.
SUPPLIER_COLUMNS = ("supplier",)


Fold = Callable[[object], str]


def _fold_sku(value: object) -> str:
    """A SKU as matched up to case and surrounding spaces (the spec's rule)."""
    return str(value).strip().casefold()


def _fold_name(value: object) -> str:
    """A supplier's name as matched up to case and spaces (around it, and runs inside)."""
    return " ".join(str(value).split()).casefold()


def _spellings(names: Iterable[str], fold: Fold) -> dict[str, str]:
    """Each folded name → its one known spelling (the first seen)."""
    known: dict[str, str] = {}
    for name in names:
        known.setdefault(fold(name), str(name))
    return known


def _defined(files: Sequence[ParsedFile], kind: str, column: str) -> list[str]:
    """The names the import's own files of ``kind`` define in ``column``."""
    return [value for f in files if f.kind.name == kind and column in f.frame
            for value in f.frame[column].dropna().astype(str)]


def near_sku_problems(db: Database, files: Sequence[ParsedFile]) -> list[Problem]:
    """A problem per cell whose SKU is not known exactly but is known up to case and spaces.

    Known: the workspace's products and the SKUs the import's own products files define. Two
    spellings of one SKU that are both new are refused too (which one is meant cannot be told).
    """
    stored = [row[0] for row in db.execute("SELECT sku FROM products")]
    return _near_problems(files, SKU_COLUMNS, [*stored, *_defined(files, "products", "sku")],
                          "SKU", "rename the product first", "no second product is created",
                          _fold_sku)


def near_supplier_problems(db: Database, files: Sequence[ParsedFile]) -> list[Problem]:
    """A problem per cell whose supplier is not known exactly but is known up to case and
    spaces (the workspace's suppliers and the ones the import's suppliers files define), as
    for SKUs: a returned confirmation never moves a PO to a new stub supplier."""
    stored = [row[0] for row in db.execute("SELECT supplier FROM suppliers")]
    return _near_problems(files, SUPPLIER_COLUMNS,
                          [*stored, *_defined(files, "suppliers", "supplier")], "supplier",
                          "rename the supplier first", "no second supplier is created",
                          _fold_name)


def _near_problems(files: Sequence[ParsedFile], columns: Sequence[str], names: list[str],
                   noun: str, rename: str, why: str, fold: Fold) -> list[Problem]:
    """A problem per cell in ``columns`` naming one of ``names`` only up to case and spaces."""
    exact = set(names)
    known = _spellings(names, fold)
    problems: list[Problem] = []
    new_spellings: dict[str, str] = {}
    for file in files:
        for column in columns:
            if column not in file.frame:
                continue
            cells = file.frame[[column, "_row"]].dropna(subset=[column])
            values = cells[column].astype(str)
            unknown = ~values.isin(exact)
            if not unknown.any():
                continue
            listed = 0
            for name, row in zip(values[unknown], cells["_row"][unknown], strict=True):
                folded = fold(name)
                meant = known.get(folded)
                if meant is None:
                    first = new_spellings.setdefault(folded, name)
                    if first == name:
                        continue
                    meant = first
                if listed < MAX_LISTED:
                    problems.append(Problem(
                        file.label, int(row), column, name,
                        f"a known {noun}: did you mean {meant!r}? {noun[0].upper() + noun[1:]}s "
                        "match exactly, and this one differs from it only by case or spaces; "
                        f"correct the cell (or {rename}) so that {why}"))
                listed += 1
            if listed > MAX_LISTED:
                problems.append(Problem(file.label, None, column, None,
                                        f"{listed - MAX_LISTED:,} more rows name a {noun} that "
                                        "differs from a known one only by case or spaces"))
    return problems
