"""The `planner` command: parse arguments, call store / engine / reports, print."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from planner import __version__
from planner.errors import UserError

#: C0 controls but tab and newline, DEL, and C1 controls (ESC and CSI start terminal commands).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` without control characters: an order id or a name from an imported file must
    not clear the screen or retitle the terminal (issue 18)."""
    return _CONTROL.sub("", text)


def print(*values: object, sep: str = " ", end: str = "\n", file: Any = None,  # noqa: A001
          flush: bool = False) -> None:
    """The builtin print, through terminal_safe."""
    import builtins

    builtins.print(*(terminal_safe(str(v)) for v in values), sep=sep, end=end, file=file,
                   flush=flush)


class CliError(UserError):
    """A user-facing error: printed to stderr, exit status 2."""


def parse_date(text: str) -> dt.date:
    from planner.clock import DateOutOfRange, checked_day

    try:
        return checked_day(text, "the date")
    except DateOutOfRange as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _open(path: str, *, create: bool = False, read_only: bool = False):
    """Open a workspace; commands that only read open it read-only, so they work while the app
    has it open for writing."""
    from planner.store import WorkspaceError, open_workspace
    from planner.store.backup import finish_interrupted_restore

    finish_interrupted_restore(path)  # before "no such workspace": a killed restore is finished
    if read_only and not Path(path).is_file():
        raise CliError(f"{path}: no such workspace; create one with `planner demo {path}` "
                       "or import data into it with `planner import`")
    new = create and not Path(path).exists()
    folder = Path(path).absolute().parent
    if new and not folder.is_dir():
        # a mistyped path must not grow folders and an empty workspace
        raise CliError(f"{path}: folder {folder} does not exist; check the path, or create "
                       "the folder first to start a new workspace there")
    try:
        db = open_workspace(path, create=create, read_only=read_only)
    except WorkspaceError as exc:
        raise CliError(str(exc)) from None
    if new:
        print(f"created a new workspace at {Path(path).absolute()}", file=sys.stderr)
    return db


