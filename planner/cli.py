"""The `planner` command: parse arguments, call store / engine / reports, print."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from planner import __version__


class CliError(Exception):
    """A user-facing error: printed to stderr, exit status 2."""


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _open(path: str, *, create: bool = False):
    from planner.store import WorkspaceError, open_workspace

    try:
        return open_workspace(path, create=create)
    except WorkspaceError as exc:
        raise CliError(str(exc)) from None


def cmd_config(args: argparse.Namespace) -> int:
    from planner.store import SETTINGS, SettingError, load_settings, save_setting

    db = _open(args.path, create=True)
    if args.key is None:
        for key, value in load_settings(db).items():
            print(f"{key} = {value}")
        return 0
    if args.key not in SETTINGS:
        raise CliError(f"unknown setting {args.key!r}; known settings: {', '.join(SETTINGS)}")
    if args.value is None:
        print(load_settings(db)[args.key])
        return 0
    try:
        typed = save_setting(db, args.key, args.value)
    except SettingError as exc:
        raise CliError(str(exc)) from None
    print(f"{args.key} = {typed}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from planner.store.queries import workspace_info

    db = _open(args.path)
    for key, value in workspace_info(db).items():
        print(f"{key}: {value}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "config": cmd_config,
    "info": cmd_info,
}


def build_parser() -> argparse.ArgumentParser:
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
    p.add_argument("path")
    p.add_argument("--skus", type=int, default=60)
    p.add_argument("--years", type=float, default=2.5)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--as-of", type=parse_date, default=None)
    p.add_argument("--csv-dir", help="also write the data as CSV files in the import formats")

    p = sub.add_parser("import", help="import CSV or XLSX files")
    p.add_argument("path")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", help="file kind (detected from the header when not given)")
    p.add_argument("--date-format", help="strftime pattern for dates, e.g. %%d/%%m/%%Y")

    p = sub.add_parser("config", help="print or change settings")
    p.add_argument("path")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")

    p = sub.add_parser("info", help="counts, date ranges and schema version of a workspace")
    p.add_argument("path")

    p = sub.add_parser("forecast", help="weekly demand forecast per SKU")
    p.add_argument("path")
    p.add_argument("--as-of", type=parse_date, default=None)
    p.add_argument("--horizon-weeks", type=int, default=None)
    p.add_argument("--csv", metavar="FILE")

    p = sub.add_parser("plan", help="safety stock, reorder points, purchase suggestions, KPIs")
    p.add_argument("path")
    p.add_argument("--as-of", type=parse_date, default=None)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")

    p = sub.add_parser("backorders", help="the backorder queue with projected ship dates")
    p.add_argument("path")
    p.add_argument("--as-of", type=parse_date, default=None)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--updates", metavar="FILE", help="write the customer update list (CSV)")
    p.add_argument("--realistic", action="store_true",
                   help="shift open POs by their supplier's learned lateness")

    p = sub.add_parser("export-pdf", help="supplier purchase-plan PDFs and the internal report")
    p.add_argument("path")
    p.add_argument("--out", required=True)
    p.add_argument("--supplier")
    p.add_argument("--as-of", type=parse_date, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in {"gui", "-h", "--help", "--version"}
                    and not argv[0].startswith("-") and Path(argv[0]).suffix):
        argv = ["gui", *argv]
    args = build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command)
    if handler is None:
        print(f"planner: the {args.command!r} command is not available in this build",
              file=sys.stderr)
        return 2
    try:
        return handler(args)
    except CliError as exc:
        print(f"planner {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
