"""Purchase orders out of the workspace: the supplier's documents (PDF, XLSX to fill in, an
e-mail draft) and the export of every PO in our own ``purchase_orders`` import format.

Nothing is sent: the files are written for the user's own mail program.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.exports import match_workspace_mode, safe_csv_frame
from planner.store import po_life
from planner.store.settings import load_settings

#: the export's columns: the purchase_orders import format (docs/reference.md)
EXPORT_COLUMNS = ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date",
                  "received_quantity", "received_date", "status", "unit_cost",
                  "confirmed_quantity", "confirmed_date", "supplier_comment", "state",
                  "currency"]


@dataclass
class SentPo:
    """The documents written for one PO."""

    po_number: str
    supplier: str
    files: list[Path] = field(default_factory=list)
    #: draft → sent now (False: it was sent or further along already)
    marked_sent: bool = False


_UNSAFE_IN_NAMES = re.compile(r"[^\w.\-]")
_WINDOWS_DEVICES = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)")


def _file_stem(po_number: str) -> str:
    """A file name (without suffix) that keeps every character of the PO number apart: letters,
    digits, '_', '.' and '-' as they are, anything else as _XX (its code), so
    PO/7 and PO:7 give PO_2F7 and PO_3A7; never hidden, never a Windows device name."""
    stem = _UNSAFE_IN_NAMES.sub(lambda m: f"_{ord(m.group()):02X}", po_number) or "PO"
    if stem.startswith(".") or _WINDOWS_DEVICES.match(stem):
        stem = f"_{ord(stem[0]):02X}{stem[1:]}"
    return stem[:150]


def _file_stems(po_numbers: list[str]) -> dict[str, str]:
    """Each PO's file name stem, distinct from every other's in the run even where the file
    system ignores case (PO-a, PO-A), a long number is cut or PO_2F7 meets PO/7: the later
    one gets ~2, ~3, …"""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for po_number in dict.fromkeys(po_numbers):
        stem = base = _file_stem(po_number)
        extra = 1
        while stem.casefold() in taken:
            extra += 1
            stem = f"{base}~{extra}"
        taken.add(stem.casefold())
        stems[po_number] = stem
    return stems


def _workspace(db: Database) -> Path | None:
    from planner.store.workspace import workspace_file

    return workspace_file(db)


def draft_po_numbers(db: Database) -> list[str]:
    """The approved POs not sent yet."""
    return [r[0] for r in db.execute(
        "SELECT po_number FROM purchase_orders WHERE state = 'draft' ORDER BY po_number")]


def po_lines_for_supplier(db: Database, po_number: str) -> pd.DataFrame:
    """A PO's lines as ordered, with what the supplier may see of each product."""
    return pd.read_sql_query("""
        SELECT l.sku, p.supplier_sku, p.name, p.case_pack, l.quantity, l.expected_date,
               COALESCE(l.unit_cost, p.unit_cost) AS unit_cost
        FROM po_lines l LEFT JOIN products p USING (sku)
        WHERE l.po_number = ? AND l.status != 'cancelled' ORDER BY l.expected_date, l.sku""",
                             db.conn, params=[po_number])


def _supplier_info(db: Database, supplier: str | None) -> dict[str, Any]:
    row = db.execute("SELECT email, currency, contact, address FROM suppliers WHERE supplier = ?",
                     [supplier]).fetchone()
    return dict(zip(("email", "currency", "contact", "address"), row, strict=True)) if row else {}


def _email(po_number: str, supplier: str, to: str | None, settings: dict[str, Any],
           attachments: list[Path]) -> EmailMessage:
    company = str(settings.get("company_name") or "").strip()
    message = EmailMessage()
    message["Subject"] = f"Purchase order {po_number}" + (f" from {company}" if company else "")
    message["To"] = to or ""
    message["Date"] = formatdate(localtime=True)
    message["X-Unsent"] = "1"  # mail programs open it as a draft to send
    message.set_content(
        f"Hello {supplier},\n\nplease find our purchase order {po_number} attached, as a PDF "
        "and as a spreadsheet.\n\nPlease fill in the spreadsheet's confirmed_quantity and "
        "confirmed_date for every line (and a supplier_comment where something differs) and "
        "send it back to us.\n\nThank you,\n" + (company or ""))
    for path in attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return message


def _check_mail_headers(db: Database, numbers: list[str], settings: dict[str, Any]) -> None:
    """Before any file is written: an e-mail header (the supplier's address, the company name in
    the subject) cannot hold a line break; name the PO and the supplier so it can be fixed."""
    company = str(settings.get("company_name") or "")
    if "\r" in company or "\n" in company:
        raise ValueError("the company name holds a line break, which an e-mail subject cannot; "
                         "correct it in Settings (company_name); nothing was written")
    for po_number in numbers:
        supplier = po_life.header(db, po_number)["supplier"] or ""
        address = str(_supplier_info(db, supplier).get("email") or "")
        if "\r" in address or "\n" in address:
            raise ValueError(f"{po_number}: the e-mail address of supplier {supplier!r} holds a "
                             "line break; correct it (Suppliers page, or the suppliers file) "
                             "and send again; nothing was written")