def cmd_config(args: argparse.Namespace) -> int:
    from planner.store import SETTINGS, SettingError, load_settings, save_setting

    db = _open(args.path, create=True)
    if args.key is None:
        for key, value in load_settings(db).items():
            print(f"{key} = {value}")
        from planner.store.po_numbers import stored_pattern_problem

        problem = stored_pattern_problem(db)
        if problem:
            print(f"planner config: note: {problem}", file=sys.stderr)
        return 0
    if args.key not in SETTINGS:
        raise CliError(f"unknown setting {args.key!r}; known settings: {', '.join(SETTINGS)}")
    if args.value is None:
        print(load_settings(db)[args.key])
        return 0
    from planner.store import WorkspaceError

    try:
        typed = save_setting(db, args.key, args.value)
    except (SettingError, WorkspaceError) as exc:
        raise CliError(str(exc)) from None
    print(f"{args.key} = {typed}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from planner.store.queries import workspace_info

    db = _open(args.path, read_only=True)
    for key, value in workspace_info(db).items():
        print(f"{key}: {value}")
    return 0


def _open_output(target: str):
    """A text stream for FILE, or standard output for '-'."""
    from planner.exports import output_file

    if target == "-":
        return contextlib.nullcontext(sys.stdout)
    return output_file(target)  # whole or not at all; OutputError says why not


def _write_json(target: str, document: Any) -> None:
    with _open_output(target) as out:
        json.dump(document, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")


def _write_csv(target: str, frame: pd.DataFrame) -> None:
    from planner.exports import safe_csv_frame

    # numbers rounded as in the JSON output (4 decimals), not 0.5167868717942836
    floats = frame.select_dtypes(include="floating").columns
    frame = frame.assign(**{c: frame[c].round(4) for c in floats})
    with _open_output(target) as out:
        safe_csv_frame(frame).to_csv(out, index=False, lineterminator="\n")


def cmd_demo(args: argparse.Namespace) -> int:
    from planner.demo import write_demo, write_demo_csvs

    db = _open(args.path, create=True)
    counts = write_demo(db, skus=args.skus, years=args.years, seed=args.seed, as_of=args.as_of)
    print(f"demo workspace written to {args.path}: "
          + ", ".join(f"{value} {key}" for key, value in counts.items()))
    if args.csv_dir:
        for path in write_demo_csvs(db, args.csv_dir):
            print(f"wrote {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from planner.store.importers import ImportRejected, import_files

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise CliError("no such file: " + ", ".join(missing))
    db = _open(args.path, create=True)
    try:
        summaries = import_files(db, args.files, kind=args.kind, date_format=args.date_format,
                                 user=getpass.getuser(), decimal=args.decimal)
    except ImportRejected as exc:
        raise CliError(f"nothing was imported; fix these problems and import again:\n{exc}") from None
    except UserError as exc:  # a busy or damaged workspace, an unknown kind, ... (never a bug)
        raise CliError(f"nothing was imported: {exc}") from None
    for summary in summaries:
        print(_describe_import(summary))
    return 0


def _describe_import(summary: Any) -> str:
    parts = [f"{summary.file} ({summary.kind}): {summary.rows_read} rows read, "
             f"{summary.inserted} inserted, {summary.updated} updated, "
             f"{getattr(summary, 'unchanged', 0)} unchanged, {summary.skipped} skipped"]
    for reason, count in (summary.skipped_reasons or {}).items():
        parts.append(f"  skipped {count}: {reason}")
    if summary.unknown_columns:
        parts.append("  ignored unknown columns: " + ", ".join(summary.unknown_columns))
    for note in summary.notes or []:
        parts.append(f"  {note}")
    return "\n".join(parts)


def _load(args: argparse.Namespace, *, writes: bool = False):
    """The workspace and its planning data as of --as-of (an empty catalog is an error)."""
    from planner.planning import load_planning_data

    db = _open(args.path, read_only=not writes)
    data = load_planning_data(db, args.as_of)
    if data.products.empty:
        raise CliError(f"{args.path} has no products yet; import data with `planner import` "
                       f"or create a demo with `planner demo`")
    _say_ignored(data.warnings)
    return db, data


def _plan(args: argparse.Namespace, *, writes: bool = False, **kwargs: Any):
    from planner.planning import run_plan

    db, data = _load(args, writes=writes)
    return db, run_plan(data, **kwargs)


def _say_ignored(warnings: list[dict[str, Any]]) -> None:
    """One line on stderr for the input a plan leaves out (the JSON lists it in ``warnings``)."""
    from planner.planning import warnings_summary

    if warnings:
        print(f"planner: note: {warnings_summary(warnings)}", file=sys.stderr)


def cmd_forecast(args: argparse.Namespace) -> int:
    import pandas as pd

    from planner.planning import active_products, forecast_active, load_planning_data

    db = _open(args.path, read_only=True)
    data = load_planning_data(db, args.as_of)
    _say_ignored([w for w in data.warnings if w["kind"] == "sales_after_as_of"])
    weeks = args.horizon_weeks or max(1, int(data.settings["horizon_days"]) // 7)
    if weeks < 1 or weeks > 260:
        raise CliError("--horizon-weeks must be from 1 to 260")
    _, products = active_products(data)
    # Weeks start on Monday: cover every week that starts within the horizon.
    result = forecast_active(data, products, horizon_days=weeks * 7 + 7)
    weekly = result.weekly
    first_monday = pd.Timestamp(data.as_of) + pd.offsets.Week(weekday=0)
    weekly = weekly[weekly["week_start"] >= first_monday]
    weekly = weekly[weekly.groupby("sku").cumcount() < weeks]
    frame = weekly[["sku", "week_start", "forecast", "lower", "upper"]].copy()
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.strftime("%Y-%m-%d")
    for column in ("forecast", "lower", "upper"):
        frame[column] = frame[column].astype(float).round(3)
    if args.csv:
        _write_csv(args.csv, frame)
    else:
        models = result.models
        for sku, row in models.iterrows():
            print(f"{sku}: {row['forecast_model']} ({row['demand_class']}), "
                  f"{row['demand_per_day']:.2f}/day")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from planner.formatting import format_money
    from planner.planning import plan_to_json

    _, plan = _plan(args)
    if args.json:
        _write_json(args.json, plan_to_json(plan))
    if args.csv:
        _write_csv(args.csv, plan.skus)
    if not args.json and not args.csv:
        k = plan.kpis
        print(f"plan as of {plan.as_of}: {k['active_skus']} SKUs, "
              f"{k['skus_below_reorder_point']} below reorder point, "
              f"{len(plan.purchase_suggestions)} suggested purchase orders")
        currency = str(plan.settings.get("currency") or "USD")
        print(f"backorders: {k['backorder_units']} units worth "
              f"{format_money(k['backorder_value'], currency)}, "
              f"{format_money(k['backorder_value_at_risk'], currency)} at risk, "
              f"{k['uncovered_backorder_lines']} lines uncovered, {k['late_backorder_lines']} late")
        _print_suggestions(plan.purchase_suggestions, str(plan.settings.get("currency", "")))
    return 0


def _print_suggestions(suggestions: list[dict], currency: str) -> None:
    """Suggested POs, those to place at this review ("order now") apart from later ones."""
    def line(s: dict) -> str:
        value = ("value unknown (no exchange rate)" if s.get("total_value") is None
                 else f"{s['total_value']:,.2f} {currency}")
        own = s.get("currency")
        if own and own != currency:
            value += f" ({own} {s.get('total_value_supplier_currency') or 0:,.2f})"
        fill = (f", {s['containers']} container(s) {s['container_fill_pct']:.0f} % full"
                if s.get("containers") else "")
        return (f"  order {s['order_date']} from {s['supplier']}: {len(s['lines'])} lines, "
                f"{value}, at the dock {s['expected_arrival']}"
                + (f", sellable {s['sellable_date']}" if s.get("sellable_date") else "")
                + fill)

    for title, wanted in (("order now", True), ("planned later", False)):
        chosen = [s for s in suggestions if bool(s.get("order_now")) == wanted]
        if chosen:
            total = sum(s["total_value"] for s in chosen if s.get("total_value") is not None)
            print(f"{title}: {len(chosen)} suggested orders, {total:,.2f} {currency} landed")
            for s in chosen:
                print(line(s))


def cmd_backorders(args: argparse.Namespace) -> int:
    from planner.formatting import format_money
    from planner.planning import BACKORDER_COLUMNS, backorders_to_json

    db, plan = _plan(args, writes=bool(args.updates), realistic=args.realistic)
    if args.json:
        _write_json(args.json, backorders_to_json(plan))
    if args.csv:
        lines = plan.backorder_lines
        _write_csv(args.csv, lines[[c for c in BACKORDER_COLUMNS if c in lines.columns]])
    if args.updates:
        from planner.planning import write_customer_updates

        listed = write_customer_updates(db, plan, args.updates)
        print(f"{listed}; list written to {args.updates}",
              file=sys.stderr if args.updates == "-" else sys.stdout)
    if not (args.json or args.csv or args.updates):
        k = plan.kpis
        lines_word = "line" if k["backorder_lines"] == 1 else "lines"
        currency = str(plan.settings.get("currency") or "USD")
        print(f"{k['backorder_lines']} open order {lines_word}, {k['backorder_units']} units, "
              f"value {format_money(k['backorder_value'], currency)}, "
              f"at risk {format_money(k['backorder_value_at_risk'], currency)}")
        for row in backorders_to_json(plan):
            where = (f"ships {row['projected_ship_date']} from {row['filled_from']}"
                     if row["projected_ship_date"] else "no known supply covers it")
            print(f"  {row['order_id']} {row['sku']} x{row['quantity']}: {where}")
    return 0


def cmd_export_pdf(args: argparse.Namespace) -> int:
    from planner.planning import forecast_accuracy, run_plan
    from planner.reports.export import export_pdfs

    _, data = _load(args)
    plan = run_plan(data)
    accuracy = forecast_accuracy(data)  # the internal report's forecast-accuracy section
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = export_pdfs(plan, out, supplier=args.supplier, accuracy=accuracy)
        from planner.exports import match_workspace_mode

        for path in paths:  # they name customers and prices: the workspace's permissions
            match_workspace_mode(path, args.path)
    except OSError as exc:
        raise CliError(f"cannot write PDFs to {out}: {exc.strerror or exc}") from None
    for path in paths:
        print(f"wrote {path}")
    return 0


def cmd_accuracy(args: argparse.Namespace) -> int:
    from planner.planning import accuracy_to_json, forecast_accuracy

    if not 1 <= args.weeks <= 104:
        raise CliError("--weeks must be from 1 to 104")
    _, data = _load(args)
    result = forecast_accuracy(data, weeks=args.weeks)
    if args.json:
        _write_json(args.json, accuracy_to_json(result))
    if args.csv:
        _write_csv(args.csv, result.skus)
    if result.empty:
        print(f"planner accuracy: {result.empty_reason}", file=sys.stderr)
        return 0
    if not args.json and not args.csv:
        print(f"forecast as of {result.origin} against what sold in the {result.weeks} weeks "
              f"to {result.as_of}:")
        print(f"  {'demand class':<14} {'SKUs':>6} {'WAPE':>6} {'totals':>7} {'lead':>6} "
              f"{'MASE':>6} {'bias':>8}")
        for r in result.classes.to_dict(orient="records"):
            def num(value: float) -> str:
                return "-" if value != value else f"{value:.2f}"
            bias = "-" if r["bias_pct"] != r["bias_pct"] else f"{r['bias_pct']:+.1f}%"
            print(f"  {r['demand_class']:<14} {r['skus']:>6} {num(r['wape']):>6} "
                  f"{num(r['wape_total']):>7} {num(r['wape_lead']):>6} {num(r['mase']):>6} "
                  f"{bias:>8}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from planner.ui.app import run_app

    return run_app(args.path, demo=args.demo, smoke_test=args.smoke_test)


Handler = Callable[[argparse.Namespace], int]

#: the commands this module defines (cli_safety and cli_po add theirs in build_commands)
BASE_COMMANDS: dict[str, Handler] = {
    "gui": cmd_gui,
    "demo": cmd_demo,
    "import": cmd_import,
    "config": cmd_config,
    "info": cmd_info,
    "forecast": cmd_forecast,
    "plan": cmd_plan,
    "backorders": cmd_backorders,
    "export-pdf": cmd_export_pdf,
    "accuracy": cmd_accuracy,
}


PATH_HELP = "the workspace file (one SQLite file holding a business's planning data)"
AS_OF_HELP = ("plan as of this date, YYYY-MM-DD (default: today); data dated later is left "
              "out and reported")


def _path(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help=PATH_HELP)


def _as_of(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE", help=AS_OF_HELP)


def _outputs(p: argparse.ArgumentParser, what: str, *, json_output: bool = True,
             csv_what: str | None = None) -> None:
    """--json and --csv options; ``csv_what`` when the CSV holds less than the JSON."""
    if json_output:
        p.add_argument("--json", metavar="FILE", help=f"write {what} as JSON to FILE (- = stdout)")
    p.add_argument("--csv", metavar="FILE",
                   help=f"write {csv_what or what} as CSV to FILE (- = stdout)")


#: stands for the list of import kinds in `planner import --help` (read when help is shown)
_KINDS_EPILOG = "(the import kinds)"


class _KindsHelp(argparse.RawDescriptionHelpFormatter):
    """`planner import --help`: its epilog lists every import kind and what it holds."""

    def add_text(self, text: str | None) -> None:
        if text == _KINDS_EPILOG:
            from planner.store.importers import KINDS

            width = max(len(name) for name in KINDS) + 4
            text = "kinds (told from the header, or named with --kind):\n" + "\n".join(
                textwrap.fill(kind.description, 78, initial_indent=f"  {name:<{width - 2}}",
                              subsequent_indent=" " * width) for name, kind in KINDS.items())
        super().add_text(text)


def build_parser() -> argparse.ArgumentParser:
    """The `planner` command's argument parser."""
    return build_commands()[0]


def build_commands() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The argument parser and the function that runs each command."""
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Offline inventory, backorder and purchase planning on a workspace file.")
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("path", nargs="?", help="workspace file (default: your default workspace)")
    p.add_argument("--demo", action="store_true", help="fill an empty workspace with demo data")
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("demo", help="write a realistic demo workspace")
    p.add_argument("path", help="the new workspace file to fill with a demo brand")
    p.add_argument("--skus", type=int, default=60, metavar="N", help="how many SKUs (default 60)")
    p.add_argument("--years", type=float, default=2.5, metavar="Y",
                   help="years of sales history (default 2.5)")
    p.add_argument("--seed", type=int, default=7, metavar="S",
                   help="random seed: the same seed writes the same brand (default 7)")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE",
                   help="the demo's last day of data, YYYY-MM-DD (default: today)")
    p.add_argument("--csv-dir", metavar="DIR",
                   help="also write the data as CSV files in the import formats")

    p = sub.add_parser("import", help="import CSV or XLSX files", epilog=_KINDS_EPILOG,
                       formatter_class=_KindsHelp)
    _path(p)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="CSV or XLSX files in our formats or Shopify's exports")
    p.add_argument("--kind", help="file kind, one of those listed below (detected from the "
                                  "header when not given)")
    p.add_argument("--date-format", metavar="FMT",
                   help="strftime pattern for dates, e.g. %%d/%%m/%%Y")
    p.add_argument("--decimal", choices=[".", ","],
                   help="the files' decimal separator, when a number column is ambiguous "
                        "(1.250: --decimal . reads one and a quarter, --decimal , 1250)")

    p = sub.add_parser("config", help="print or change settings")
    _path(p)
    p.add_argument("key", nargs="?", help="a setting's name (none: print every setting)")
    p.add_argument("value", nargs="?", help="its new value (none: print the current one)")

    p = sub.add_parser("info", help="counts, date ranges and schema version of a workspace")
    _path(p)

    p = sub.add_parser("forecast", help="weekly demand forecast per SKU")
    _path(p)
    _as_of(p)
    p.add_argument("--horizon-weeks", type=int, default=None, metavar="N",
                   help="how many weeks to forecast (default: the horizon_days setting)")
    _outputs(p, "the weekly forecast (sku, week_start, forecast, lower, upper)",
             json_output=False)

    p = sub.add_parser("plan", help="safety stock, reorder points, purchase suggestions, KPIs")
    _path(p)
    _as_of(p)
    _outputs(p, "the plan")

    p = sub.add_parser("backorders", help="the backorder queue with projected ship dates")
    _path(p)
    _as_of(p)
    _outputs(p, "the open order lines")
    p.add_argument("--updates", metavar="FILE", help="write the customer update list (CSV)")
    p.add_argument("--realistic", action="store_true",
                   help="shift open POs by their supplier's learned lateness")

    p = sub.add_parser("export-pdf", help="supplier purchase-plan PDFs and the internal report")
    _path(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the PDFs in")
    p.add_argument("--supplier", metavar="NAME", help="only this supplier's purchase plan")
    _as_of(p)

    p = sub.add_parser(
        "accuracy", help="the forecast made N weeks ago against what sold since",
        description="Forecast as of N weeks before the as-of date, from the history up to then, "
                    "and compare it with what sold since, per demand class. WAPE is the error "
                    "as a share of what sold: 0.25 means the weekly forecast was off by a "
                    "quarter of the units sold (lower is better); bias +10% means it forecast "
                    "10 % more than sold; MASE under 1 beats repeating last week's sales.")
    _path(p)
    _as_of(p)
    p.add_argument("--weeks", type=int, default=13, metavar="N",
                   help="weeks held out: forecast as of as-of minus N weeks (default 13)")
    _outputs(p, "the scores per demand class and per SKU, with their weeks,",
             csv_what="one row per SKU (without the weeks)")

    from planner.cli_po import register as register_po
    from planner.cli_replay import register as register_replay
    from planner.cli_safety import register

    commands = dict(BASE_COMMANDS)
    commands.update(register(sub))
    commands.update(register_po(sub))
    commands.update(register_replay(sub))
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_commands()
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    args, rest = parser.parse_known_args(argv)
    if rest and getattr(args, "po_numbers", None) is not None \
            and not any(r.startswith("-") for r in rest):
        args.po_numbers = [*args.po_numbers, *rest]  # `send-po PATH --out DIR PO...` (spec)
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    handler = commands.get(args.command)
    if handler is None:
        print(f"planner: the {args.command!r} command is not available in this build",
              file=sys.stderr)
        return 2
    try:
        return handler(args)
    except UserError as exc:  # CliError and every error a user can fix; any other is a bug
        print(f"planner {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
