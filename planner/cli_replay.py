"""`planner replay`: argparse parser and handler for cli.py (the plan replayed on history)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay the plan from --from to --to and print what following it would have done."""
    from planner import clock
    from planner.cli import CliError, _open, _write_csv, _write_json, print
    from planner.planning import replay, replay_to_json

    end = args.to or clock.today()
    if end <= args.start:
        raise CliError(f"--to ({end}) must be after --from ({args.start})")
    if args.every is not None and args.every < 1:
        raise CliError("--every must be at least 1 day")
    db = _open(args.path, read_only=True)
    try:
        def progress(fraction: float, what: str) -> None:
            if sys.stderr.isatty():
                print(f"\r{fraction * 100:3.0f} % {what:<40}", end="", file=sys.stderr,
                      flush=True)

        result = replay(db, args.start, end, args.every, progress=progress)
    finally:
        db.conn.close()
    if sys.stderr.isatty():
        print("", file=sys.stderr)
    if result.skus.empty:
        raise CliError(f"{args.path} has no active products to replay; import data with "
                       "`planner import`")
    if args.json:
        _write_json(args.json, replay_to_json(result))
    if args.csv:
        actual = result.actual_skus.drop(columns=["name", "supplier"]).add_prefix("actual_")
        _write_csv(args.csv, result.skus.join(actual.drop(columns=["actual_sku"])))
    if args.json != "-" and args.csv != "-":
        print(result.summary)
        print(result.settings_note)
        for note in result.notes:
            print(f"note: {note}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
             ) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the replay command to ``subparsers``; returns its handler by name."""
    from planner.cli import PATH_HELP, parse_date

    p = subparsers.add_parser(
        "replay", help="what following the plan would have done on the workspace's history")
    p.add_argument("path", help=PATH_HELP)
    p.add_argument("--from", dest="start", type=parse_date, required=True, metavar="DATE",
                   help="the first review date, YYYY-MM-DD (the stock known that day is the start)")
    p.add_argument("--to", type=parse_date, default=None, metavar="DATE",
                   help="the last day replayed (default: today)")
    p.add_argument("--every", type=int, default=None, metavar="DAYS",
                   help="days between reviews (default: the review_period_days setting)")
    p.add_argument("--json", metavar="FILE",
                   help="write the figures (overall, per SKU, actual) as JSON to FILE (- = stdout)")
    p.add_argument("--csv", metavar="FILE", help="write one row per SKU as CSV (- = stdout)")
    return {"replay": cmd_replay}