def write_po_documents(db: Database, po_numbers: list[str] | None, out_dir: Path | str, *,
                       eml: bool = False, today: dt.date | None = None,
                       mark_sent: bool = True) -> list[SentPo]:
    """Write each PO's PDF and XLSX (and with ``eml`` an e-mail draft with both attached) into
    ``out_dir``, then mark draft POs sent today (``mark_sent`` False: the caller does, as the
    app does with an undoable step). No PO numbers: every draft (approved) PO."""
    from planner.reports.purchase_order import (
        build_purchase_order_pdf,
        build_purchase_order_xlsx,
    )
    from planner.reports.supplier_plan import plan_currency

    today = today or clock.today()
    out = Path(out_dir)
    if not out.is_dir():
        raise ValueError(f"{out} is not a folder: create it first or give another --out")
    numbers = list(po_numbers) if po_numbers else draft_po_numbers(db)
    if not numbers:
        raise ValueError("there are no approved purchase orders waiting to be sent: name the "
                         "PO numbers to send again (planner send-po PATH PO-…)")
    settings = load_settings(db)
    workspace = _workspace(db)
    sent: list[SentPo] = []
    stems = _file_stems(numbers)
    if eml:
        _check_mail_headers(db, numbers, settings)
    for po_number in numbers:
        head = po_life.header(db, po_number)
        supplier = head["supplier"] or ""
        lines = po_lines_for_supplier(db, po_number)
        if lines.empty:
            raise ValueError(f"{po_number} has no lines that are not cancelled: nothing to send")
        info = _supplier_info(db, supplier)
        currency = plan_currency(info, settings)
        order_date = dt.date.fromisoformat(head["order_date"]) if head["order_date"] else today
        stem = str(out / stems[po_number])  # PO.2025.1 + .pdf (with_suffix cut the .1)
        pdf = build_purchase_order_pdf(Path(stem + ".pdf"), po_number=po_number,
                                       supplier=supplier, order_date=order_date, lines=lines,
                                       supplier_info=info, settings=settings)
        xlsx = build_purchase_order_xlsx(Path(stem + ".xlsx"), po_number=po_number,
                                         supplier=supplier, order_date=order_date, lines=lines,
                                         currency=currency)
        done = SentPo(po_number, supplier, [pdf, xlsx])
        if eml:
            message = _email(po_number, supplier, info.get("email"), settings, [pdf, xlsx])
            path = Path(stem + ".eml")
            path.write_bytes(bytes(message))
            done.files.append(path)
        for path in done.files:
            match_workspace_mode(path, workspace)
        sent.append(done)
    if not mark_sent:
        return sent
    with db.atomic():
        changed = set(po_life.mark_sent(db, numbers, on=today, how="documents written"))
    for done in sent:
        done.marked_sent = done.po_number in changed
    return sent


def po_export_frame(db: Database) -> pd.DataFrame:
    """Every PO line in the purchase_orders import format (ordered values, confirmations and
    receipts as stored), with its PO's ``state`` and the ``currency`` of its unit_cost (the
    supplier's; the workspace currency when the supplier names none)."""
    home = str(load_settings(db)["currency"]).strip().upper()
    frame = pd.read_sql_query("""
        SELECT l.po_number, l.sku, l.quantity, l.expected_date, h.supplier, h.order_date,
               l.received_quantity, l.received_date, l.status, l.unit_cost,
               l.confirmed_quantity, l.confirmed_date, l.supplier_comment, h.state,
               upper(trim(COALESCE(NULLIF(trim(s.currency), ''), ?))) AS currency
        FROM po_lines l JOIN purchase_orders h USING (po_number)
        LEFT JOIN suppliers s ON s.supplier = COALESCE(h.supplier, (
            SELECT p.supplier FROM products p WHERE p.sku = l.sku))
        ORDER BY l.po_number, l.sku""", db.conn, params=[home])
    for column in ("quantity", "received_quantity", "confirmed_quantity"):
        frame[column] = frame[column].astype("Int64")
    return frame[EXPORT_COLUMNS]


def _cell(value: Any, neutralise: Any) -> Any:
    """A frame value as an XLSX cell: missing → empty, text neutralised, numbers as numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return neutralise(value)
    number = float(value)
    return int(number) if number.is_integer() else number


def export_pos(db: Database, target: Path | str) -> int:
    """Write every PO line as CSV or XLSX (by the file's suffix); returns the lines written."""
    path = Path(target)
    frame = po_export_frame(db)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe_csv_frame(frame).to_csv(path, index=False, lineterminator="\n")
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        from planner.exports import neutralise_cell

        book = Workbook()
        sheet = book.active
        sheet.title = "purchase_orders"
        sheet.append(EXPORT_COLUMNS)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v, neutralise_cell) for v in row])
        book.save(path)
    else:
        raise ValueError(f"{path.name}: give a file ending .csv or .xlsx")
    match_workspace_mode(path, _workspace(db))
    return len(frame)
