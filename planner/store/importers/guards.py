"""Hostile-input checks, run on a file before any parser touches it.

Zip and XML bombs, absurd sizes, lines, columns and sheet extents, and binary data passed off as
CSV are refused fast and in bounded memory (the file is streamed in blocks), with a message that
says what is wrong. Ordinary exports of any size pass at disk speed.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from planner.store.importers.reading import UnreadableFile

MAX_FILE_BYTES = 2 * 1024**3
MAX_LINE_BYTES = 1024**2
MAX_COLUMNS = 16_384  # Excel's own limit
MAX_CONTROL_SHARE = 0.01  # of the first MiB of a CSV: more is binary data, not text
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024**2
#: openpyxl holds every shared string in memory before the first row is read: ~5 bytes of
#: memory per byte of XML. 32 MB is a million distinct order ids; a bomb is refused unread.
MAX_SHARED_STRINGS_BYTES = 32 * 1024**2
#: Reading the rows of a workbook stops after this long (save a sheet this big as CSV).
MAX_XLSX_READ_SECONDS = 120.0
MAX_XLSX_MEMBERS = 10_000
MAX_ZIP_RATIO = 200  # real spreadsheets compress 5-50x; zip bombs about 1000x
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit
MAX_XLSX_CELLS = 50_000_000  # rows x columns a reader would lay out
_BLOCK = 4 * 1024**2
_XML_PROLOG = 64 * 1024
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_CELL_COLUMN = re.compile(rb"\sr=\"([A-Z]{1,7})[0-9]")  # <c r="AB12">
_ANY_ROW = re.compile(rb"\sr=\"[A-Z]{0,7}([0-9]{1,12})\"")  # <row r="12"> and <c r="AB12">
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref=\"(?:[A-Z]+[0-9]+:)?([A-Z]{1,7})"
                        rb"([0-9]{1,12})\"")


class HostileFile(UnreadableFile):
    """A file refused before reading because it could exhaust time or memory."""


def check_file(path: str | Path) -> Path:
    """Refuse (HostileFile) a file no real export looks like; returns the path when fine."""
    path = Path(path)
    if not path.is_file():
        return path  # the reader says "no such file"
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise HostileFile(f"the file is {size / 1024**3:.1f} GB, more than the "
                          f"{MAX_FILE_BYTES // 1024**3} GB Planner reads; split it into smaller "
                          "files")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        check_xlsx(path)
    else:
        check_csv(path)
    return path


# ---------------------------------------------------------------------------------------------
# CSV

def _text_blocks(path: Path) -> Iterator[bytes]:
    """The file in blocks of bytes in which b'\\n' ends a line (UTF-16 is re-encoded)."""
    with open(path, "rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
            while block := handle.read(_BLOCK):
                yield decoder.decode(block).encode("utf-8", errors="replace")
            yield decoder.decode(b"", final=True).encode("utf-8", errors="replace")
            return
        while block := handle.read(_BLOCK):
            yield block


def check_csv(path: str | Path) -> None:
    """Binary data, lines over MAX_LINE_BYTES and more than MAX_COLUMNS columns are refused."""
    path = Path(path)
    line_no, line_bytes, seen = 1, 0, 0
    first_lines = bytearray()
    newline: int | None = None  # b"\n", or b"\r" for old Mac line endings (CR only)
    for block in _text_blocks(path):
        if seen < MAX_LINE_BYTES:
            _check_binary(block[:MAX_LINE_BYTES - seen], seen, path)
        if newline is None:
            newline = _line_end(block)
        if len(first_lines) < MAX_LINE_BYTES:
            first_lines += block[:MAX_LINE_BYTES - len(first_lines)]
            _check_columns(first_lines, newline or 10)
        if b"\x00" in block:
            raise HostileFile("the file contains binary data (NUL bytes), not CSV text; export "
                              "the data as CSV or XLSX and import that")
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == (newline or 10))
        if ends.size == 0:
            line_bytes += len(block)
        else:
            lengths = np.diff(ends, prepend=-1) - 1
            lengths[0] += line_bytes
            longest = int(lengths.argmax())
            if lengths[longest] > MAX_LINE_BYTES:
                _too_long(line_no + longest)
            line_no += ends.size
            line_bytes = len(block) - int(ends[-1]) - 1
        if line_bytes > MAX_LINE_BYTES:
            _too_long(line_no)
        seen += len(block)


def _line_end(block: bytes) -> int | None:
    """The byte that ends lines: 10 (LF, CRLF), 13 when the first line ends in a lone CR (old
    Mac files), None when the block has no line end yet."""
    lf, cr = block.find(b"\n"), block.find(b"\r")
    if cr >= 0 and (lf < 0 or cr < lf) and block[cr + 1:cr + 2] not in (b"\n", b""):
        return 13
    return 10 if lf >= 0 else None


def _too_long(line_no: int) -> None:
    raise HostileFile(f"line {line_no:,} is longer than {MAX_LINE_BYTES // 1024**2} MB; no "
                      "order, product or stock export has lines like that. Is it the right "
                      "file?")


def _check_binary(sample: bytes, offset: int, path: Path) -> None:
    if not sample:
        return
    controls = len(sample.translate(None, _NOT_CONTROL))  # what is left are control bytes
    if b"\x00" in sample or controls > MAX_CONTROL_SHARE * len(sample) + 2:
        raise HostileFile(f"the file holds binary data, not CSV text (it may be another kind of "
                          f"file renamed {path.suffix or 'as CSV'}); export the data as CSV or "
                          "XLSX and import that")


def _check_columns(first_lines: bytes | bytearray, newline: int = 10) -> None:
    """The widest of the first lines, counted with each delimiter Planner recognises."""
    lines = first_lines.split(bytes([newline]), 64)[:64]
    for number, line in enumerate(lines, start=1):
        widest = max(line.count(d) for d in (b",", b";", b"\t", b"|")) + 1
        if widest > MAX_COLUMNS:
            raise HostileFile(f"line {number} has more than {MAX_COLUMNS:,} columns (at least "
                              f"{widest:,}); Planner's files have a few dozen at most")


# ---------------------------------------------------------------------------------------------
# XLSX

def check_xlsx(path: str | Path) -> None:
    """Zip bombs, XML bombs (any DTD) and sheets spanning absurd extents are refused."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise HostileFile(f"not a readable XLSX workbook (damaged zip: {exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise HostileFile(f"the workbook holds {len(members):,} parts; a real one has a few "
                              "dozen")
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise HostileFile(f"the workbook unpacks to {total / 1024**3:.1f} GB, more than the "
                              f"{MAX_XLSX_UNCOMPRESSED_BYTES // 1024**3} GB Planner reads "
                              "(a zip bomb, or split it into smaller files)")
        for member in members:
            if (member.filename.lower().endswith("sharedstrings.xml")
                    and member.file_size > MAX_SHARED_STRINGS_BYTES):
                raise HostileFile(
                    f"the workbook's shared text ({member.filename}) unpacks to "
                    f"{member.file_size / 1024**2:,.0f} MB, more than the "
                    f"{MAX_SHARED_STRINGS_BYTES // 1024**2} MB Planner reads (real exports "
                    "have a few MB); save the sheet as CSV and import that")
            ratio = member.file_size // max(member.compress_size, 1)
            if member.file_size > 1024**2 and ratio > MAX_ZIP_RATIO:
                raise HostileFile(
                    f"the workbook part {member.filename} unpacks {ratio:,} times its packed size "
                    f"({member.file_size / 1024**2:,.0f} MB); that is a zip bomb, not a "
                    "spreadsheet")
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_xml_member(archive, member)


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    try:
        with archive.open(member) as stream:
            head = stream.read(_XML_PROLOG)
            probe = head
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00<" in head[:8]:
                probe = head.decode("utf-16", errors="ignore").encode("utf-8")
            if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
                raise HostileFile(f"the workbook part {member.filename} declares XML entities "
                                  "(an XML bomb); save the sheet again from a spreadsheet program")
            if not re.search(rb"<[A-Za-z_]", probe) and len(head) == _XML_PROLOG:
                raise HostileFile(f"the workbook part {member.filename} does not start like "
                                  "spreadsheet XML")
            if b"<sheetData" in probe or b":sheetData" in probe or b"<dimension" in probe:
                _check_sheet_extent(member.filename, head, stream)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise HostileFile(f"not a readable XLSX workbook ({exc})") from None


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _check_sheet_extent(name: str, head: bytes, stream: Any) -> None:
    """The rows x columns a reader would lay out, from the dimension and every cell reference."""
    max_row, max_col = 0, 0
    match = _DIMENSION.search(head)
    if match:
        max_col, max_row = _column_number(match.group(1)), int(match.group(2))
    tail = b""
    block = head
    while block:
        text = tail + block
        columns = set(_CELL_COLUMN.findall(text))
        if columns:
            max_col = max(max_col, max(_column_number(c) for c in columns))
        rows = _ANY_ROW.findall(text)
        if rows:
            max_row = max(max_row, max(map(int, rows)))
        cut = text.rfind(b"<")
        tail = text[cut:] if cut >= 0 and len(text) - cut < 512 else b""
        if max_row > MAX_XLSX_ROWS or max_col > MAX_COLUMNS or max_row * max_col > MAX_XLSX_CELLS:
            raise HostileFile(
                f"the sheet in {name} spans {max_row:,} rows x {max_col:,} columns; Planner reads "
                f"up to {MAX_XLSX_ROWS:,} rows, {MAX_COLUMNS:,} columns and "
                f"{MAX_XLSX_CELLS:,} cells. Delete the empty rows and columns, or save the data "
                "as CSV")
        block = stream.read(_BLOCK)
