"""Hostile-file corpus (issue 18): every file is refused or imported within 10 s and 500 MB.

    python bench/bench_hostile.py [--out DIR]

Writes the corpus into DIR (default: a temporary folder), then imports each file into a fresh
workspace in a fresh Python process (`planner.store.importers.import_files`, as `planner import`
does), and prints one table row per file: outcome, the first words of the message, wall time and
the process's peak RSS (ru_maxrss; a Python process with pandas and openpyxl loaded starts near
100 MB). Exit status 1 when a file takes more than 10 s or 500 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS, LIMIT_MB = 10.0, 500.0

_CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from planner.store import open_workspace
from planner.store.importers import ImportRejected, import_files
from planner.store.workspace import WorkspaceError
db = open_workspace(sys.argv[1])
outcome, message = "imported", ""
try:
    summaries = import_files(db, [sys.argv[2]])
    message = f"{summaries[0].kind}: {summaries[0].rows_read:,} rows"
except ImportRejected as exc:
    outcome, message = "refused", str(exc).splitlines()[0]
except WorkspaceError as exc:
    outcome, message = "refused", str(exc)
db.conn.close()
print(json.dumps({"outcome": outcome, "message": message,
                  "seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _repack(base: bytes, replace: dict[str, bytes], extra: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item)))
        for name, data in replace.items():
            if name not in source.namelist():
                target.writestr(name, data)
        for k in range(extra):
            target.writestr(f"xl/media/part{k}.bin", b"")
    return out.getvalue()


_SHEET = "xl/worksheets/sheet1.xml"
_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def corpus(folder: Path) -> list[tuple[str, Path]]:
    """Write the hostile files; (what it is, path) per file."""
    base = _xlsx([["sku", "on_hand"], ["MUG-1", 3]])
    files: dict[str, tuple[str, bytes]] = {}

    def add(name: str, what: str, data: bytes) -> None:
        files[name] = (what, data)

    add("zip_bomb.xlsx", "sheet of 400 MB of zeros (ratio ~1000)",
        _repack(base, {_SHEET: _NS + b"<sheetData>" + b" " * 400 * 1024**2
                       + b"</sheetData></worksheet>"}))
    strings = b"".join(b"<si><t>ORD-%09d-%x</t></si>" % (i, i * 7919) for i in range(4_000_000))
    add("shared_strings_140mb.xlsx", "shared strings 140 MB at ratio < 200",
        _repack(base, {"xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main">' + strings + b"</sst>"}))
    near = b"".join(b"<si><t>ORD-%09d-%x</t></si>" % (i, i * 7919) for i in range(800_000))
    add("shared_strings_30mb.xlsx", "shared strings 30 MB, just under the 32 MB bound",
        _repack(base, {"xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main">' + near + b"</sst>"}))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (k, b"&lol%d;" % (k - 1) * 10 if k > 1
                                                   else b"&lol;" * 10) for k in range(1, 10))
              + b"]>" + _NS + b"<sheetData><row><c><v>&lol9;</v></c></row></sheetData>"
              b"</worksheet>")
    add("billion_laughs.xlsx", "XML entity expansion in the sheet", _repack(base, {_SHEET: laughs}))
    add("xxe.xlsx", "external entity (XXE) in the sheet", _repack(base, {_SHEET: (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + _NS
        + b"<sheetData><row><c t=\"inlineStr\"><is><t>&e;</t></is></c></row></sheetData>"
        b"</worksheet>")}))
    add("huge_extent.xlsx", "dimension A1:XFD1048576", _repack(base, {_SHEET: (
        _NS + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
        b"<is><t>sku</t></is></c></row></sheetData></worksheet>")}))
    add("many_parts.xlsx", "10,001 zip members", _repack(base, {}, extra=10_001))
    add("long_line.csv", "one 3 MB line", b"sku,name\nA," + b"x" * 3 * 1024**2 + b"\n")
    add("wide.csv", "20,000 columns", b",".join(b"c%d" % k for k in range(20_000)) + b"\n1\n")
    add("binary.csv", "random binary named .csv", bytes(range(256)) * 4000)
    add("nul.csv", "NUL bytes in text", b"sku,name\n" + b"A,\x00\x00\n" * 1000)
    add("unclosed_quote.csv", "a quote never closed, 20 MB after it",
        b'sku,name\nA,"' + b"text, more text\n" * 1_300_000)
    add("cr_only.csv", "200,000 lines, CR line ends (old Mac)",
        b"sku,name,unit_cost\r" + b"".join(b"A%d,Mug %d,1.5\r" % (k, k) for k in range(200_000)))
    add("utf16.csv", "UTF-16 with BOM", "sku,name\nA,Café\n".encode("utf-16"))
    add("one_cp1252_byte.csv", "UTF-8 with one Windows-1252 byte",
        b"sku,name\n" + "".join(f"A{k},Mug – Sage é {k}\n" for k in range(5000)).encode()
        + b"B,Caf\xe9\n")
    add("semicolon_decimals.csv", "; file 0454;0.125;1.250",
        b"sku;unit_cost;unit_price\n0454;0.125;1.250\n")
    add("ambiguous_decimals.csv", "; file 1.125;1.250 (nothing tells)",
        b"sku;unit_cost;unit_price\nA;1.125;1.250\n")
    add("lead_time_1e308.csv", "lead_time_days 1e308, cost 1e309",
        b"sku,unit_cost,lead_time_days,lead_time_std_days\nA,1e309,1e308,1e308\n")
    add("po_received_1900.csv", "PO received 1900-01-01",
        b"po_number,sku,quantity,order_date,expected_date,received_date\n"
        b"PO-1,A,10,2024-03-01,2024-03-31,1900-01-01\n")
    add("formulas.csv", "formula cells", b"sku,name\nA,=HYPERLINK(\"http://x\")\nB,+1+2\n")
    add("escapes.csv", "terminal escapes in names", b"sku,name\n" + b"".join(
        b"A%d,\x1b]0;title\x07\x1b[2JMug %d\n" % (k, k) for k in range(300))
        + b"".join(b"B%d,plain name %d for padding\n" % (k, k) for k in range(3000)))
    add("sales_500k.csv", "500,000 ordinary sales lines (not hostile: the size bound)",
        b"date,sku,quantity,order_id\n" + b"".join(
            b"2025-%02d-%02d,SKU-%d,1,O-%d\n" % (1 + k % 12, 1 + k % 28, k % 300, k)
            for k in range(500_000)))
    paths = []
    for name, (what, data) in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append((what, path))
    return paths


def run(path: Path, folder: Path) -> dict:
    workspace = folder / f"ws-{path.stem}.db"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(workspace), str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - started
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = {"outcome": "CRASHED", "message": done.stderr.strip().splitlines()[-1:],
                  "seconds": wall, "peak_mb": float("nan")}
    result["wall"] = wall
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="planner-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.write_only:
        print(json.dumps([[what, str(path)] for what, path in corpus(folder)]))
        return 0
    # The corpus is written by another process: Linux keeps a process's peak RSS across fork and
    # exec, so a child of a process that held the 400 MB bomb in memory would report its size.
    written = subprocess.run([sys.executable, __file__, "--out", str(folder), "--write-only"],
                             capture_output=True, text=True, check=True, cwd=ROOT)
    files = [(what, Path(path)) for what, path in json.loads(written.stdout)]
    over = 0
    print("| file | what | size | outcome | message (start) | time s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for what, path in files:
        r = run(path, folder)
        bad = r["wall"] > LIMIT_SECONDS or not r["peak_mb"] < LIMIT_MB or r["outcome"] == "CRASHED"
        over += bad
        message = str(r["message"]).replace("|", "/").replace("\n", " ")
        message = "".join(ch for ch in message if ch.isprintable())[:90]
        print(f"| {path.name} | {what} | {path.stat().st_size / 1024**2:,.1f} MB | {r['outcome']}"
              f"{' **OVER**' if bad else ''} | {message} | {r['wall']:.2f} | {r['peak_mb']:.0f} |",
              flush=True)
    print(f"\n{over} file(s) over {LIMIT_SECONDS:.0f} s / {LIMIT_MB:.0f} MB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
