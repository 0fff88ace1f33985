"""The purchase-order commands of `planner`: approve (the plan's suggestions as POs), send-po
(the supplier's documents) and export-pos (every PO in our own purchase_orders import format)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def cmd_send_po(args: argparse.Namespace) -> int:
    from planner.cli import CliError, _open, print
    from planner.po_documents import write_po_documents

    db = _open(args.path)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        sent = write_po_documents(db, args.po_numbers, out, eml=args.eml)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write the PO documents to {out}: {exc.strerror or exc}") from None
    for po in sent:
        for path in po.files:
            print(f"wrote {path}")
        if po.marked_sent:
            print(f"{po.po_number} ({po.supplier or 'no supplier'}) is now marked sent; nothing "
                  "was e-mailed: send the files yourself", file=sys.stderr)
    return 0


def cmd_export_pos(args: argparse.Namespace) -> int:
    from planner.cli import CliError, _open, print
    from planner.po_documents import export_pos

    db = _open(args.path, read_only=True)
    try:
        count = export_pos(db, args.out)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote {count} PO lines to {args.out}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    """The plan's suggestions as draft POs ordered on the as-of date (planning.approve_suggestions,
    the app's Approve); one line per PO."""
    from planner.cli import _plan
    from planner.cli import print as say
    from planner.planning import approve_suggestions

    db, plan = _plan(args, writes=True)
    known = {str(s.get("supplier") or "") for s in plan.purchase_suggestions}
    if args.supplier is not None and args.supplier not in known:
        from planner.cli import CliError

        raise CliError(f"no suggested order for supplier {args.supplier!r} in the plan as of "
                       f"{plan.as_of}; suppliers with suggestions: "
                       + (", ".join(sorted(known)) or "none"))
    created = approve_suggestions(db, plan, now=args.through is None, through=args.through,
                                  supplier=args.supplier)
    home = str(plan.settings.get("currency") or "")
    for po in created:
        order = po.order
        own = (f"{po.currency} {po.value_supplier_currency:,.2f}"
               if po.value_supplier_currency is not None else f"{po.currency} —")
        same = po.currency == home and po.value == po.value_supplier_currency
        landed = ("" if same else
                  f" ({home} {po.value:,.2f} landed)" if po.value is not None
                  else f" ({home} — landed: no exchange rate)")
        n = len(order.lines)
        say(f"{po.po_number}  {order.supplier or 'no supplier'}  {n} line{'s' if n != 1 else ''}"
            f"  {own}{landed}  expected {order.expected_date.isoformat()}")
    if not created:
        what = (f"ordered on or before {args.through}" if args.through else "due now")
        say(f"nothing to approve: no suggested order {what} in the plan as of {plan.as_of}",
            file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add send-po and export-pos to ``subparsers``; returns their handlers by name."""
    p = subparsers.add_parser("send-po", help="write a PO's PDF and XLSX (and an e-mail draft) "
                                              "for the supplier, and mark it sent")
    p.add_argument("path", help="the workspace file")
    p.add_argument("po_numbers", nargs="*", metavar="PO_NUMBER",
                   help="the POs to send (default: every approved PO not sent yet)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the files in")
    p.add_argument("--eml", action="store_true",
                   help="also write an e-mail draft (.eml) to the supplier with both attached")

    p = subparsers.add_parser("export-pos", help="every PO line in the purchase_orders import "
                                                 "format, for a spreadsheet or another system")
    p.add_argument("path", help="the workspace file")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write: .csv or .xlsx")
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "send-po": cmd_send_po, "export-pos": cmd_export_pos}

    # approve (issue 23): the plan's suggestions as purchase orders
    from planner.cli import parse_date

    p = subparsers.add_parser("approve", help="turn the plan's suggested orders into purchase "
                                              "orders (draft, ready for send-po)")
    p.add_argument("path", help="the workspace file")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE",
                   help="plan as of DATE, YYYY-MM-DD, the day the POs are ordered "
                        "(default: today)")
    p.add_argument("--supplier", metavar="NAME", help="only this supplier's suggested orders")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--now", action="store_true",
                      help="the suggested orders due now (the default)")
    when.add_argument("--through", type=parse_date, metavar="DATE",
                      help="every suggested order dated on or before DATE (ordered today)")
    handlers["approve"] = cmd_approve
    return handlers
