"""The purchase-order commands of `planner`: send-po (the supplier's documents) and export-pos
(every PO in our own purchase_orders import format)."""

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
    return {"send-po": cmd_send_po, "export-pos": cmd_export_pos}
