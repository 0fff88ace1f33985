"""The purchase-order commands of `planner`: approve (the plan's suggestions as POs), send-po
(the supplier's documents), export-pos (every PO in our own purchase_orders import format), and a
PO's life after it is placed: confirm (the supplier's answer), receive and cancel, each one
transaction through the same store functions (planner/store/po_life.py) the app's undoable
commands call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


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


# --- a PO's life: confirm, receive, cancel ------------------------------------------------------
def _line_check(db: Any, po_number: str, sku: str | None) -> None:
    """A clear error for an unknown PO, or a SKU that is not on it."""
    from planner.cli import CliError
    from planner.store import po_life

    try:
        po_life.header(db, po_number)
    except ValueError:
        raise CliError(f"there is no purchase order {po_number}; `planner export-pos PATH "
                       "--out -` lists them") from None
    if sku is None:
        return
    skus = po_life.line_skus(db, po_number)
    if sku not in skus:
        raise CliError(f"{po_number} has no line for SKU {sku}; its lines: "
                       + (", ".join(skus) or "none"))


def _write(args: argparse.Namespace, change: Callable[[Any], str]) -> int:
    """Open the workspace for writing (its lock), make one change in one transaction, print
    what it did; a refused change writes nothing and exits non-zero."""
    from planner.cli import CliError, _open, print

    db = _open(args.path)
    try:
        with db.atomic():
            said = change(db)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(said)
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    import pandas as pd

    from planner.cli import CliError
    from planner.store import po_life

    def change(db: Any) -> str:
        _line_check(db, args.po_number, args.sku)
        open_lines = po_life.line_skus(db, args.po_number, open_only=True)
        sku = args.sku
        if args.quantity is not None and sku is None:
            if len(open_lines) != 1:
                raise CliError(f"{args.po_number} has {len(open_lines)} open lines: say which "
                               "one the quantity is for with --sku SKU")
            sku = open_lines[0]
        answers = None  # confirmed as ordered
        if sku is not None:
            answers = [po_life.Answer(sku, args.quantity, args.date, args.comment)]
        elif args.date is not None or args.comment is not None:
            answers = [po_life.Answer(line, None, args.date, args.comment) for line in open_lines]
        before = po_life.confirm(db, args.po_number, answers or None, how="command line")
        lines = po_life.confirmation_differences(db, args.po_number)
        lines = lines[lines["sku"].isin([line[0] for line in before.lines])]
        confirmed = pd.to_numeric(lines["confirmed_quantity"]).fillna(lines["ordered_quantity"])
        said = [f"{args.po_number} / {r.sku}: confirmed {int(quantity):,} (ordered "
                f"{int(r.ordered_quantity):,}), at your dock {r.confirmed_date or r.ordered_date}"
                + (f" ({r.supplier_comment})" if r.supplier_comment else "")
                for r, quantity in zip(lines.itertuples(index=False), confirmed, strict=True)]
        state = po_life.state_of(db, args.po_number)
        return "\n".join([*said, f"{args.po_number} is {state}"])

    return _write(args, change)


def cmd_receive(args: argparse.Namespace) -> int:
    from planner import clock
    from planner.cli import CliError
    from planner.store import po_life

    today = clock.today()
    day = args.date or today
    if day > today:
        raise CliError(f"--date {day.isoformat()} is after today ({today.isoformat()}): record "
                       "a receipt once the goods are in")
    if args.quantity is None and not args.not_in_count:
        raise CliError("say how many units came in with --quantity N")

    def change(db: Any) -> str:
        _line_check(db, args.po_number, args.sku)
        if args.quantity is None:  # --not-in-count alone: the receipts of the count's day
            po_life.set_not_in_count(db, args.po_number, args.sku, today)
            return (f"{args.po_number} / {args.sku}: its receipts dated the day of the stock "
                    "count are not in that count; they add to on-hand")
        po_life.receive(db, args.po_number, args.sku, args.quantity, day,
                        not_in_count=args.not_in_count)
        ordered, received, _last, status, confirmed = po_life.line_values(
            db, args.po_number, args.sku)
        due = int(confirmed if confirmed is not None else ordered)
        return (f"received {int(args.quantity):,} of {args.po_number} / {args.sku} on "
                f"{day.isoformat()} ({int(received):,} of {due:,}: the line is {status}); "
                f"{args.po_number} is {po_life.state_of(db, args.po_number)}")

    return _write(args, change)


def cmd_cancel(args: argparse.Namespace) -> int:
    from planner.store import po_life

    def change(db: Any) -> str:
        _line_check(db, args.po_number, args.sku)
        if args.sku is not None:
            po_life.cancel_line(db, args.po_number, args.sku)
            what = f"{args.po_number} / {args.sku} cancelled"
        else:
            before = po_life.cancel(db, args.po_number)
            what = f"{len(before):,} open line{'s' if len(before) != 1 else ''} cancelled"
        return f"{what}; {args.po_number} is {po_life.state_of(db, args.po_number)}"

    return _write(args, change)


def _quantity(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of units") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} units: the quantity must be at least 1")
    return value


def register_life(subparsers: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add confirm, receive and cancel to ``subparsers``; returns their handlers by name."""
    from planner.cli import parse_date

    p = subparsers.add_parser("confirm", help="record a supplier's answer: the confirmed "
                                              "quantity and/or date of a line (or every line)")
    p.add_argument("path", help="the workspace file")
    p.add_argument("po_number", metavar="PO", help="the purchase order")
    p.add_argument("--sku", help="the line (default: every open line of the PO)")
    p.add_argument("--quantity", type=_quantity, metavar="N", help="the confirmed quantity")
    p.add_argument("--date", type=parse_date, metavar="DATE",
                   help="the confirmed arrival date at your dock (YYYY-MM-DD)")
    p.add_argument("--comment", metavar="TEXT", help="the supplier's comment")

    p = subparsers.add_parser("receive", help="record a delivery of a PO line: on-hand rises by "
                                              "N at once")
    p.add_argument("path", help="the workspace file")
    p.add_argument("po_number", metavar="PO", help="the purchase order")
    p.add_argument("--sku", required=True, help="the line received")
    p.add_argument("--quantity", type=_quantity, metavar="N", help="units that came in")
    p.add_argument("--date", type=parse_date, metavar="DATE",
                   help="the day they came in (default: today)")
    p.add_argument("--not-in-count", action="store_true",
                   help="the stock count of that day does not hold them (it was taken before "
                        "they came in); without --quantity: say so of the line's receipts "
                        "dated the day of the current stock count")

    p = subparsers.add_parser("cancel", help="cancel a PO's open lines, or one line")
    p.add_argument("path", help="the workspace file")
    p.add_argument("po_number", metavar="PO", help="the purchase order")
    p.add_argument("--sku", help="cancel only this line")
    return {"confirm": cmd_confirm, "receive": cmd_receive, "cancel": cmd_cancel}


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
    handlers.update(register_life(subparsers))
    return handlers
