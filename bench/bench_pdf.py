"""Benchmark the PDFs: a 500-line supplier purchase plan and the internal report for 10,000 SKUs.

Targets (issue 5): under 2 s and under 10 s. The plans are built by the report tests' factory
(tests/reports/plan_factory.py, the engine's PlanResult shape) so the timings are of the PDF
code alone. Run from the repository root:

    python bench/bench_pdf.py [--repeat N] [--skus 10000] [--lines 500] [--real] [--render-docs]

--render-docs also writes docs/images/supplier_plan.png and docs/images/internal_report.png
(page 1 of each document, via pdftoppm from poppler-utils); --docs-only skips the timings.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "reports")]

from plan_factory import (  # noqa: E402
    CHINESE_SUPPLIER,
    HOSTILE_NAME,
    LONG_DESCRIPTION,
    PLAIN_SUPPLIER,
    make_plan,
)
from pypdf import PdfReader  # noqa: E402

from planner.reports.internal_report import build_internal_report  # noqa: E402
from planner.reports.supplier_plan import build_supplier_plan  # noqa: E402


def _supplier_pdf(plan, supplier: str, path: Path) -> Path:
    info = plan.suppliers.set_index("supplier").loc[supplier].to_dict()
    return build_supplier_plan(path, supplier=supplier,
                               suggestions=[s for s in plan.purchase_suggestions
                                            if s["supplier"] == supplier],
                               supplier_info=info, as_of=plan.as_of, settings=plan.settings)


def _timed(build) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU shows the cost on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    build()
    return time.perf_counter() - wall, time.process_time() - cpu


def _best(times: list[tuple[float, float]]) -> str:
    wall, cpu = min(times)
    return f"best {wall:.2f} s wall ({cpu:.2f} s CPU) of {len(times)}"


def _describe(path: Path) -> str:
    pages = len(PdfReader(str(path)).pages)
    return f"{pages} pages, {path.stat().st_size / 1024:,.0f} KiB"


def bench_supplier_plan(lines: int, repeat: int, out: Path) -> None:
    per_order = lines // 2
    plan = make_plan(n_skus=per_order * 5, suggestion_share=1.0, orders_per_supplier=2)
    count = sum(len(s["lines"]) for s in plan.purchase_suggestions
                if s["supplier"] == PLAIN_SUPPLIER)
    path = out / "supplier_plan_500.pdf"
    _supplier_pdf(plan, PLAIN_SUPPLIER, path)  # warm-up: font registration, imports
    times = [_timed(lambda: _supplier_pdf(plan, PLAIN_SUPPLIER, path)) for _ in range(repeat)]
    print(f"supplier plan, {count} lines: {_best(times)}; {_describe(path)}")


def _demo_plan(skus: int, out: Path):
    """A real plan: the demo workspace generator, then the engine (slow: minutes at 10k SKUs)."""
    import datetime as dt

    from planner.demo import write_demo
    from planner.planning import load_planning_data, run_plan
    from planner.store import open_workspace

    db = open_workspace(out / f"demo_{skus}.db", create=True)
    write_demo(db, skus=skus, years=1.5, seed=7, as_of=dt.date(2025, 3, 3))
    return run_plan(load_planning_data(db, dt.date(2025, 3, 3)))


def bench_internal_report(skus: int, repeat: int, out: Path, *, real: bool = False) -> None:
    start = time.perf_counter()
    plan = (_demo_plan(skus, out) if real
            else make_plan(n_skus=skus, suggestion_share=0.6, orders_per_supplier=4))
    made = time.perf_counter() - start
    n_lines = sum(len(s["lines"]) for s in plan.purchase_suggestions)
    path = out / "internal_report_10k.pdf"
    times = [_timed(lambda: build_internal_report(path, plan)) for _ in range(repeat)]
    source = "demo workspace + run_plan" if real else "plan factory"
    print(f"internal report ({source}), {skus:,} SKUs, {len(plan.backorder_lines):,} backorder "
          f"lines, {len(plan.purchase_suggestions)} suggested orders with {n_lines:,} lines "
          f"(plan built in {made:.1f} s, not counted): {_best(times)}; {_describe(path)}")
    if real:
        from planner.reports.export import export_pdfs

        wall, cpu = _timed(lambda: export_pdfs(plan, out / "all", include_report=False))
        sizes = ", ".join(f"{len(PdfReader(str(p)).pages)} pages {p.stat().st_size / 1024:,.0f} "
                          "KiB" for p in sorted((out / "all").glob("*.pdf")))
        print(f"all {len({s['supplier'] for s in plan.purchase_suggestions})} supplier plans of "
              f"that plan ({n_lines:,} lines): {wall:.2f} s wall ({cpu:.2f} s CPU); {sizes}")


def _docs_plan():
    """The report tests' plan with presentable names (the hostile ones are for the tests)."""
    plan = make_plan(n_skus=25, settings={
        "company_name": "Northwind Outdoor Co.",
        "purchase_terms": "Prices FOB Shenzhen unless agreed otherwise. Please confirm quantities "
                          "and delivery dates within 5 working days; no partial shipments "
                          "without approval. Net 30 from receipt."})
    tidy = {HOSTILE_NAME: "Bamboo cutlery set, 4 pieces", LONG_DESCRIPTION:
            "Insulated bottle 750 ml, double wall, powder coated, leak-proof lid"}
    for suggestion in plan.purchase_suggestions:
        for line in suggestion["lines"]:
            line["name"] = tidy.get(line["name"], line["name"])
    return plan


def render_docs(out: Path) -> None:
    """Page 1 of each document as a small PNG for the README and docs: the supplier plan of the
    Chinese supplier (CJK glyphs) and the internal report of the demo workspace."""
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    import datetime as dt

    from planner.demo import write_demo
    from planner.planning import load_planning_data, run_plan
    from planner.store import open_workspace

    db = open_workspace(out / "demo.db", create=True)
    write_demo(db, skus=60, seed=7, as_of=dt.date(2025, 3, 3))
    demo = run_plan(load_planning_data(db, dt.date(2025, 3, 3)))
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    pdfs = {"supplier_plan": _supplier_pdf(_docs_plan(), CHINESE_SUPPLIER, out / "supplier.pdf"),
            "internal_report": build_internal_report(out / "report.pdf", demo)}
    for name, pdf in pdfs.items():
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(images / name)], check=True)
        png = images / f"{name}.png"
        print(f"wrote {png.relative_to(ROOT)} ({png.stat().st_size / 1024:,.0f} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--render-docs", action="store_true")
    parser.add_argument("--docs-only", action="store_true")
    parser.add_argument("--real", action="store_true",
                        help="also time the report of a real demo workspace plan (minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if not args.docs_only:
            bench_supplier_plan(args.lines, args.repeat, out)
            bench_internal_report(args.skus, args.repeat, out)
            if args.real:
                bench_internal_report(args.skus, 1, out, real=True)
        if args.render_docs or args.docs_only:
            render_docs(out)


if __name__ == "__main__":
    main()
