"""Write a plan's PDFs: one purchase plan per supplier and the internal plan report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import UserError
from planner.formatting import format_date
from planner.reports.internal_report import build_internal_report
from planner.reports.supplier_plan import build_supplier_plan, supplier_plan_reference


class UnknownSupplierError(UserError, ValueError):
    """The supplier asked for is neither in the plan's suggestions nor in its supplier list."""


def _suppliers_table(plan: Any) -> dict[str, dict[str, Any]]:
    frame = plan.suppliers if isinstance(plan.suppliers, pd.DataFrame) else pd.DataFrame()
    if frame.empty or "supplier" not in frame:
        return {}
    return {str(row["supplier"]): row for row in frame.to_dict(orient="records")}


def _match(name: str, known: list[str]) -> str | None:
    if name in known:
        return name
    folded = name.strip().casefold()
    matches = [k for k in known if k.strip().casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def supplier_plan_filename(supplier: str, as_of: Any) -> str:
    """The file name of a supplier's plan: its reference number, safe on every file system."""
    return f"{supplier_plan_reference(supplier, pd.Timestamp(as_of).date())}.pdf"


def export_pdfs(plan: Any, out_dir: Path | str, *, supplier: str | None = None,
                workspace_settings: Mapping[str, Any] | None = None,
                include_report: bool = True, accuracy: Any = None) -> list[Path]:
    """Write one supplier purchase-plan PDF per supplier with suggestions (or only `supplier`)
    and the internal plan report into out_dir; return the paths, supplier plans first.

    workspace_settings (company name, address, logo, page size, terms, currency) default to
    the plan's own settings; include_report=False skips the internal report (the app's "send
    to supplier" export); ``accuracy`` (planning.forecast_accuracy) adds the report's
    forecast-accuracy section. Raises UnknownSupplierError for a supplier the plan doesn't know.
    """
    settings = dict(plan.settings or {}) | dict(workspace_settings or {})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    as_of = pd.Timestamp(plan.as_of).date()
    info = _suppliers_table(plan)
    by_supplier: dict[str, list[dict[str, Any]]] = {}
    for suggestion in plan.purchase_suggestions:
        by_supplier.setdefault(str(suggestion.get("supplier")), []).append(suggestion)

    if supplier is not None:
        known = sorted(set(by_supplier) | set(info))
        name = _match(str(supplier), known)
        if name is None:
            raise UnknownSupplierError(
                f"no supplier named {supplier!r} in the plan as of {format_date(as_of)}; "
                f"suppliers: {', '.join(known) or 'none'}")
        wanted = [name]
    else:
        wanted = sorted(by_supplier)

    paths = []
    for name in wanted:
        path = out / supplier_plan_filename(name, as_of)
        build_supplier_plan(path, supplier=name, suggestions=by_supplier.get(name, []),
                            supplier_info=info.get(name), as_of=as_of, settings=settings)
        paths.append(path)
    if include_report:
        report = out / f"plan-report-{as_of.isoformat()}.pdf"
        build_internal_report(report, plan, settings=settings, accuracy=accuracy)
        paths.append(report)
    return paths
